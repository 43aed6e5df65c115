// Live colouring of the graph: each block's phase/activity label, items in and out and child
// counters; each edge's fill bar, items through and spill. The run view calls it at most
// five times a second, and it only touches attributes whose value changed.

import { withReused } from "../graph/live_words.js";

// A run's telemetry, or (for an old run the server no longer holds live) one made from the
// run's stored report, so that the graph still shows how each block ended.
export function stateFromReport(detail) {
  const report = (detail && detail.run && detail.run.report) || {};
  const blocks = {};
  for (const [name, b] of Object.entries(report.blocks || {})) {
    const c = b.children;
    blocks[name] = {
      phase: b.phase,
      label: (b.phase || "").toUpperCase(),
      io: { items_in: b.items_in || 0, items_out: b.items_out || 0 },
      error: b.error,
      children: c ? { expected: c.spawned, final: true, running: 0, ...c } : null,
    };
  }
  for (const [name, phases] of Object.entries((detail && detail.blocks) || {})) {
    if (blocks[name]) continue;
    const phase = Object.keys(phases)[0];
    blocks[name] = { phase, label: (phase || "").toUpperCase(), io: {} };
  }
  return { run: { phase: detail.run.status, mode: detail.run.mode }, blocks, edges: {}, fromReport: true };
}

export function applyOverlay(view, state) {
  if (!state) return;
  const blocks = withReused(state);
  for (const [name, node] of view.nodes) node.update(blocks[name] || null);
  for (const [id, edge] of view.edges)
    edge.update(state.edges ? state.edges[id] : null, blocks[edge.edge.src], blocks[edge.edge.dst]);
  view.svg.classList.toggle("no-edge-data", !!state.fromReport);
}
