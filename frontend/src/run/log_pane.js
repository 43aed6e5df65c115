// A block's log in the run view: `print()` output and `logger` lines of the block and its
// children, one page at a time from GET /api/runs/{id}/logs?block= (never the whole log;
// the kernel keeps at most 10,000 lines a block run). Log lines are not pushed live: while
// the block runs, `refresh()` fetches what came after the lines shown.
import { api } from "../core/api.js";
import { h, clear, fmtNumber } from "../core/dom.js";
import { logLines } from "../notebook/output.js";

const PAGE = 100;

export function blockLog({ runId, block }) {
  let offset = 0;
  let total = 0;
  let loading = false;
  let alive = true;
  const lines = h("div.run-log-lines");
  const info = h("span.muted");
  const more = h("button.nb-link", { type: "button", hidden: true, on: { click: () => load() } }, "more");
  const el = h(
    "div.run-log",
    { "data-testid": "run-log", "data-block": block },
    lines,
    h("div.run-log-foot", {}, info, more),
  );

  async function load() {
    if (loading || !alive) return;
    loading = true;
    try {
      const page = await api.logs(runId, { block, offset, limit: PAGE });
      if (!alive) return;
      total = page.total;
      if (!offset && !page.items.length) clear(lines).append(h("div.insp-empty", {}, "No log lines yet."));
      else if (page.items.length) {
        if (!offset) clear(lines);
        lines.append(logLines(page.items));
      }
      offset += page.items.length;
      info.textContent = total ? `${fmtNumber(offset)} of ${fmtNumber(total)} ${total === 1 ? "line" : "lines"}` : "";
      more.hidden = offset >= total;
      more.textContent = `more (${fmtNumber(total - offset)} left)`;
    } catch (err) {
      if (alive) clear(lines).append(h("div.insp-empty", {}, `Could not load the log: ${err.message}`));
    } finally {
      loading = false;
    }
  }
  load();
  return {
    el,
    // New lines only when every line so far is shown: paging through an old part stays put.
    refresh() {
      if (offset >= total) load();
    },
    destroy() {
      alive = false;
    },
  };
}
