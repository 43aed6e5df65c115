// Run history: every run, newest first, paged, filtered by pipeline and status. The filters
// and the page live in the address (?pipeline=&status=&offset=), so a view can be shared.
import { h, clear } from "../core/dom.js";
import { api } from "../core/api.js";
import { live } from "../core/live.js";
import { TERMINAL_RUN_PHASE } from "../core/protocol.gen.js";
import { reportError, pageHeader } from "./common.js";
import { runsTable } from "./runs_table.js";
import "./pages.css";

const PAGE = 25;
// What a run in the history can be: running, or one of the terminal run phases.
const STATUSES = ["running", ...TERMINAL_RUN_PHASE];

export function mountRuns(root) {
  const params = new URLSearchParams(location.search);
  const state = {
    pipeline: params.get("pipeline") || "",
    status: params.get("status") || "",
    offset: Number(params.get("offset") || 0),
  };
  const pipeline = h(
    "select",
    {
      name: "pipeline",
      on: {
        change: () => {
          state.pipeline = pipeline.value;
          state.offset = 0;
          load();
        },
      },
    },
    h("option", { value: "" }, "all pipelines"),
  );
  const status = h(
    "select",
    {
      name: "status",
      on: {
        change: () => {
          state.status = status.value;
          state.offset = 0;
          load();
        },
      },
    },
    h("option", { value: "" }, "any status"),
    STATUSES.map((s) => h("option", { value: s }, s)),
  );
  status.value = state.status;
  const body = h("div.runs-body");
  const pager = h("div.pager");
  root.append(
    h("div.page.runs", {}, pageHeader(h("h1", {}, "Runs"), h("div.filters", {}, pipeline, status)), body, pager),
  );

  api
    .pipelines()
    .then((list) => {
      for (const p of list) pipeline.append(h("option", { value: p.name }, p.name));
      pipeline.value = state.pipeline;
    })
    .catch(reportError);

  async function load() {
    const query = { limit: PAGE, offset: state.offset };
    if (state.pipeline) query.pipeline = state.pipeline;
    if (state.status) query.status = state.status;
    const url = new URLSearchParams(Object.entries(state).filter(([, v]) => v));
    history.replaceState(null, "", `/runs${url.toString() ? "?" + url : ""}`);
    try {
      const page = await api.runs(query);
      clear(body).append(page.items.length ? runsTable(page.items) : h("p.muted.empty-line", {}, "No runs match."));
      renderPager(page);
    } catch (err) {
      reportError(err);
    }
  }

  function renderPager(page) {
    const from = page.total ? page.offset + 1 : 0;
    const to = Math.min(page.offset + page.limit, page.total);
    clear(pager).append(
      h(
        "button",
        {
          disabled: page.offset === 0,
          on: {
            click: () => {
              state.offset = Math.max(0, state.offset - PAGE);
              load();
            },
          },
        },
        "← newer",
      ),
      h("span.muted", {}, `${from}–${to} of ${page.total}`),
      h(
        "button",
        {
          disabled: to >= page.total,
          on: {
            click: () => {
              state.offset += PAGE;
              load();
            },
          },
        },
        "older →",
      ),
    );
  }

  load();
  let timer = null;
  live.subscribe((changes) => {
    if (!changes.events.some((e) => e.kind === "run")) return;
    clearTimeout(timer);
    timer = setTimeout(load, 400);
  });
}
