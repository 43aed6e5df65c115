"""Unit tests of deadlock handling (SPEC §4.13): cycles in hand-made wait-for graphs, and
the message with its fix."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sluicegate.graph.topology import PortConfig, Resolved
from sluicegate.kernel.deadlock import Hop, describe, find_cycle
from sluicegate.kernel.edge import Edge


def hops(*pairs: tuple[str, str]) -> dict[Any, list[Hop]]:
    graph: dict[Any, list[Hop]] = {}
    for a, b in pairs:
        graph.setdefault(a, []).append(Hop(a, "input", b))
    return graph


def assert_is_cycle(cycle: list[Hop]) -> None:
    for hop, after in zip(cycle, [*cycle[1:], cycle[0]], strict=True):
        assert hop.target == after.node, "each hop waits on the next hop's node"


def test_an_acyclic_graph_has_no_cycle() -> None:
    assert find_cycle(hops(("a", "b"), ("b", "c"), ("a", "c"))) is None
    assert find_cycle({}) is None


def test_a_self_wait_is_a_cycle_of_one_hop() -> None:
    cycle = find_cycle(hops(("a", "a")))
    assert cycle is not None and [(h.node, h.target) for h in cycle] == [("a", "a")]


def test_the_cycle_is_found_behind_a_tail_and_excludes_it() -> None:
    graph = hops(("tail", "x"), ("x", "y"), ("y", "z"), ("z", "x"), ("y", "exit"))
    cycle = find_cycle(graph)
    assert cycle is not None
    assert_is_cycle(cycle)
    assert {h.node for h in cycle} == {"x", "y", "z"}


def test_a_cycle_reachable_only_from_a_later_start_is_found() -> None:
    graph = hops(("a", "b"), ("b", "c"), ("d", "e"), ("e", "d"))
    cycle = find_cycle(graph)
    assert cycle is not None
    assert_is_cycle(cycle)
    assert {h.node for h in cycle} == {"d", "e"}


def test_a_diamond_without_a_back_edge_is_not_a_cycle() -> None:
    graph = hops(("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("d", "e"))
    assert find_cycle(graph) is None


# ---- the message and its fix ---------------------------------------------------------


def limited_edge(edge_id: str, producer: Any, consumer: Any, fill: int = 4) -> Edge:
    config = PortConfig(
        buffering_mode=Resolved("limited", "default"),
        rows_per_buffer=Resolved(1, "edge config"),
        bytes_per_row_buffer=Resolved(65536, "default"),
        full_mem_budget_bytes=Resolved(64 << 20, "default"),
        sizer=Resolved("auto", "default"),
        exchange=Resolved("pipelined", "default"),
    )
    static = edge_id
    edge = Edge(edge_id, static, config)
    edge.producer, edge.consumer = producer, consumer
    edge.put(list(range(fill)), float(fill), fill)
    return edge


class FakeRun(SimpleNamespace):
    """A block run as the detector sees it (hashable: it is a node of the graph)."""

    __hash__ = object.__hash__


def block_run(name: str, *, inputs: int = 1, inputs_mode: str = "dependent") -> Any:
    node = SimpleNamespace(name=name, inputs=[None] * inputs, inputs_mode=inputs_mode)
    return FakeRun(uuid=name, block=name, node=node, terminal=False, activity="starved")


def no_running() -> Any:
    return SimpleNamespace(running=set())


def test_a_dependent_join_is_told_to_make_its_blocked_input_full() -> None:
    """split feeds join.left and enrich; enrich feeds join.right. join reads `right` first,
    split is blocked writing the full join.left: the fix names join.left."""
    split, enrich, join = block_run("split"), block_run("enrich"), block_run("join", inputs=2)
    left = limited_edge("split.out->join.left", split, join)
    right = limited_edge("enrich.out->join.right", enrich, join, fill=0)
    feed = limited_edge("split.out->enrich.data", split, enrich, fill=0)
    graph = {
        split: [Hop(split, "output", join, left)],
        join: [Hop(join, "input", enrich, right)],
        enrich: [Hop(enrich, "input", split, feed)],
    }
    cycle = find_cycle(graph)
    assert cycle is not None and len(cycle) == 3
    message, suggestion, as_data = describe(no_running(), cycle)
    assert message.startswith("Deadlock: wait-for cycle")
    assert "split is blocked writing split.out -> join.left (4/4 items, mode=limited)" in message
    assert "join waits for input on enrich.out -> join.right" in message
    assert "enrich waits for input on split.out -> enrich.data" in message
    assert "Fix: join reads its inputs in a dependent order. Set join.left" in message
    assert "buffering_mode: full" in message
    assert suggestion == {"edge": "split.out->join.left", "set": {"mode": "full"}}
    assert [h["block"] for h in as_data] == [h.node.uuid for h in cycle]


def test_a_cycle_through_a_start_constraint_names_the_constraint() -> None:
    producer, gated = block_run("producer"), block_run("gated")
    into = limited_edge("producer.out->gated.in", producer, gated)
    graph = {
        producer: [Hop(producer, "output", gated, into)],
        gated: [Hop(gated, "constraint", producer, detail="`producer.succeeded`")],
    }
    cycle = find_cycle(graph)
    assert cycle is not None
    message, suggestion, _ = describe(no_running(), cycle)
    assert "gated waits for its start constraint `producer.succeeded` on producer" in message
    assert "Fix: remove the start_constraint of gated" in message
    assert suggestion == {"edge": "producer.out->gated.in", "set": {"mode": "full"}}


def test_an_independent_consumer_gets_the_generic_fix() -> None:
    a, b = block_run("a"), block_run("b", inputs=2, inputs_mode="independent")
    ab = limited_edge("a.out->b.x", a, b)
    ba = limited_edge("b.out->a.y", b, a, fill=0)
    graph = {a: [Hop(a, "output", b, ab)], b: [Hop(b, "input", a, ba)]}
    cycle = find_cycle(graph)
    assert cycle is not None
    message, suggestion, _ = describe(no_running(), cycle)
    assert "Fix: set buffering_mode: full on a.out->b.x, or raise its capacity" in message
    assert suggestion == {"edge": "a.out->b.x", "set": {"mode": "full"}}


def test_slot_starvation_names_the_cap_and_its_holders() -> None:
    holder, queued = block_run("child:0"), block_run("consumer")
    slot = "slot:max_running=1"
    graph = {
        queued: [Hop(queued, "slot", slot)],
        slot: [Hop(slot, "held", holder)],
        holder: [Hop(holder, "input", queued)],
    }
    cycle = find_cycle(graph)
    assert cycle is not None
    message, suggestion, _ = describe(SimpleNamespace(running={holder}), cycle)
    assert message.startswith("Slot starvation: consumer cannot start because `max_running=1`")
    assert "held by 1 block runs that are blocked (child:0)" in message
    assert "Fix: raise max_running" in message
    assert suggestion is None
