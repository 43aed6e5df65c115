// The pipeline editor: tabs Graph | Notebook, the palette, the graph, the side panel and the
// run bar. Every edit goes through the HTTP API, which returns the pipeline as saved; edits
// made on disk by another editor arrive as `pipeline_changed` events and are shown the same
// way. A pipeline that stops being valid shows its error and keeps its last valid graph.
import { h, clear } from "../../core/dom.js";
import { api } from "../../core/api.js";
import { live } from "../../core/live.js";
import { GraphView } from "../../graph/view.js";
import { graphFromPipeline } from "../../graph/model.js";
import { createPanel } from "../../panel/index.js";
import { runLauncher } from "../../run/controls.js";
import { createPalette } from "./palette.js";
import { problemsBar } from "./problems.js";
import { createTabs } from "./tabs.js";
import { foldToggle } from "../../core/collapse.js";
import { reportError, statusPill, ago, loadNotebook, unavailable } from "../common.js";
import "../pages.css";
import "./editor.css";

export function mountEditor(root, { pipeline }) {
  const state = {
    pipeline,
    data: null,
    plan: null,
    graph: null,
    selection: null,
    mutate,
    select,
    openCode,
  };
  const lastRun = h("div.last-run");
  const launcherSlot = h("div.launcher-slot");
  const problems = problemsBar(state);
  const graphHost = h("div.graph-host");
  const stale = h("div.stale-banner", { hidden: true });
  const palette = createPalette(state);
  const graphCol = h("div.graph-col", {}, stale, graphHost);
  const body = h("div.editor-body", {}, palette, graphCol);
  const notebookHost = h("div.notebook-host", { hidden: true });
  const tabs = createTabs({ onChange: (tab) => showTab(tab) });
  root.append(
    h(
      "div.editor",
      { "data-pipeline": pipeline },
      h(
        "div.editor-head",
        {},
        h("div.crumbs", {}, h("a", { href: "/" }, "Pipelines"), h("span.sep", {}, "/"), h("h1", {}, pipeline)),
        tabs.el,
        h("div.grow"),
        lastRun,
        launcherSlot,
      ),
      problems.el,
      body,
      notebookHost,
    ),
  );
  const view = new GraphView(graphHost, {
    mode: "edit",
    onSelect: (sel) => select(sel, { fromView: true }),
    onConnect: (edge) => mutate((v) => api.addEdge(pipeline, edge, v)),
  });
  const panel = createPanel(body, state);
  // The palette and the settings panel fold away (remembered), leaving the graph more room.
  const folds = [
    foldToggle({ key: "palette", target: palette, open: "«", shut: "» Blocks", title: "the block palette" }),
    foldToggle({ key: "editor-panel", target: panel.el, open: "»", shut: "« Settings", title: "the settings panel" }),
  ];
  graphCol.append(h("div.fold-bar", {}, folds[0].button, h("span.grow"), folds[1].button));
  view.svg.addEventListener("dblclick", (ev) => {
    const node = ev.target.closest(".node");
    if (node) openCode(node.dataset.block);
  });

  let notebook = null;
  let notebookLoading = null;
  async function showTab(tab) {
    body.hidden = tab !== "graph";
    notebookHost.hidden = tab !== "notebook";
    if (tab !== "notebook" || notebook || notebookLoading) return notebookLoading;
    notebookLoading = (async () => {
      await ready;
      const mod = await loadNotebook();
      if (mod && mod.mountNotebook) notebook = mod.mountNotebook(notebookHost, { pipeline, data: state.data });
      else notebookHost.append(unavailable("notebook"));
    })().catch(reportError);
    return notebookLoading;
  }

  async function openCode(name) {
    tabs.set("notebook");
    await showTab("notebook");
    if (notebook && notebook.focusBlock) notebook.focusBlock(name);
  }

  function select(sel, { fromView = false } = {}) {
    state.selection = sel;
    if (!fromView) view.select(sel, { silent: true });
    panel.show(sel);
    // A folded panel says what it would show.
    const what = sel && sel.type === "block" ? ` · ${sel.name}` : sel && sel.type === "edge" ? " · edge" : "";
    folds[1].setShut(`« Settings${what}`);
  }

  let seq = 0;
  async function apply(data) {
    const mine = ++seq;
    if (data.version) version = data.version;
    const graph = graphFromPipeline(data);
    let plan = null;
    if (graph && !data.error) plan = await api.plan(pipeline).catch(() => null);
    if (mine !== seq) return;
    state.data = data;
    if (data.spec) state.spec = data.spec;
    if (graph) state.graph = graph;
    if (plan || !graph || data.error) state.plan = plan;
    stale.hidden = !!graph;
    stale.textContent = graph
      ? ""
      : `pipeline.yaml cannot be read, so this is the last valid graph: ${data.error ? data.error.message : "fix the file"}`;
    view.el.classList.toggle("stale", !graph);
    if (state.graph) {
      await view.setGraph(state.graph, { emptyText: "No blocks yet: add one from the palette on the left." });
      for (const [id, handle] of view.edges)
        handle.setPlan(state.plan && state.plan.edges ? state.plan.edges[id] : null);
    }
    if (
      state.selection &&
      state.selection.type === "block" &&
      !(state.graph && state.graph.blocks.has(state.selection.name))
    )
      select(null);
    problems.render();
    panel.refresh();
    renderLauncher();
    if (notebook && notebook.update) notebook.update(data);
  }

  // fn(version) makes one change based on `version`, pipeline.yaml as this page shows it. When
  // the file changed on disk first (412: nothing was written), the page shows it as it is now
  // and asks before making the change on top of it. -> true once the change is saved (a caller
  // keeps what the user typed otherwise).
  let version = null;
  async function mutate(fn) {
    try {
      let data;
      try {
        data = await fn(version);
      } catch (err) {
        if (err.status !== 412) throw err;
        await apply(await api.pipeline(pipeline));
        if (
          !confirm(
            "Changed on disk: pipeline.yaml was edited in another editor since this page read it, so your change was not saved. The page now shows the file as it is. Make your change on top of it?",
          )
        )
          return false;
        data = await fn(version);
      }
      if (data && data.name) await apply(data);
      return true;
    } catch (err) {
      reportError(err);
      return false;
    }
  }

  let launcherKey = null;
  function renderLauncher() {
    const spec = state.spec || {};
    const key = JSON.stringify([spec.mode, spec.variables]);
    if (key === launcherKey || launcherSlot.querySelector(".popover:not([hidden])")) return;
    launcherKey = key;
    clear(launcherSlot).append(
      runLauncher({
        pipeline,
        mode: spec.mode,
        variables: spec.variables,
        onStarted: (id) => {
          location.href = `/runs/${encodeURIComponent(id)}`;
        },
      }),
    );
  }

  async function loadLastRun() {
    try {
      const page = await api.runs({ pipeline, limit: 1 });
      const run = page.items[0];
      clear(lastRun).append(
        run
          ? h(
              "a.last-run-link",
              { href: `/runs/${encodeURIComponent(run.id)}`, title: run.id },
              h("span.last-run-word", {}, "last run "),
              statusPill(run.status),
              h("span.muted", {}, ` ${ago(run.created_t)}`),
            )
          : "",
      );
    } catch {
      /* the header works without it */
    }
  }

  const refetch = debounce(() => api.pipeline(pipeline).then(apply).catch(reportError), 120);
  live.subscribe((changes) => {
    for (const ev of changes.events) {
      if (ev.kind === "pipeline_changed" && ev.pipeline === pipeline) refetch();
      if (ev.kind === "run") loadLastRun();
    }
  });

  document.addEventListener("keydown", (ev) => {
    if (body.hidden || !state.selection || ev.target.closest("input, textarea, select, [contenteditable], .cm-editor"))
      return;
    if (ev.key !== "Delete" && ev.key !== "Backspace") return;
    const sel = state.selection;
    if (sel.type === "edge")
      mutate(async (v) => {
        const d = await api.removeEdge(pipeline, sel.id, v);
        select(null);
        return d;
      });
    if (sel.type === "block" && confirm(`Delete block ${sel.name}?`))
      mutate(async (v) => {
        const d = await api.deleteBlock(pipeline, sel.name, v);
        select(null);
        return d;
      });
  });

  const ready = api
    .pipeline(pipeline)
    .then(apply)
    .catch((err) => {
      clear(root).append(
        h(
          "div.notice",
          {},
          h("h1", {}, "Pipeline not found"),
          h("p", {}, err.message),
          h("a", { href: "/" }, "← all pipelines"),
        ),
      );
    });
  loadLastRun();
  panel.show(null);
  if (tabs.current() === "notebook") showTab("notebook");
}

function debounce(fn, ms) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}
