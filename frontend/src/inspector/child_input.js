// What a dynamic child was given: for each input port, the upstream run it came from and
// the item (one item of a dynamic block's output) or output (an upstream child's) it read.
// Shown beside a child's own output, first of all for a failed child, whose output is
// empty and whose input is what one needs to reproduce the failure.
import { api } from "../core/api.js";
import { h } from "../core/dom.js";
import { pageView } from "../notebook/preview.js";
import { sourceText } from "../run/lineage.js";

const WHOLE = 5; // the first items shown of an upstream child's whole output

async function inputView(runId, src) {
  const head = h(
    "div.insp-input-head",
    {},
    h("span.mono", {}, src.port),
    h("span.muted", {}, " ← "),
    h("span.mono", {}, sourceText(src)),
  );
  if (!src.uuid)
    return h("div.insp-input", {}, head, h("div.insp-empty", {}, "a reduced list (not stored on its own)"));
  const dynamic = src.item !== null && src.item !== undefined;
  const query = dynamic ? { offset: src.item, limit: 1 } : { offset: 0, limit: WHOLE };
  try {
    const page = await api.outputs(runId, src.block, src.uuid, query);
    const stored = page.total > (dynamic ? src.item : 0) && page.preview;
    const kept = page.meta && page.meta.kept !== "all" ? ` (keep_outputs: ${page.meta.kept})` : "";
    const body = stored
      ? pageView(page.preview, { indexOf: (i) => (dynamic ? src.item : 0) + i })
      : h("div.insp-empty", {}, `${dynamic ? `item ${src.item} of ${src.uuid}` : src.uuid} was not stored${kept}`);
    const more =
      !dynamic && page.total > WHOLE ? h("div.muted", {}, `the first ${WHOLE} of ${page.total} items`) : null;
    return h("div.insp-input", {}, head, body, more);
  } catch (err) {
    return h("div.insp-input", {}, head, h("div.insp-empty", {}, `no stored output: ${err.message}`));
  }
}

// -> {el, destroy}; `uuid` a child's name (D:7:3).
export function childInputPane({ runId, uuid }) {
  let alive = true;
  const body = h("div.insp-input-list", {}, h("div.muted", {}, "loading…"));
  const el = h("div.insp-inputs", { "data-testid": "child-input" }, h("div.insp-section-title", {}, "Input"), body);
  (async () => {
    try {
      const { block_run: row } = await api.get(
        `/api/runs/${encodeURIComponent(runId)}/block_runs/${encodeURIComponent(uuid)}`,
      );
      if (!alive) return;
      if (!row.lineage || !row.lineage.length) {
        body.replaceChildren(h("div.insp-empty", {}, "Where this child's input came from is not known."));
        return;
      }
      const views = await Promise.all(row.lineage.map((src) => inputView(runId, src)));
      if (alive) body.replaceChildren(...views);
    } catch (err) {
      if (alive) body.replaceChildren(h("div.insp-empty", {}, `Could not load the input: ${err.message}`));
    }
  })();
  return {
    el,
    destroy() {
      alive = false;
    },
  };
}
