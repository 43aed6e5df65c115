// A deadlock (docs/dataflow.md, Deadlocks): the cycle's blocks and edges are highlighted in the graph, and a
// banner shows the kernel's message, which names every hop, with its fix, and offers one
// button that applies the suggested setting where it wins and runs again, or to run in batch
// mode (which never deadlocks on buffers).
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
        // One button: the server sets the key where it decides the port (the edge, the config
        // rule that wins there or a new one for this port, else the block's ports), checks the
        // plan resolves to it, and the run starts again.
        actions.push(
          h(
            "button.primary",
            {
              type: "button",
              "data-testid": "apply-fix",
              title: "set it where it takes effect (pipeline.yaml), then run again",
              on: {
                click: async (ev) => {
                  ev.target.disabled = true;
                  try {
                    const body = { edge: suggestion.edge, key: "buffering_mode", value: mode };
                    const data = await api.applyPort(pipelineName, body);
                    const applied = data.applied || {};
                    toast(`Saved: ${applied.message || `${target.dst}.${target.dst_port} is ${mode}`}.`, "info");
                    if (onRerun) onRerun("stream");
                  } catch (err) {
                    reportError(err);
                    ev.target.disabled = false;
                  }
                },
              },
            },
            onRerun
              ? `Fix: ${target.dst}.${target.dst_port} → ${mode}, run again`
              : `Fix: ${target.dst}.${target.dst_port} → ${mode}`,
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
