// The editor's side panel: pipeline settings when nothing is selected, a block's settings
// and ports, or an edge. It re-renders only when what it shows changed, so typing in a field
// is not interrupted by a refresh from disk.
import { h, clear } from "../core/dom.js";
import { blockPanel } from "./block_panel.js";
import { edgePanel } from "./port_panel.js";
import { pipelinePanel } from "./pipeline_panel.js";
import "./panel.css";

// ctx: {pipeline, data, plan, graph, mutate(fn), select(sel), openCode(name)}
export function createPanel(root, ctx) {
  const el = h("aside.side-panel", { "aria-label": "settings" });
  root.append(el);
  let key = null;
  let selection = null;

  function keyOf() {
    const data = ctx.data || {};
    const plan = ctx.plan || {};
    if (selection && selection.type === "block") {
      const block = ctx.graph && ctx.graph.blocks.get(selection.name);
      const edges = ctx.graph
        ? ctx.graph.edges.filter((e) => e.dst === selection.name).map((e) => [e.id, plan.edges && plan.edges[e.id]])
        : [];
      return JSON.stringify([
        "block",
        selection.name,
        block && block.settings,
        block && block.error,
        block && block.warnings,
        block && block.inputs,
        edges,
        plan.blocks && plan.blocks[selection.name],
      ]);
    }
    if (selection && selection.type === "edge") {
      const edge = ctx.graph && ctx.graph.edges.find((e) => e.id === selection.id);
      const dst = edge && ctx.graph.blocks.get(edge.dst);
      return JSON.stringify([
        "edge",
        selection.id,
        dst && dst.settings,
        dst && dst.warnings,
        plan.edges && plan.edges[selection.id],
      ]);
    }
    // The version changes with every save of pipeline.yaml (rules, buffers, settings, and the
    // edges a rule matches).
    return JSON.stringify(["pipeline", data.version, data.spec, data.error, data.warnings]);
  }

  function render(force = false) {
    const next = keyOf();
    if (!force && next === key) return;
    if (!force && el.contains(document.activeElement) && document.activeElement.matches("input, textarea, select")) {
      // The user is typing here: refresh once they leave the field.
      document.activeElement.addEventListener("blur", () => setTimeout(() => render(), 0), { once: true });
      return;
    }
    key = next;
    const scroll = el.scrollTop;
    clear(el);
    const graph = ctx.graph;
    if (selection && selection.type === "block" && graph && graph.blocks.has(selection.name)) {
      el.append(blockPanel(ctx, graph.blocks.get(selection.name)));
    } else if (selection && selection.type === "edge" && graph && graph.edges.some((e) => e.id === selection.id)) {
      el.append(
        edgePanel(
          ctx,
          graph.edges.find((e) => e.id === selection.id),
        ),
      );
    } else {
      el.append(pipelinePanel(ctx));
    }
    el.scrollTop = scroll;
  }

  return {
    el,
    show(sel) {
      const changed = JSON.stringify(sel) !== JSON.stringify(selection);
      selection = sel;
      if (changed) el.scrollTop = 0;
      render(changed);
    },
    refresh: () => render(),
  };
}
