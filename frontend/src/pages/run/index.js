// The run view: the pipeline's graph with live buffer fill, block states and child counters;
// a deadlock banner; a timeline of block and child runs and the output inspector in a dock;
// a side panel with the run or the selected block; run controls in the header.
import { h, clear } from "../../core/dom.js";
import { api } from "../../core/api.js";
import { live } from "../../core/live.js";
import { GraphView } from "../../graph/view.js";
import { graphFromPipeline, graphFromTelemetry } from "../../graph/model.js";
import { applyOverlay, stateFromReport } from "../../run/overlay.js";
import { deadlockBanner } from "../../run/deadlock.js";
import { Timeline } from "../../run/timeline.js";
import { TimelineModel } from "../../run/timeline_model.js";
import { blockDetail } from "../../run/block_detail.js";
import { runSummary } from "../../run/summary.js";
import { bottomDock } from "../../run/dock.js";
import { replayBar } from "../../run/replay.js";
import { runHeader } from "./header.js";
import { loadDeadlock, chooseGraph } from "./history.js";
import { counterLegend } from "./legend.js";
import { foldToggle } from "../../core/collapse.js";
import { reportError } from "../common.js";
import "../pages.css";
import "../editor/editor.css";
import "../../panel/panel.css";
import "../../run/run.css";
import "./run_page.css";

const MANY_CHILDREN = 10000;

export function mountRun(root, { run_id: runId }) {
  const goTo = (id) => {
    location.href = `/runs/${encodeURIComponent(id)}`;
  };
  const header = runHeader({ runId, onStarted: goTo });
  const graphHost = h("div.graph-host");
  const main = h("div.run-main");
  const panel = h("aside.side-panel.run-panel", { "aria-label": "details" });
  root.append(h("div.run-page", { "data-run": runId }, header.el, h("div.run-body", {}, main, panel)));
  const page = {
    runId,
    detail: null,
    pipelineData: null,
    base: null,
    graph: null,
    selection: null,
    detailView: null,
    deadlock: null,
  };
  const banner = deadlockBanner({ pipeline: null, onRerun: (mode) => startNew(mode) });
  // docs/dataflow.md, Child limits and counters: the UI warns when a block is to get more than 10,000 children.
  const manyChildren = h("div.warning-box.many-children", { hidden: true, "data-testid": "many-children" });
  const legend = counterLegend();
  // The side panel folds away (remembered) and gives the graph and the dock its width.
  const panelFold = foldToggle({
    key: "run-panel",
    target: panel,
    open: "»",
    shut: "« Details",
    title: "the details panel",
  });
  const graphArea = h(
    "div.graph-area",
    {},
    graphHost,
    h("div.fold-bar", {}, h("span.grow"), panelFold.button),
    legend.el,
  );
  // Scrubbing the recorded live view: its states go through render() like live ones.
  const replay = replayBar({
    runId,
    onState: (state, t) => {
      page.replay = state;
      timeline.setCursor(t);
      render();
    },
    isRunning: () => {
      const state = live.state(runId);
      return !!(state && state.run && state.run.phase === "running");
    },
  });
  main.append(banner.el, manyChildren, graphArea, replay.el);
  const dock = bottomDock(main, { runId });
  const view = new GraphView(graphHost, { mode: "live", onSelect: (sel) => select(sel) });
  const timeline = new Timeline(dock.timelineHost, {
    onSelect: (name) => {
      view.select({ type: "block", name });
    },
  });
  const model = new TimelineModel();
  timeline.setModel(model);
  const summary = runSummary();
  panel.append(summary.el);

  async function startNew(mode) {
    try {
      const run = page.detail.run;
      goTo((await api.startRun(run.pipeline, { mode, variables: run.variables || {} })).run_id);
    } catch (err) {
      reportError(err);
    }
  }

  function liveState() {
    return page.replay || live.state(runId) || (page.detail && stateFromReport(page.detail));
  }

  function select(sel) {
    page.selection = sel;
    panelFold.setShut(sel && sel.type === "block" ? `« Details · ${sel.name}` : "« Details");
    clear(panel);
    page.detailView = null;
    const block = sel && sel.type === "block" && page.graph && page.graph.blocks.get(sel.name);
    if (block) {
      page.detailView = blockDetail({ runId, block, onInspect: (target) => dock.inspect(target) });
      panel.append(page.detailView.el);
      // A replicated block has no output of its own: the inspector opens on its children.
      dock.inspect({ block: block.name, uuid: block.replicated ? null : block.name });
      if (block.replicated && sel.children)
        page.detailView.el.querySelector("[data-testid=children]").scrollIntoView({ block: "nearest" });
    } else {
      panel.append(summary.el);
      dock.select("timeline");
    }
    render();
  }

  async function setGraph(graph) {
    page.graph = graph;
    timeline.setOrder(graph.order);
    await view.setGraph(graph, { emptyText: "This run has no blocks." });
    if (page.deadlock) banner.show(page.deadlock, view);
    render();
  }

  // Live changes come with every frame while a run streams; the page is redrawn at most
  // five times a second, which keeps each frame's work small.
  let renderTimer = null;
  let lastRender = 0;
  function requestRender() {
    if (renderTimer) return;
    const wait = Math.max(0, 200 - (performance.now() - lastRender));
    renderTimer = setTimeout(() => {
      renderTimer = null;
      render();
    }, wait);
  }

  function warnManyChildren(state) {
    const many = Object.entries(state.blocks || {})
      .filter(([, b]) => b && b.children && b.children.expected > MANY_CHILDREN)
      .map(([name, b]) => `${name} (${b.children.expected.toLocaleString()}${b.children.final ? "" : " so far"})`);
    manyChildren.hidden = many.length === 0;
    manyChildren.textContent = many.length
      ? `More than ${MANY_CHILDREN.toLocaleString()} children expected: ${many.join(", ")}. ` +
        "Each child is stored and tracked; check the dynamic block or its match rule (product multiplies)."
      : "";
  }

  function render() {
    lastRender = performance.now();
    const state = liveState();
    if (!state || !page.detail) return;
    applyOverlay(view, state);
    warnManyChildren(state);
    legend.update(state.blocks);
    const phase = (live.state(runId) && live.state(runId).run.phase) || page.detail.run.status;
    header.update(
      page.detail.run,
      phase,
      page.pipelineData && page.pipelineData.spec && page.pipelineData.spec.variables,
      state.run && state.run.started_t,
    );
    timeline.setRun({ running: phase === "running" });
    const order = page.graph ? page.graph.order : [];
    if (page.detailView)
      page.detailView.update(state.blocks && state.blocks[page.selection.name], state.fromReport ? null : state);
    else summary.update({ ...page.detail.run, status: phase }, state, order);
  }

  let graphKey = "";
  function maybeRegraph() {
    const state = live.state(runId);
    if (!state || !page.base) return;
    const key = Object.keys(state.blocks).length + ":" + Object.keys(state.edges).length;
    if (key === graphKey) return;
    graphKey = key;
    const graph = chooseGraph(page.base, state);
    if (graph !== page.graph && graph) setGraph(graph);
  }

  // Children are never pushed one by one: the timeline's child lanes come from the server,
  // fetched every 1.5 s while the run runs (when the page is visible) and once at its end.
  let timelineBusy = false;
  let timelineAgain = false;
  async function refreshTimeline() {
    if (timelineBusy) {
      timelineAgain = true;
      return;
    } // e.g. the end arrives mid-poll
    timelineBusy = true;
    try {
      model.setServer(
        await api.get(`/api/runs/${encodeURIComponent(runId)}/timeline?buckets=${timeline.bucketsWanted()}`),
      );
      timeline.invalidate();
    } catch {
      /* the graph and counters work without it */
    } finally {
      timelineBusy = false;
      if (timelineAgain) {
        timelineAgain = false;
        refreshTimeline();
      }
    }
  }
  setInterval(() => {
    const state = live.state(runId);
    if (!document.hidden && state && state.run && state.run.phase === "running") refreshTimeline();
  }, 1500);

  // The run's stored detail (status, duration), again once it has ended; the history may
  // lag the live end by a moment, so ask again a few times until it has the end too.
  let detailTries = 0;
  async function refreshDetail() {
    try {
      page.detail = await api.run(runId);
      if (page.detail.run.finished_t) model.t1 = model.t1 || page.detail.run.finished_t * 1000;
      else if (detailTries++ < 10) setTimeout(refreshDetail, 500);
      // The recording as the run ended (the server packs it a moment after the end).
      if (page.detail.run.finished_t) setTimeout(replay.load, 300);
      render();
      await refreshTimeline();
    } catch (err) {
      reportError(err);
    }
  }

  live.subscribe((changes) => {
    for (const ev of changes.events) {
      if (ev.run_id !== runId) continue;
      if (ev.kind === "phase" || ev.kind === "run") {
        model.add(ev);
        timeline.invalidate();
      }
      if (ev.kind === "deadlock") {
        page.deadlock = ev;
        banner.show(ev, view);
      }
      if (ev.kind === "run" && ev.to !== "running") {
        page.endSeen = true;
        setTimeout(refreshDetail, 150);
      }
      if (ev.kind === "run" && ev.to !== "running" && page.detailView) page.detailView.refreshChildren();
    }
    if (!page.detail) return;
    if (changes.runs.has(runId)) {
      maybeRegraph();
      requestRender();
      // A run that ended before this page heard its end event (a short one).
      const state = live.state(runId);
      const ended = state && state.run && !["running", "created"].includes(state.run.phase);
      if (ended && !page.detail.run.finished_t && !page.endSeen) {
        page.endSeen = true;
        setTimeout(refreshDetail, 150);
      }
    }
  });

  (async () => {
    page.detail = await fetchRun(runId);
    const run = page.detail.run;
    if (run.started_t && model.t0 === null) model.t0 = run.started_t * 1000;
    if (run.finished_t) model.t1 = run.finished_t * 1000;
    page.pipelineData = await api.pipeline(run.pipeline).catch(() => null);
    page.base = graphFromPipeline(page.pipelineData);
    banner.setPipeline(run.pipeline);
    const state = live.state(runId);
    await setGraph(chooseGraph(page.base, state) || graphFromTelemetry(liveState() || { blocks: {}, edges: {} }, null));
    await refreshTimeline();
    replay.load();
    const deadlock = await loadDeadlock(runId);
    if (deadlock && !page.deadlock) {
      page.deadlock = deadlock;
      banner.show(deadlock, view);
    }
  })().catch((err) => {
    clear(main).append(
      h(
        "div.notice",
        {},
        h("h1", {}, "Run not found"),
        h("p", {}, err.message),
        h("a", { href: "/runs" }, "← all runs"),
      ),
    );
  });
}

async function fetchRun(runId) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await api.run(runId);
    } catch (err) {
      if (err.status !== 404 || attempt >= 6) throw err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}
