"""Unit tests of EdgeTotals: what the live view shows of a pipeline edge, summed over its
instance edges (one per child run), equals a full recount while edges come, fill, drain,
finish and get cancelled; finished edges are not looked at again."""

from __future__ import annotations

import random

from sluicegate.graph.defaults import PORT_DEFAULTS
from sluicegate.graph.topology import PortConfig, Resolved
from sluicegate.kernel.edge import Edge
from sluicegate.kernel.edge_totals import SUMMED, EdgeTotals


def limited_edge(i: int) -> Edge:
    config = PortConfig(
        buffering_mode=Resolved("limited", "edge config"),
        rows_per_buffer=Resolved(None, "default"),
        bytes_per_row_buffer=Resolved(4096, "edge config"),
        full_mem_budget_bytes=Resolved(PORT_DEFAULTS["full_mem_budget_bytes"], "default"),
        sizer=Resolved("auto", "default"),
        exchange=Resolved("pipelined", "default"),
    )
    return Edge(f"p.out->c:{i}.in", "p.out->c.in", config)


def recount(edges: list[Edge]) -> dict[str, object]:
    """What the view showed before: every sum and maximum taken over every edge."""
    first = next((e for e in edges if e.rows_per_buffer is not None), edges[0] if edges else None)
    out: dict[str, object] = {name: sum(getattr(e, name) for e in edges) for name in SUMMED}
    out.update(
        bp_ms=sum(e.bp_ms_now() for e in edges),
        max_fill_items=max((e.max_fill_items for e in edges), default=0),
        max_ratio=max((e.fill_ratio() for e in edges), default=0.0),
        states={e.state for e in edges},
        first=first,
    )
    return out


def summarised(totals: EdgeTotals, edges: list[Edge]) -> dict[str, object]:
    got = totals.summary(edges)
    return {**got.sums, "bp_ms": got.bp_ms, "max_fill_items": got.max_fill_items,
            "max_ratio": got.max_ratio, "states": got.states, "first": got.first}  # fmt: skip


def test_summary_equals_a_full_recount_as_edges_move() -> None:
    rng = random.Random(7)
    edges: list[Edge] = []
    totals = EdgeTotals()
    for step in range(400):
        if step % 4 == 0:
            edges.append(limited_edge(step))
        e = rng.choice(edges)
        action = rng.random()
        if action < 0.4 and not e.eos and not e.full():
            n = rng.randint(1, 3)
            e.put(list(range(n)), float(64 * n), n)
        elif action < 0.6:
            e.take(rng.randint(1, 4))
        elif action < 0.75:
            e.close()
            e.at_eos()
        elif action < 0.8:
            e.cancel()
        expected, got = recount(edges), summarised(totals, edges)
        assert got == expected, f"step {step}"
    assert any(e.settled() for e in edges)
    assert len(totals.moving) == sum(not e.settled() for e in edges)


def test_first_sized_edge_is_the_earliest_even_when_sized_late() -> None:
    a, b = limited_edge(0), limited_edge(1)
    totals = EdgeTotals()
    assert totals.summary([a, b]).first is a  # none sized yet: the first edge
    b.put([1], 64.0, 1)
    b.take(1)
    b.close()
    b.at_eos()
    assert b.settled()
    assert totals.summary([a, b]).first is b
    a.put([1], 64.0, 1)  # the earlier edge learns its size after b settled
    assert totals.summary([a, b]).first is a


def test_a_cancelled_edge_still_fed_by_its_producer_is_not_settled() -> None:
    edge = limited_edge(0)
    edge.put([1], 64.0, 1)
    edge.cancel()
    assert not edge.settled()  # the producer may still emit: discarded keeps growing
    edge.put([2, 3], 128.0, 2)
    totals = EdgeTotals()
    assert totals.summary([edge]).sums["discarded"] == 3
    edge.close()
    assert edge.settled()
    assert totals.summary([edge]).sums["discarded"] == 3
