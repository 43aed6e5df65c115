// Graph layout with elkjs (layered, left to right, orthogonal edges). We fix where the
// ports sit on each node (inputs on the left, outputs on the right) and give every edge a
// label box, so ELK leaves room for the buffer gauge drawn there. ELK runs in a web worker
// (engine() below); the layout runs once per structural change. Nodes the user dragged keep
// their saved place (graph.positions, from layout.yaml): placeNodes() moves them there and
// routes the edges that touch them (routeEdge), also while a node is being dragged.

import ELK from "elkjs/lib/elk-api.js";

export const NODE_W = 184;
export const HEADER_H = 30;
export const PORT_GAP = 24;
export const GAUGE_W = 120;
export const GAUGE_H = 38;

// elkjs runs in a web worker (dist/elk-worker.js, elkjs's own worker script, copied there by
// scripts/build.mjs): the page never evaluates its 1.6 MB on the main thread, and a layout
// never blocks the page. The bundle holds only elkjs's small message API; the worker script
// sits beside the bundle's chunks. The worker starts when this module is first evaluated
// (pages with a graph: the editor and the run view), so it loads while the page fetches its
// data, not after; the pipeline list and run history never start it.
let elk = null;
function engine() {
  if (!elk) {
    const workerUrl = new URL("elk-worker.js", import.meta.url).href;
    elk = new ELK({
      workerFactory: () => {
        const worker = new Worker(workerUrl);
        worker.addEventListener("error", (e) => console.error(`graph layout worker ${workerUrl}:`, e.message));
        return worker;
      },
    });
  }
  return elk;
}
if (typeof Worker !== "undefined") engine();

export function nodeHeight(block) {
  const body = 30 + 20 + (block.dynamic || block.replicated ? 24 : 0) + 14;
  const ports = 14 + Math.max(block.inputs.length, block.outputs.length) * PORT_GAP;
  return HEADER_H + Math.max(body, ports);
}

export function portY(index) {
  return HEADER_H + 22 + index * PORT_GAP;
}

function elkNode(block) {
  const height = nodeHeight(block);
  const ports = [
    ...block.inputs.map((port, i) => ({
      id: `${block.name}::in::${port}`,
      x: -5,
      y: portY(i) - 5,
      width: 10,
      height: 10,
      labels: block.labeled.has(port) ? [{ text: port, width: port.length * 6.4 + 8, height: 12 }] : [],
      layoutOptions: { "elk.port.side": "WEST" },
    })),
    ...block.outputs.map((port, i) => ({
      id: `${block.name}::out::${port}`,
      x: NODE_W - 5,
      y: portY(i) - 5,
      width: 10,
      height: 10,
      layoutOptions: { "elk.port.side": "EAST" },
    })),
  ];
  return {
    id: block.name,
    width: NODE_W,
    height,
    ports,
    layoutOptions: { "elk.portConstraints": "FIXED_POS", "elk.portLabels.placement": "OUTSIDE" },
  };
}

// -> {nodes: Map name -> {x, y, w, h, ports: Map "in::p"|"out::p" -> {x, y}},
//     edges: Map id -> {points: [{x, y}], label: {x, y, w, h}}, width, height}
export async function layoutGraph(graph) {
  const root = {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.edgeRouting": "ORTHOGONAL",
      "elk.spacing.nodeNode": "36",
      "elk.layered.spacing.nodeNodeBetweenLayers": "22",
      "elk.layered.spacing.edgeNodeBetweenLayers": "10",
      "elk.spacing.edgeLabel": "6",
      "elk.edgeLabels.placement": "CENTER",
      "elk.layered.nodePlacement.strategy": "NETWORK_SIMPLEX",
      "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
      "elk.padding": "[top=40,left=40,bottom=40,right=40]",
    },
    children: graph.order.map((name) => elkNode(graph.blocks.get(name))),
    edges: graph.edges.map((e) => ({
      id: e.id,
      sources: [`${e.src}::out::${e.src_port}`],
      targets: [`${e.dst}::in::${e.dst_port}`],
      labels: [
        {
          id: `${e.id}::gauge`,
          text: "gauge",
          width: GAUGE_W,
          height: GAUGE_H,
          layoutOptions: { "elk.edgeLabels.inline": "true" },
        },
      ],
    })),
  };
  const out = await engine().layout(root);
  const nodes = new Map();
  for (const child of out.children) {
    const ports = new Map();
    for (const port of child.ports || []) {
      const [, side, name] = port.id.split("::");
      ports.set(`${side}::${name}`, { x: child.x + port.x + 5, y: child.y + port.y + 5 });
    }
    nodes.set(child.id, { x: child.x, y: child.y, w: child.width, h: child.height, ports });
  }
  const edges = new Map();
  for (const edge of out.edges || []) {
    const points = [];
    for (const section of edge.sections || []) {
      points.push(section.startPoint, ...(section.bendPoints || []), section.endPoint);
    }
    const l = (edge.labels || [])[0];
    edges.set(edge.id, { points, label: l ? { x: l.x, y: l.y, w: l.width, h: l.height } : null });
  }
  const layout = { nodes, edges, width: out.width, height: out.height, bounds: null };
  placeNodes(layout, graph, graph.positions || {});
  return layout;
}

// Move the nodes named in `positions` ({name: {x, y}}) and re-route the edges touching
// them; then recompute the drawing's bounds. Changes `layout` in place.
export function placeNodes(layout, graph, positions) {
  const moved = new Set();
  for (const [name, p] of Object.entries(positions)) {
    const box = layout.nodes.get(name);
    if (!box || (box.x === p.x && box.y === p.y)) continue;
    const dx = p.x - box.x;
    const dy = p.y - box.y;
    box.x = p.x;
    box.y = p.y;
    for (const port of box.ports.values()) {
      port.x += dx;
      port.y += dy;
    }
    moved.add(name);
  }
  for (const edge of graph.edges) {
    if (!moved.has(edge.src) && !moved.has(edge.dst)) continue;
    const route = routeEdge(layout, edge);
    if (route) layout.edges.set(edge.id, route);
  }
  layout.bounds = boundsOf(layout);
  return moved;
}

// An orthogonal route from an output port to an input port, with the gauge's box on it.
export function routeEdge(layout, edge) {
  const src = layout.nodes.get(edge.src);
  const dst = layout.nodes.get(edge.dst);
  const a = src && src.ports.get(`out::${edge.src_port}`);
  const b = dst && dst.ports.get(`in::${edge.dst_port}`);
  if (!a || !b) return null;
  let points;
  let mid;
  if (b.x - a.x >= 40) {
    const mx = Math.round((a.x + b.x) / 2);
    points = [a, { x: mx, y: a.y }, { x: mx, y: b.y }, b];
    mid = { x: mx, y: (a.y + b.y) / 2 };
  } else {
    // Backwards (the target is left of the source): around, below both nodes.
    const below = Math.max(src.y + src.h, dst.y + dst.h) + GAUGE_H / 2 + 16;
    points = [
      a,
      { x: a.x + 18, y: a.y },
      { x: a.x + 18, y: below },
      { x: b.x - 18, y: below },
      { x: b.x - 18, y: b.y },
      b,
    ];
    mid = { x: (a.x + b.x) / 2, y: below };
  }
  return { points, label: { x: mid.x - GAUGE_W / 2, y: mid.y - GAUGE_H / 2, w: GAUGE_W, h: GAUGE_H } };
}

// The box around every node and gauge, with a margin: {x, y, w, h}.
export function boundsOf(layout, pad = 16) {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  const add = (x, y, w, h) => {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x + w);
    y1 = Math.max(y1, y + h);
  };
  for (const n of layout.nodes.values()) add(n.x - 24, n.y - 10, n.w + 24, n.h + 10);
  for (const e of layout.edges.values()) {
    if (e.label) add(e.label.x, e.label.y, e.label.w, e.label.h);
    for (const p of e.points) add(p.x, p.y, 0, 0);
  }
  if (x0 === Infinity) return { x: 0, y: 0, w: layout.width || 0, h: layout.height || 0 };
  return { x: x0 - pad, y: y0 - pad, w: x1 - x0 + 2 * pad, h: y1 - y0 + 2 * pad };
}
