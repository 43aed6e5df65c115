"""Unit tests of the sampler's per-edge sums: a pipeline edge's counters over its instance
edges (one per child run), with finished edges folded into a total once."""

from __future__ import annotations

from sluicegate.kernel.edge import Edge
from sluicegate.kernel.sampler import EdgeSums


def naive(edges: list[Edge]) -> tuple[float, ...]:
    return (
        float(sum(e.items_in for e in edges)),
        float(sum(e.items_out for e in edges)),
        sum(e.bytes_in for e in edges),
        sum(e.bytes_out for e in edges),
        sum(e.bp_ms_now() for e in edges),
    )


def child_edge(i: int) -> Edge:
    edge = Edge(f"p.out->c:{i}.in", "p.out->c.in", None)  # one dynamic item, as a child gets
    edge.put([i], 10.0 + i, 1)
    edge.close()
    return edge


def test_sums_match_a_full_recount_while_edges_come_and_finish() -> None:
    edges: list[Edge] = []
    sums = EdgeSums()
    for i in range(50):
        edges.append(child_edge(i))
        if i % 3 == 0:  # the child took its item and saw EOS: the edge is done
            edges[i // 2].take(1)
            edges[i // 2].at_eos()
        if i % 7 == 0:
            edges[i].cancel()
        assert sums.values(edges) == naive(edges)
    assert any(e.settled() for e in edges) and not all(e.settled() for e in edges)
    assert len(sums.moving) == sum(not e.settled() for e in edges)


def test_an_edge_with_a_waiting_producer_is_not_settled() -> None:
    edge = child_edge(0)
    edge.cancel()
    edge.bp_start()
    assert not edge.settled()
    sums = EdgeSums()
    sums.values([edge])
    assert sums.moving == [edge]
    edge.bp_end()
    assert edge.settled()
    assert sums.values([edge]) == naive([edge])
    assert sums.moving == []
