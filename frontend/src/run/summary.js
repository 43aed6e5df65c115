// The run view's side panel when no block is selected: the run's status, mode, times,
// variables, error, and how its blocks ended.
import { h, clear, append } from "../core/dom.js";
import { statusPill, duration, runLink } from "../pages/common.js";
import { showValue } from "./variables.js";
import { toneOf } from "../graph/tone.js";
import { blockWord, withReused } from "../graph/live_words.js";
import { bottleneckSection } from "./bottleneck.js";

// While the run runs, its duration counts up from its start (never "–").
function liveDuration(run, state) {
  if (run.status !== "running") return duration(run.duration_s);
  const t = (state && state.run && state.run.started_t) || (run.started_t && run.started_t * 1000);
  if (!t) return "starting…";
  const ms = t > 1e12 ? t : t * 1000;
  return duration(Math.max(0, (Date.now() - ms) / 1000));
}

export function runSummary() {
  const el = h("div.run-summary", { "data-panel": "run" });
  let last = "";
  let clock = null;
  let now = { run: null, state: null };
  setInterval(() => {
    if (clock && now.run && now.run.status === "running") clock.textContent = liveDuration(now.run, now.state);
  }, 500);
  return {
    el,
    update(run, state, order) {
      now = { run, state };
      const blocks = state ? withReused(state) : {};
      const key = JSON.stringify([run, order.map((n) => blocks[n] && [blocks[n].label, blocks[n].phase])]);
      if (key === last) return;
      last = key;
      const vars = Object.entries(run.variables || {});
      clock = h("dd", { "data-testid": "run-duration" }, liveDuration(run, state));
      append(clear(el), [
        h(
          "div.panel-head",
          {},
          h("div.panel-kicker", {}, "run"),
          h("div.panel-name.mono", {}, run.id),
          h("div.detail-chip-row", {}, statusPill(run.status)),
        ),
        run.error ? h("div.pad", {}, h("div.error-box", { title: run.error }, shorten(run.error))) : null,
        h(
          "section.panel-section",
          {},
          h("h3", {}, "Run"),
          h(
            "dl.facts",
            {},
            h("dt", {}, "pipeline"),
            h("dd", {}, h("a", { href: `/pipelines/${encodeURIComponent(run.pipeline)}` }, run.pipeline)),
            h("dt", {}, "mode"),
            h("dd", {}, run.mode),
            h("dt", {}, "started"),
            h("dd", {}, run.started_t ? new Date(run.started_t * 1000).toLocaleString() : "–"),
            h("dt", {}, "duration"),
            clock,
            run.rerun_of ? h("dt", {}, "re-run of") : null,
            run.rerun_of ? h("dd", {}, runLink(run.rerun_of)) : null,
          ),
        ),
        bottleneckSection(run.report),
        h(
          "section.panel-section",
          {},
          h("h3", {}, "Variables"),
          vars.length
            ? h(
                "dl.facts.mono",
                {},
                vars.map(([k, v]) => [h("dt", {}, k), h("dd", {}, showValue(v))]),
              )
            : h("span.muted", {}, "none"),
        ),
        h(
          "section.panel-section",
          {},
          h("h3", {}, "Blocks"),
          h(
            "ul.block-states",
            {},
            order.map((name) => {
              const t = blocks[name];
              return h(
                "li",
                {},
                h(`i.dot.tone-${toneOf(t)}`),
                h("span.mono", {}, name),
                h("span.muted", {}, blockWord(t)),
              );
            }),
          ),
        ),
        h("p.muted.pad", {}, "Click a block to see its buffers, time and children, and to inspect its output."),
      ]);
    },
  };
}

// A long error (a deadlock names every hop) is shown in full in its banner; here its start.
function shorten(text) {
  const lines = text.split("\n");
  return lines.length > 4 ? `${lines.slice(0, 4).join("\n")}\n…` : text;
}
