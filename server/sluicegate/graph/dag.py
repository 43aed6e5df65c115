"""Graph algorithms on block names: topological order, cycles, ancestors, shared upstreams."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence


class CycleError(ValueError):
    """The graph has a cycle; `cycle` lists its blocks in order, first one repeated last."""

    def __init__(self, cycle: list[str]) -> None:
        super().__init__(" -> ".join(cycle))
        self.cycle = cycle


def topo_order(names: Sequence[str], pairs: Iterable[tuple[str, str]]) -> list[str]:
    """Blocks in topological order; among ready blocks, the one listed first goes first."""
    rank = {name: i for i, name in enumerate(names)}
    children: dict[str, list[str]] = {name: [] for name in names}
    indegree = dict.fromkeys(names, 0)
    for src, dst in pairs:
        children[src].append(dst)
        indegree[dst] += 1
    ready = [rank[n] for n in names if indegree[n] == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        name = names[heapq.heappop(ready)]
        order.append(name)
        for child in children[name]:
            indegree[child] -= 1
            if indegree[child] == 0:
                heapq.heappush(ready, rank[child])
    if len(order) < len(names):
        raise CycleError(_find_cycle([n for n in names if indegree[n] > 0], children))
    return order


def _find_cycle(stuck: list[str], children: Mapping[str, list[str]]) -> list[str]:
    """Walk from a block left with unmet inputs; every such block has a stuck parent."""
    left = set(stuck)
    parents: dict[str, str] = {}
    for src in stuck:
        for dst in children[src]:
            if dst in left:
                parents.setdefault(dst, src)
    path: list[str] = []
    node = stuck[0]
    while node not in path:
        path.append(node)
        node = parents[node]
    cycle = path[path.index(node) :]
    cycle.reverse()
    first = cycle.index(min(cycle, key=stuck.index))  # start at the block listed first
    cycle = cycle[first:] + cycle[:first]
    return [*cycle, cycle[0]]


def ancestors(order: Sequence[str], pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Every block's strict ancestors; `order` must be topological."""
    parents: dict[str, set[str]] = {name: set() for name in order}
    for src, dst in pairs:
        parents[dst].add(src)
    result: dict[str, frozenset[str]] = {}
    for name in order:
        result[name] = frozenset().union(*({p} | result[p] for p in parents[name]))
    return result


def shared_upstream(
    a: str, b: str, anc: Mapping[str, frozenset[str]], order: Sequence[str]
) -> str | None:
    """The nearest block that is `a` or `b` or an ancestor of both, if any.

    Two input edges of one block from `a` and `b` close a diamond exactly when this exists
    (SPEC §4.13.4: from that block there are two edge-disjoint paths into the consumer).
    """
    common = (anc[a] | {a}) & (anc[b] | {b})
    return max(common, key=order.index) if common else None


def constraint_target(
    src: str, targets: Iterable[str], anc: Mapping[str, frozenset[str]]
) -> str | None:
    """The constraint target that `src` is, or is an ancestor of (SPEC §4.13.4), if any."""
    return next((t for t in sorted(targets) if src == t or src in anc[t]), None)
