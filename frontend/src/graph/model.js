// The graph the UI draws, built from what the server says: a pipeline as GET
// /api/pipelines/{name} returns it, or a run's live telemetry (edge ids "A.out->B.A").
// One shape for both: {blocks: Map name -> Block, edges: [Edge], order: [name]}.
//   Block = {name, kind, settings, inputs: [port], outputs: [port], dynamic, replicated,
//            error, warnings: [{message, port}]}
//   Edge  = {id, src, src_port, dst, dst_port}

const KIND = /^\s*@(data_loader|transformer|data_exporter|custom|sensor)\b/m;
const ANNOTATED_STREAM = /^\s*(?:async\s+)?def\s+\w+\s*\([^)]*:\s*(?:typing\.)?(?:Async)?Iter(?:ator|able)\b/m;

export function parseEdgeId(id) {
  const [from, to] = id.split("->");
  const [src, src_port = "out"] = from.split(".");
  const [dst, dst_port = src] = to.split(".");
  return { id, src, src_port, dst, dst_port };
}

function emptyBlock(name) {
  return { name, kind: "custom", settings: { name }, inputs: [], outputs: [], dynamic: false,
    replicated: false, error: null, warnings: [] };
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

// Topological order (Kahn), ties by the order blocks were declared; cycles appended.
function topoOrder(blocks, edges) {
  const indegree = new Map([...blocks.keys()].map((n) => [n, 0]));
  for (const e of edges) indegree.set(e.dst, indegree.get(e.dst) + 1);
  const queue = [...blocks.keys()].filter((n) => indegree.get(n) === 0);
  const order = [];
  while (queue.length) {
    const name = queue.shift();
    order.push(name);
    for (const e of edges) {
      if (e.src !== name) continue;
      indegree.set(e.dst, indegree.get(e.dst) - 1);
      if (indegree.get(e.dst) === 0) queue.push(e.dst);
    }
  }
  for (const name of blocks.keys()) if (!order.includes(name)) order.push(name);
  return order;
}

// A block downstream of a dynamic block runs once per item (a child per item) until a
// block with reduce_output closes the level (docs/dataflow.md, Dynamic fan-out).
function markReplicated(blocks, edges, order) {
  for (const name of order) {
    const block = blocks.get(name);
    block.replicated = edges.some((e) => {
      if (e.dst !== name) return false;
      const up = blocks.get(e.src);
      return up.dynamic || (up.replicated && !up.settings.reduce_output);
    });
  }
}

function finish(blocks, edges) {
  for (const block of blocks.values()) {
    if (!block.outputs.length) block.outputs.push("out");
    // An input port named after its upstream block (the default) needs no label.
    block.labeled = new Set(edges.filter((e) => e.dst === block.name && e.dst_port !== e.src).map((e) => e.dst_port));
  }
  const order = topoOrder(blocks, edges);
  markReplicated(blocks, edges, order);
  return { blocks, edges, order };
}

// From GET /api/pipelines/{name}. Returns null when the YAML did not parse (spec null):
// the caller keeps the last graph it drew.
export function graphFromPipeline(data) {
  if (!data || !data.spec) return null;
  const blocks = new Map();
  for (const spec of data.spec.blocks || []) {
    const block = emptyBlock(spec.name);
    const file = (data.blocks || {})[spec.name] || {};
    const kind = KIND.exec(file.code || "");
    block.kind = kind ? kind[1] : "custom";
    // A parameter annotated Iterator[...] / Iterable[...] selects the stream input style.
    block.annotatedStream = ANNOTATED_STREAM.test(file.code || "");
    block.settings = spec;
    block.dynamic = !!spec.dynamic;
    block.error = file.error || null;
    block.file = file.file;
    blocks.set(spec.name, block);
  }
  const edges = (data.edges || []).map((e) => ({ id: e.id, src: e.src, src_port: e.src_port, dst: e.dst, dst_port: e.dst_port }));
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
    if (block.missing && !block.error) block.error = { message: `no block named ${block.name} in this pipeline: add it, or remove the edges to it` };
  }
  return finish(blocks, edges);
}

// From a run's live state ({blocks, edges}): used when the run's pipeline is not readable
// or has changed since the run, so the graph is the one that ran.
export function graphFromTelemetry(state, base) {
  const blocks = new Map();
  for (const name of Object.keys(state.blocks || {})) {
    const known = base && base.blocks.get(name);
    const block = known ? { ...known, inputs: [], outputs: [], warnings: [] } : emptyBlock(name);
    // Without the spec, a block with child counters and no inputs is a dynamic source.
    if (!known) block.dynamic = !!state.blocks[name].children;
    blocks.set(name, block);
  }
  const edges = Object.keys(state.edges || {}).map(parseEdgeId);
  addEdges(blocks, edges);
  if (!base) for (const e of edges) if (blocks.get(e.dst).dynamic) blocks.get(e.dst).dynamic = false;
  return finish(blocks, edges);
}

// A key that changes when the drawing must be laid out again (not for settings or code).
export function structureKey(graph) {
  const blocks = graph.order.map((n) => {
    const b = graph.blocks.get(n);
    return `${n}${b.missing ? "?" : ""}(${b.inputs.join(",")}|${[...b.labeled].join(",")}|${b.outputs.join(",")}|${b.replicated ? "r" : ""}${b.dynamic ? "d" : ""})`;
  });
  return blocks.join(";") + "#" + graph.edges.map((e) => e.id).join(";");
}

export const KIND_LABEL = {
  data_loader: "loader",
  transformer: "transformer",
  data_exporter: "exporter",
  custom: "custom",
  sensor: "sensor",
};
