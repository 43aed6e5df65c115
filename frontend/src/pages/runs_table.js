// A table of runs (home's recent runs and the run history page).
import { h } from "../core/dom.js";
import { statusPill, ago, duration } from "./common.js";

// In a scroll box of its own: a narrow screen scrolls the table, never the page.
export function runsTable(runs, { pipelineColumn = true } = {}) {
  return h("div.table-scroll", {}, table(runs, pipelineColumn));
}

function table(runs, pipelineColumn) {
  return h(
    "table.runs-table",
    {},
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", {}, "Status"),
        h("th", {}, "Run"),
        pipelineColumn ? h("th", {}, "Pipeline") : null,
        h("th.col-mode", {}, "Mode"),
        h("th", {}, "Started"),
        h("th.num", {}, "Duration"),
        h("th", {}, ""),
      ),
    ),
    h(
      "tbody",
      {},
      runs.map((r) =>
        h(
          "tr",
          { "data-run": r.id, "data-status": r.status },
          h("td", {}, statusPill(r.status)),
          h("td", {}, h("a.mono", { href: `/runs/${encodeURIComponent(r.id)}` }, r.id)),
          pipelineColumn
            ? h("td", {}, h("a", { href: `/pipelines/${encodeURIComponent(r.pipeline)}` }, r.pipeline))
            : null,
          h("td.col-mode", {}, r.mode),
          h("td", { title: new Date(r.created_t * 1000).toLocaleString() }, ago(r.created_t)),
          h("td.num", {}, duration(r.duration_s)),
          h(
            "td.note",
            { title: r.error || "" },
            r.rerun_of ? `re-run of ${r.rerun_of}` : r.error ? r.error.split("\n")[0].slice(0, 80) : "",
          ),
        ),
      ),
    ),
  );
}
