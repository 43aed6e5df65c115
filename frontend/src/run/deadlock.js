// A deadlock (docs/dataflow.md, Deadlocks): the cycle's blocks and edges are highlighted in the graph, and a
// banner shows the kernel's message, which names every hop, with its fix, and offers to
// apply the suggested setting or to run in batch mode (which never deadlocks on buffers).
import { h, clear } from "../core/dom.js";
import { api } from "../core/api.js";
import { parseEdgeId } from "../graph/model.js";
import { reportError, toast } from "../pages/common.js";

export function deadlockBanner({ pipeline, onRerun }) {
  const el = h("div.deadlock", { hidden: true, role: "alert", "data-testid": "deadlock" });
  let shown = null;
  let pipelineName = pipeline;
  return {
    el,
    setPipeline(name) {
      pipelineName = name;
    },
    // event: {cycle: [{block, waits, edge, detail}], message, suggestion: {edge, set}}
    show(event, view) {
      if (!event || shown === event.seq) return;
      shown = event.seq;
      const blocks = event.cycle.map((hop) => hop.block);
      const edges = event.cycle.map((hop) => hop.edge).filter(Boolean);
      if (event.suggestion && !edges.includes(event.suggestion.edge)) edges.push(event.suggestion.edge);
      view.highlight(blocks, edges);
      const [headline, ...rest] = (event.message || "Deadlock: wait-for cycle").split("\n");
      const fixAt = rest.findIndex((line) => line.startsWith("Fix:"));
      const hops = fixAt >= 0 ? rest.slice(0, fixAt) : rest;
      const fix = fixAt >= 0 ? rest.slice(fixAt).join("\n") : "";
      const actions = [];
      const suggestion = event.suggestion;
      if (suggestion && pipelineName) {
        const target = parseEdgeId(suggestion.edge);
        const mode = (suggestion.set && suggestion.set.mode) || "full";
        actions.push(
          h(
            "button.primary",
            {
              type: "button",
              on: {
                click: async (ev) => {
                  ev.target.disabled = true;
                  try {
                    await api.updatePort(pipelineName, target.dst, target.dst_port, { buffering_mode: mode });
                    const plan = await api.plan(pipelineName);
                    const now = plan.edges[suggestion.edge] && plan.edges[suggestion.edge].buffering_mode;
                    if (now && now.value !== mode) {
                      toast(
                        `Saved ${target.dst}.${target.dst_port} buffering_mode: ${mode} on the block, but ${now.source} sets ${now.value} and wins: change that rule in pipeline.yaml.`,
                        "error",
                        12000,
                      );
                    } else {
                      toast(
                        `Saved: ${target.dst}.${target.dst_port} buffering_mode: ${mode}. Run again to check.`,
                        "info",
                      );
                    }
                  } catch (err) {
                    reportError(err);
                    ev.target.disabled = false;
                  }
                },
              },
            },
            `Apply fix: set ${target.dst}.${target.dst_port} to ${mode}`,
          ),
        );
      }
      if (onRerun)
        actions.push(h("button", { type: "button", on: { click: () => onRerun("batch") } }, "Run in batch mode"));
      if (pipelineName)
        actions.push(h("a.button", { href: `/pipelines/${encodeURIComponent(pipelineName)}` }, "Open the pipeline"));
      clear(el).append(
        h("div.deadlock-icon", { "aria-hidden": "true" }, "!"),
        h(
          "div.deadlock-body",
          {},
          h("div.deadlock-title", {}, headline, h("span.deadlock-cycle", {}, ` ${blocks.join(" → ")} → ${blocks[0]}`)),
          h("pre.deadlock-hops", {}, hops.join("\n")),
          fix ? h("div.deadlock-fix", {}, fix) : null,
          actions.length ? h("div.deadlock-actions", {}, actions) : null,
        ),
        h(
          "button.icon.deadlock-close",
          {
            title: "hide (the cycle stays highlighted)",
            on: {
              click: () => {
                el.hidden = true;
              },
            },
          },
          "×",
        ),
      );
      el.hidden = false;
    },
  };
}
