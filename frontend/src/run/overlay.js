// Live colouring of the graph: each block's phase/activity label, items in and out and child
// counters; each edge's fill bar, items through and spill. Called at most once per animation
// frame (core/live.js coalesces), and it only touches attributes whose value changed.

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

// Child counters come with telemetry at 2 Hz (slower when the machine is busy), and every
// child's phase event arrives at once: the counters shown are the furthest of the two, so
// they move as children finish, between telemetry samples.
export function withEventCounts(t, summary) {
  if (!t || !t.children || !summary || !summary.total) return t;
  const c = t.children;
  const succeeded = Math.max(c.succeeded || 0, summary.done);
  const failed = Math.max(c.failed || 0, summary.failed);
  const cancelled = Math.max(c.cancelled || 0, summary.cancelled);
  const spawned = Math.max(c.spawned || 0, summary.total);
  const running = summary.total >= (c.spawned || 0) ? summary.running : c.running;
  if (succeeded === c.succeeded && failed === c.failed && cancelled === c.cancelled && running === c.running) return t;
  return { ...t, children: { ...c, succeeded, failed, cancelled, spawned, running, expected: Math.max(c.expected || 0, c.final ? 0 : spawned) } };
}

export function applyOverlay(view, state, model) {
  if (!state) return;
  for (const [name, node] of view.nodes) {
    const t = state.blocks ? state.blocks[name] : null;
    const lane = model && model.lanes.get(name);
    node.update(lane ? withEventCounts(t, model.summary(lane)) : t);
  }
  for (const [id, edge] of view.edges) edge.update(state.edges ? state.edges[id] : null);
  view.svg.classList.toggle("no-edge-data", !!state.fromReport);
}
