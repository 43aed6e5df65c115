// Stale marks (marimo's idea): the server says which cells would compute something else if run
// now, and why (GET /api/pipelines/{p}/stale: code changed since the last run, an upstream ran
// again, an upstream is stale). Refreshed when files change, cells run or a run ends.
import { api } from "../core/api.js";
import { h } from "../core/dom.js";
import "./stale.css";

const DEBOUNCE_MS = 150;

// `apply(data)`: {blocks: {name: {stale, reasons, last_run}}, stale: [names in graph order]}.
export function staleMarks(pipeline, apply) {
  let timer = null;
  let latest = 0;
  async function load() {
    const mine = ++latest;
    try {
      const data = await api.staleCells(pipeline);
      if (mine === latest) apply(data);
    } catch {
      // marks are a hint: a failed read leaves the last ones (the next change asks again)
    }
  }
  return {
    refresh() {
      clearTimeout(timer);
      timer = setTimeout(load, DEBOUNCE_MS);
    },
    now: load,
    stop: () => clearTimeout(timer),
  };
}

// The mark under a cell's header: what makes it stale, in words.
export function staleNotice(mark) {
  if (!mark || !mark.stale) return null;
  const reasons = mark.reasons.map((r) => r.message);
  return h(
    "div.cell-stale-notice",
    { "data-testid": "stale", title: "Run the cell (or Run stale cells) to bring its output up to date" },
    h("span.cell-stale-chip", {}, "stale"),
    h("span.cell-stale-reasons", {}, reasons.join("; ")),
  );
}
