"""Parts of a topology: ancestors and descendants of a block; the subgraph a notebook
cell runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from sluicegate.graph.topology import Topology


def ancestors(topology: Topology, block: str) -> set[str]:
    """Every block upstream of `block`."""
    return _closure(block, topology.upstream)


def descendants(topology: Topology, block: str) -> set[str]:
    """Every block downstream of `block`."""
    return _closure(block, topology.downstream)


def _closure(block: str, step: Callable[[str], list[str]]) -> set[str]:
    seen: set[str] = set()
    todo = [block]
    while todo:
        for name in step(todo.pop()):
            if name not in seen:
                seen.add(name)
                todo.append(name)
    return seen


def subgraph(topology: Topology, keep: set[str]) -> Topology:
    """The blocks in `keep` (in topological order) and the edges between them."""
    blocks = {
        name: replace(
            node,
            inputs=tuple(e for e in node.inputs if e.src in keep),
            outputs=tuple(e for e in node.outputs if e.dst in keep),
        )
        for name, node in topology.blocks.items()
        if name in keep
    }
    edges = {k: e for k, e in topology.edges.items() if e.src in keep and e.dst in keep}
    return replace(topology, blocks=blocks, edges=edges)
