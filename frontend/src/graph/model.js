// The graph the UI draws, built from what the server says: a pipeline as GET
// /api/pipelines/{name} returns it (with its plan facts: order, each block's kind, input
// style and replication, decided by the server), or a run's live telemetry (edge ids
// "A.out->B.A"). The browser derives none of these facts itself.
// One shape for both: {blocks: Map name -> Block, edges: [Edge], order: [name],
//   pipeline: name | null, positions: {name: {x, y}}} (positions: where the user dragged
//   nodes, saved in the pipeline's layout.yaml; the rest are laid out by graph/layout.js).
//   Block = {name, kind, settings, inputs: [port], outputs: [port], dynamic, replicated,
//            inputStyle, error, warnings: [{message, port}]}
//   Edge  = {id, src, src_port, dst, dst_port}

export function parseEdgeId(id) {
  const [from, to] = id.split("->");
  const [src, src_port = "out"] = from.split(".");
  const [dst, dst_port = src] = to.split(".");
  return { id, src, src_port, dst, dst_port };
}

function emptyBlock(name) {
  return {
    name,
    kind: "custom",
    settings: { name },
    inputs: [],
    outputs: [],
    dynamic: false,
    replicated: false,
    inputStyle: "per_item",
    error: null,
    warnings: [],
  };
}

function addEdges(blocks, edges, { markMissing = false } = {}) {
  for (const edge of edges) {
    for (const end of [edge.src, edge.dst]) {
      if (blocks.has(end)) continue;
      // An edge naming a block the pipeline does not have: drawn, marked, so it can be fixed.
      blocks.set(end, { ...emptyBlock(end), missing: markMissing });
      if (markMissing) edge.broken = true;
    }
    const src = blocks.get(edge.src);
    const dst = blocks.get(edge.dst);
    if (!src.outputs.includes(edge.src_port)) src.outputs.push(edge.src_port);
    if (!dst.inputs.includes(edge.dst_port)) dst.inputs.push(edge.dst_port);
  }
}

// `order`: the server's order (topological for a pipeline, the kernel's for telemetry).
function finish(blocks, edges, order) {
  for (const block of blocks.values()) {
    if (!block.outputs.length) block.outputs.push("out");
    // An input port named after its upstream block (the default) needs no label.
    block.labeled = new Set(edges.filter((e) => e.dst === block.name && e.dst_port !== e.src).map((e) => e.dst_port));
  }
  const known = order.filter((n) => blocks.has(n));
  return { blocks, edges, order: [...known, ...[...blocks.keys()].filter((n) => !known.includes(n))] };
}

// From GET /api/pipelines/{name}. Returns null when the YAML did not parse (spec null):
// the caller keeps the last graph it drew.
export function graphFromPipeline(data) {
  if (!data || !data.spec) return null;
  const plan = data.plan || { order: [], blocks: {}, edges: data.edges || [] };
  const blocks = new Map();
  for (const spec of data.spec.blocks || []) {
    const block = emptyBlock(spec.name);
    const file = (data.blocks || {})[spec.name] || {};
    const facts = plan.blocks[spec.name];
    if (facts) {
      block.kind = facts.kind;
      block.inputStyle = facts.input_style;
      block.replicated = facts.replicated;
    }
    block.settings = spec;
    block.dynamic = !!spec.dynamic;
    block.error = file.error || null;
    block.file = file.file;
    blocks.set(spec.name, block);
  }
  const edges = plan.edges.map((e) => ({
    id: e.id,
    src: e.src,
    src_port: e.src_port,
    dst: e.dst,
    dst_port: e.dst_port,
  }));
  addEdges(blocks, edges, { markMissing: true });
  for (const edge of edges) if (blocks.get(edge.src).missing || blocks.get(edge.dst).missing) edge.broken = true;
  // Lint warnings and the plan error land on the block (and port) they concern.
  for (const warning of data.warnings || []) {
    const block = blocks.get(warning.block);
    if (block) block.warnings.push(warning);
  }
  const error = data.error;
  if (error && error.block && blocks.has(error.block) && !blocks.get(error.block).error) {
    blocks.get(error.block).error = error;
  }
  for (const block of blocks.values()) {
    if (block.missing && !block.error)
      block.error = { message: `no block named ${block.name} in this pipeline: add it, or remove the edges to it` };
  }
  const graph = finish(blocks, edges, plan.order);
  graph.pipeline = data.name || null;
  graph.positions = { ...(data.layout || {}) };
  return graph;
}

// From a run's live state ({blocks, edges}): used when the run's pipeline is not readable
// or has changed since the run, so the graph is the one that ran. The kernel sends blocks
// in its topological order; a block with child counters runs per item.
export function graphFromTelemetry(state, base) {
  const blocks = new Map();
  for (const name of Object.keys(state.blocks || {})) {
    const known = base && base.blocks.get(name);
    const block = known ? { ...known, inputs: [], outputs: [], warnings: [] } : emptyBlock(name);
    blocks.set(name, block);
  }
  const edges = Object.keys(state.edges || {}).map(parseEdgeId);
  addEdges(blocks, edges);
  // Without the pipeline: a block with child counters is a dynamic source or runs per item.
  for (const [name, t] of Object.entries(state.blocks || {})) {
    const block = blocks.get(name);
    if (base && base.blocks.has(name)) continue;
    block.dynamic = !!t.children && !block.inputs.length;
    block.replicated = !!t.children && !!block.inputs.length;
  }
  const graph = finish(blocks, edges, Object.keys(state.blocks || {}));
  graph.pipeline = base ? base.pipeline : null;
  graph.positions = base ? { ...base.positions } : {};
  return graph;
}

// A key that changes when the drawing must be laid out again (not for settings or code).
export function structureKey(graph) {
  const blocks = graph.order.map((n) => {
    const b = graph.blocks.get(n);
    return `${n}${b.missing ? "?" : ""}(${b.inputs.join(",")}|${[...b.labeled].join(",")}|${b.outputs.join(",")}|${b.replicated ? "r" : ""}${b.dynamic ? "d" : ""})`;
  });
  const placed = JSON.stringify(graph.positions || {});
  return blocks.join(";") + "#" + graph.edges.map((e) => e.id).join(";") + "@" + placed;
}

export const KIND_LABEL = {
  data_loader: "loader",
  transformer: "transformer",
  data_exporter: "exporter",
  custom: "custom",
  sensor: "sensor",
};
