// Beside the output: the block run's traceback when it failed, and its log, paged.
import { api } from "../core/api.js";
import { h } from "../core/dom.js";
import { errorView, logLines } from "../notebook/output.js";
import { count } from "../notebook/preview.js";

const LIMIT = 200;

function logPane(runId, uuid) {
  let offset = 0;
  let alive = true;
  const lines = h("div.insp-log-lines");
  const more = h("button.nb-link", { hidden: true, on: { click: () => load() } }, "older lines…");
  const title = h("span.muted");
  const el = h("div.insp-logs", {}, h("div.insp-section-title", {}, "Log", title), lines, more);

  async function load() {
    try {
      const page = await api.logs(runId, { uuid, offset, limit: LIMIT });
      if (!alive) return;
      if (offset === 0 && !page.items.length) lines.replaceChildren(h("div.insp-empty", {}, "No log lines."));
      else lines.append(logLines(page.items.map((l) => ({ ...l, uuid: l.uuid === uuid ? null : l.uuid }))));
      offset += page.items.length;
      title.textContent = page.total ? ` · ${count(page.total)} ${page.total === 1 ? "line" : "lines"}` : "";
      more.hidden = offset >= page.total;
      more.textContent = `more (${count(page.total - offset)} left)`;
    } catch (err) {
      if (alive) lines.replaceChildren(h("div.insp-empty", {}, `Could not load the log: ${err.message}`));
    }
  }
  load();
  return {
    el,
    destroy: () => {
      alive = false;
    },
  };
}

// `run`: {status, phase, reason, error, items_in, items_out, started_t, finished_t} of the
// block run (or null while unknown). `file`: the block's file, to say where it failed.
export function sidePane({ runId, uuid, run }) {
  const logs = logPane(runId, uuid);
  const parts = [];
  if (run && run.error) {
    parts.push(
      h(
        "div.insp-traceback",
        { "data-testid": "inspector-traceback" },
        h("div.insp-section-title", {}, "Traceback"),
        errorView(run.error),
      ),
    );
  } else if (run && run.reason && run.phase !== "succeeded") {
    parts.push(h("div.insp-reason.warning-box", {}, `${run.phase}: ${run.reason}`));
  }
  parts.push(logs.el);
  return { el: h("div.insp-side-body", {}, parts), destroy: logs.destroy };
}
