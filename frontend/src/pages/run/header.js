// The run view's header: where this run belongs, its status, mode and elapsed time (ticking
// while it runs), and the controls: cancel, re-run, re-run from failed, start a new run.
import { h, clear } from "../../core/dom.js";
import { runActions, runLauncher } from "../../run/controls.js";
import { setCutText } from "../../core/ellipsis.js";
import { statusPill, duration } from "../common.js";

export function runHeader({ runId, onStarted }) {
  const status = h("span.status-slot");
  const facts = h("span.run-facts");
  const launcherSlot = h("div.launcher-slot");
  const actions = runActions({ runId, onStarted });
  const title = h("h1.mono.run-title", {}, runId);
  const link = h("a.pipeline-link", { href: "#" }, "…");
  const crumbs = h("div.crumbs", {}, link, h("span.sep", {}, "/"), title);
  // Two groups: what the run is, and what to do with it. On a narrow screen the controls move
  // to a second row (the primary ones stay in view) instead of squeezing the title.
  const el = h(
    "div.run-head",
    {},
    h("div.run-id-group", {}, crumbs, status, facts),
    h("div.run-controls", {}, actions.el, h("span.vsep"), launcherSlot),
  );
  let run = null;
  let livePhase = null;
  let startedMs = null;
  let launcherFor = null;

  function tick() {
    if (!run) return;
    const running = livePhase === "running";
    const secs = running && startedMs ? (Date.now() - startedMs) / 1000 : run.duration_s;
    setCutText(facts, `${run.mode} mode · ${duration(secs)}${run.rerun_of ? ` · re-run of ${run.rerun_of}` : ""}`);
  }
  setInterval(tick, 500);

  return {
    el,
    // run: RunOut from the API; phase: the live phase (fresher than the stored status)
    update(nextRun, phase, pipelineVars, startedT) {
      run = nextRun;
      livePhase = phase || run.status;
      startedMs = startedT
        ? startedT > 1e12
          ? startedT
          : startedT * 1000
        : run.started_t
          ? run.started_t * 1000
          : null;
      setCutText(link, run.pipeline);
      setCutText(
        title,
        run.id.startsWith(`${run.pipeline}-`) ? `run ${run.id.slice(run.pipeline.length + 1)}` : run.id,
      );
      link.href = `/pipelines/${encodeURIComponent(run.pipeline)}`;
      if (status.dataset.phase !== livePhase) {
        status.dataset.phase = livePhase;
        clear(status).append(statusPill(livePhase));
      }
      actions.update(livePhase);
      tick();
      if (launcherFor !== run.id) {
        launcherFor = run.id;
        clear(launcherSlot).append(
          runLauncher({
            pipeline: run.pipeline,
            mode: run.mode,
            label: "New run",
            variables: { ...(pipelineVars || {}), ...(run.variables || {}) },
            onStarted,
          }),
        );
      }
    },
  };
}
