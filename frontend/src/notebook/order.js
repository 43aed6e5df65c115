// Graph order of a pipeline's blocks: a topological order of its edges, ties broken by the
// order of the spec's `blocks` list. Blocks caught in a cycle (an invalid graph, still shown)
// come last, in spec order.

export function specOrder(data) {
  const listed = ((data.spec && data.spec.blocks) || []).map((b) => b.name);
  const seen = new Set(listed);
  for (const name of Object.keys(data.blocks || {})) if (!seen.has(name)) listed.push(name);
  return listed;
}

export function graphOrder(data) {
  const names = specOrder(data);
  const rank = new Map(names.map((name, i) => [name, i]));
  const incoming = new Map(names.map((name) => [name, 0]));
  const next = new Map(names.map((name) => [name, []]));
  for (const edge of data.edges || []) {
    const src = edge.src ?? edge.from;
    const dst = edge.dst ?? edge.to;
    if (!rank.has(src) || !rank.has(dst) || src === dst) continue;
    next.get(src).push(dst);
    incoming.set(dst, incoming.get(dst) + 1);
  }
  const ready = names.filter((name) => incoming.get(name) === 0);
  const order = [];
  while (ready.length) {
    // The ready block that comes first in the spec; O(n²) worst case, fine for thousands.
    let best = 0;
    for (let i = 1; i < ready.length; i++) if (rank.get(ready[i]) < rank.get(ready[best])) best = i;
    const name = ready.splice(best, 1)[0];
    order.push(name);
    for (const dst of next.get(name)) {
      incoming.set(dst, incoming.get(dst) - 1);
      if (incoming.get(dst) === 0) ready.push(dst);
    }
  }
  if (order.length < names.length) {
    const placed = new Set(order);
    for (const name of names) if (!placed.has(name)) order.push(name);
  }
  return order;
}

// Upstream block names of `block`, in spec order (for the cell header).
export function inputsOf(data, block) {
  const found = new Set();
  for (const edge of data.edges || []) if ((edge.dst ?? edge.to) === block) found.add(edge.src ?? edge.from);
  return specOrder(data).filter((name) => found.has(name));
}

// The block's kind, read from its decorator (Mage style); the spec does not store it.
// null when the code has no block decorator.
export function kindOf(code) {
  const found = /^\s*@(data_loader|transformer|data_exporter|sensor|custom)\b/m.exec(code || "");
  return found ? found[1] : null;
}
