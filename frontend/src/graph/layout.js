// Graph layout with elkjs (layered, left to right, orthogonal edges). We fix where the
// ports sit on each node (inputs on the left, outputs on the right) and give every edge a
// label box, so ELK leaves room for the buffer gauge drawn there. No worker: the graphs
// are small and the layout runs once per structural change.

export const NODE_W = 200;
export const HEADER_H = 30;
export const PORT_GAP = 24;
export const GAUGE_W = 120;
export const GAUGE_H = 38;

// elkjs is evaluated on the first layout, not when the page loads: pages without a graph
// never pay for it, and the run view's start is split into shorter tasks.
let elk = null;
async function engine() {
  if (!elk) {
    const { default: ELK } = await import("elkjs/lib/elk.bundled.js");
    elk = new ELK();
  }
  return elk;
}

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
      "elk.layered.spacing.nodeNodeBetweenLayers": "28",
      "elk.layered.spacing.edgeNodeBetweenLayers": "14",
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
  const out = await (await engine()).layout(root);
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
  return { nodes, edges, width: out.width, height: out.height };
}
