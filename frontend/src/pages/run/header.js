// The run view's header: where this run belongs, its status, mode and elapsed time (ticking
// while it runs), and the controls: cancel, re-run, re-run from failed, start a new run.
import { h, clear } from "../../core/dom.js";
import { runActions, runLauncher } from "../../run/controls.js";
import { statusPill, duration } from "../common.js";

export function runHeader({ runId, onStarted }) {
  const status = h("span.status-slot");
  const facts = h("span.run-facts");
  const launcherSlot = h("div.launcher-slot");
  const actions = runActions({ runId, onStarted });
  const title = h("h1.mono", { title: runId }, runId);
  const crumbs = h("div.crumbs", {}, h("a.pipeline-link", { href: "#" }, "…"), h("span.sep", {}, "/"), title);
  const el = h("div.run-head", {}, crumbs, status, facts, h("div.grow"), actions.el, h("span.vsep"), launcherSlot);
  let run = null;
  let livePhase = null;
  let startedMs = null;
  let launcherFor = null;

  function tick() {
    if (!run) return;
    const running = livePhase === "running";
    const secs = running && startedMs ? (Date.now() - startedMs) / 1000 : run.duration_s;
    facts.textContent = `${run.mode} mode · ${duration(secs)}${run.rerun_of ? ` · re-run of ${run.rerun_of}` : ""}`;
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
      const link = crumbs.querySelector(".pipeline-link");
      link.textContent = run.pipeline;
      title.textContent = run.id.startsWith(`${run.pipeline}-`)
        ? `run ${run.id.slice(run.pipeline.length + 1)}`
        : run.id;
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
