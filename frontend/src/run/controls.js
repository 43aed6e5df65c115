// Starting runs from a page: stream or batch, with runtime variables prefilled from the
// pipeline's `variables` (or a run's). Used by the editor's run bar and the run view.
import { h } from "../core/dom.js";
import { api } from "../core/api.js";
import { variablesEditor } from "./variables.js";
import { reportError } from "../pages/common.js";

function modeSwitch(initial) {
  let mode = initial === "batch" ? "batch" : "stream";
  const buttons = ["stream", "batch"].map((m) =>
    h(
      "button",
      {
        type: "button",
        "data-mode": m,
        "aria-pressed": String(m === mode),
        title:
          m === "stream"
            ? "blocks overlap, items flow over bounded buffers"
            : "each block starts once its inputs finished",
        on: {
          click: () => {
            mode = m;
            for (const b of buttons) b.setAttribute("aria-pressed", String(b.dataset.mode === m));
          },
        },
      },
      m,
    ),
  );
  return { el: h("div.segmented", { role: "group", "aria-label": "run mode" }, buttons), get: () => mode };
}

// Where this run's block code runs; "" keeps the pipeline's `settings.executor`.
function executorChoice() {
  const select = h(
    "select.executor-choice",
    { name: "executor", "aria-label": "executor" },
    h("option", { value: "" }, "pipeline's setting"),
    h("option", { value: "thread" }, "threads (this process)"),
    h("option", { value: "process" }, "processes (every core)"),
    h("option", { value: "ray" }, "Ray cluster"),
  );
  const el = h(
    "label.executor-field",
    { title: "blocks with their own executor: keep it" },
    h("span", {}, "Run block code on"),
    select,
  );
  return { el, get: () => /** @type {HTMLSelectElement} */ (select).value || undefined };
}

// -> element: [stream|batch] [Variables (n) ▾] [Run]; onStarted(run_id)
export function runLauncher({ pipeline, mode, variables, label = "Run", onStarted }) {
  const switcher = modeSwitch(mode);
  const executor = executorChoice();
  const vars = variablesEditor(variables || {});
  const count = () => Object.keys(vars.value()).length;
  const toggleText = () => `Variables (${count()})`;
  const popover = h(
    "div.popover.vars-pop",
    { hidden: true },
    executor.el,
    h("div.pop-title", {}, "Runtime variables for this run"),
    vars.el,
    h(
      "div.pop-foot",
      {},
      h(
        "button.small",
        {
          type: "button",
          on: {
            click: () => {
              popover.hidden = true;
              toggle.textContent = toggleText();
            },
          },
        },
        "Done",
      ),
    ),
  );
  const toggle = h(
    "button",
    {
      type: "button",
      "aria-expanded": "false",
      on: {
        click: () => {
          popover.hidden = !popover.hidden;
          toggle.setAttribute("aria-expanded", String(!popover.hidden));
          toggle.textContent = toggleText();
        },
      },
    },
    toggleText(),
  );
  const run = h(
    "button.primary.run-button",
    {
      type: "button",
      on: {
        click: async () => {
          run.disabled = true;
          try {
            const started = await api.startRun(pipeline, {
              mode: switcher.get(),
              executor: executor.get(),
              variables: vars.value(),
            });
            popover.hidden = true;
            onStarted(started.run_id);
          } catch (err) {
            reportError(err);
          } finally {
            run.disabled = false;
          }
        },
      },
    },
    "▶ ",
    label,
  );
  document.addEventListener("click", (ev) => {
    const target = /** @type {Node} */ (ev.target);
    if (!popover.hidden && !popover.contains(target) && target !== toggle && document.contains(target)) {
      popover.hidden = true;
      toggle.textContent = toggleText();
    }
  });
  return h("div.launcher", {}, switcher.el, h("div.pop-anchor", {}, toggle, popover), run);
}

// Cancel / Re-run / Re-run from failed for one run; `status()` says what to enable.
export function runActions({ runId, onStarted }) {
  const cancel = h(
    "button.danger",
    {
      type: "button",
      on: {
        click: async () => {
          cancel.disabled = true;
          try {
            await api.cancelRun(runId);
          } catch (err) {
            reportError(err);
            cancel.disabled = false;
          }
        },
      },
    },
    "■ Cancel",
  );
  const rerun = (fromFailed) => async () => {
    try {
      onStarted((await api.rerun(runId, fromFailed)).run_id);
    } catch (err) {
      reportError(err);
    }
  };
  const again = h(
    "button",
    { type: "button", title: "run again with the same mode and variables", on: { click: rerun(false) } },
    "↻ Re-run",
  );
  const failed = h(
    "button",
    {
      type: "button",
      title: "run again, reusing the stored outputs of the blocks that succeeded",
      on: { click: rerun(true) },
    },
    "↻ Re-run from failed",
  );
  const el = h("div.run-actions", {}, cancel, again, failed);
  return {
    el,
    update(phase) {
      const running = phase === "running" || phase === "created";
      cancel.hidden = !running;
      cancel.disabled = cancel.disabled && running;
      again.hidden = running;
      failed.hidden = running || phase === "succeeded";
    },
  };
}
