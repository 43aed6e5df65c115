"""Wait-for graph, cycle search and the deadlock message with its fix (SPEC §4.13)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sluicegate.protocol.vocab import error_info

if TYPE_CHECKING:
    from sluicegate.kernel.edge import Edge
    from sluicegate.kernel.hooks import RunHooks
    from sluicegate.kernel.ports import RunFacts
    from sluicegate.kernel.slots import Slots
    from sluicegate.kernel.stopping import Stopper

Node = Any  # an Instance, or a slot name for runs queued on a concurrency cap


@dataclass(frozen=True)
class Hop:
    node: Node
    waits: str  # input | output | constraint | slot | children
    target: Node
    edge: Edge | None = None
    detail: str = ""


def _show(edge_id: str) -> str:
    return edge_id.replace("->", " -> ")


class DeadlockDetector:
    def __init__(self, state: RunFacts, *, slots: Slots, hooks: RunHooks, stopper: Stopper) -> None:
        self.state, self.slots, self.hooks, self.stopper = state, slots, hooks, stopper
        self.promotions = 0

    def wait_for(self) -> dict[Node, list[Hop]]:
        graph: dict[Node, list[Hop]] = {}
        live = self.state.live_instances()
        blocked = ("starved", "backpressured")
        blocked_holders = [i for i in self.state.running if i.activity in blocked]
        for inst in live:
            hops = graph.setdefault(inst, [])
            edge = inst.blocked_edge
            if inst.phase == "running" and inst.activity == "starved" and edge is not None:
                if edge.fill_items or edge.eos or edge.error is not None:
                    return {}  # woken but not resumed yet: a transient state, not a wait
                if edge.producer is not None and not edge.producer.terminal:
                    hops.append(Hop(inst, "input", edge.producer, edge))
            elif inst.phase == "running" and inst.activity == "backpressured":
                if edge is not None and not edge.full():
                    return {}  # room was made but the producer has not resumed yet
                if edge is not None and edge.consumer is not None and not edge.consumer.terminal:
                    hops.append(Hop(inst, "output", edge.consumer, edge))
                elif edge is None:
                    for child in live:
                        if any(p.producer is inst for p in child.parts):
                            hops.append(Hop(inst, "children", child))
            elif inst.phase == "waiting" and inst.reason == "start_constraint":
                expr = inst.node.start_constraint
                for target in live:
                    if inst.waiting_on and target.block in inst.waiting_on.get("blocks", []):
                        hops.append(Hop(inst, "constraint", target, detail=f"`{expr}`"))
            elif inst.phase == "waiting" and inst.reason == "batch_inputs":
                for e in inst.inputs:
                    if e.producer is not None and not e.producer.terminal:
                        hops.append(Hop(inst, "input", e.producer, e))
            elif inst.phase == "ready":
                slot = f"slot:{self.slots.cap_name(inst)}"
                hops.append(Hop(inst, "slot", slot))
                graph.setdefault(slot, [Hop(slot, "held", h) for h in blocked_holders])
        return graph

    def check(self) -> None:
        cycle = find_cycle(self.wait_for())
        if cycle is None:
            return
        message, suggestion, hops = describe(self.state, cycle)
        settings = self.state.settings
        if (
            suggestion
            and settings.on_deadlock == "promote_full"
            and self.promotions < settings.max_promotions
        ):
            self.promotions += 1
            self._promote(suggestion["edge"], message, hops)
            return
        self._fail(cycle, message, suggestion, hops)

    def _promote(self, edge_id: str, message: str, hops: list[dict[str, Any]]) -> None:
        for edge in self.state.edges_by_static.get(edge_id, []):
            edge.mode, edge.mode_source = "full", "promoted at run time (deadlock)"
            edge.writable.wake()
        run_id = self.state.run_id
        self.hooks.on_deadlock(
            run_id=run_id,
            cycle=hops,
            message=message,
            suggestion={"edge": edge_id, "set": {"mode": "full"}},
            action="promote_full",
        )
        self.hooks.on_warning(
            run_id=run_id, message=f"{message}\nPromoted {edge_id} to mode=full.", block=None
        )

    def _fail(
        self,
        cycle: list[Hop],
        message: str,
        suggestion: dict[str, Any] | None,
        hops: list[dict[str, Any]],
    ) -> None:
        error = error_info("Deadlock", message)
        for hop in cycle:
            if not isinstance(hop.node, str):
                hop.node.deadlock_error = error
        self.hooks.on_deadlock(
            run_id=self.state.run_id,
            cycle=hops,
            message=message,
            suggestion=suggestion,
            action="fail",
        )
        self.stopper.fail(message)


def find_cycle(graph: dict[Node, list[Hop]]) -> list[Hop] | None:
    """A cycle of hops, found by depth-first search, or None."""
    color: dict[Node, int] = {}
    for start in graph:
        if color.get(start):
            continue
        nodes: list[Node] = [start]
        hops: list[Hop] = []
        pending = [iter(graph.get(start, []))]
        color[start] = 1
        while pending:
            hop = next(pending[-1], None)
            if hop is None:
                color[nodes.pop()] = 2
                pending.pop()
                if hops:
                    hops.pop()
                continue
            seen = color.get(hop.target)
            if seen == 1:
                return [*hops[nodes.index(hop.target) :], hop]
            if seen is None:
                color[hop.target] = 1
                nodes.append(hop.target)
                hops.append(hop)
                pending.append(iter(graph.get(hop.target, [])))
    return None


def describe(
    run: RunFacts, cycle: list[Hop]
) -> tuple[str, dict[str, Any] | None, list[dict[str, Any]]]:
    """The message naming every hop, the suggested edge, and the hops as data."""
    lines: list[str] = []
    hops: list[dict[str, Any]] = []
    slot = next((h for h in cycle if h.waits == "slot"), None)
    for hop in cycle:
        if hop.waits == "held":
            continue
        name = hop.node.uuid if not isinstance(hop.node, str) else hop.node
        edge = hop.edge
        if hop.waits == "output" and edge is not None:
            cap = edge.capacity_items
            lines.append(
                f"  {name} is blocked writing {_show(edge.id)} "
                f"({edge.fill_items}/{cap} items, mode={edge.mode})"
            )
        elif hop.waits == "input" and edge is not None:
            producer = edge.producer.uuid if edge.producer is not None else "?"
            lines.append(
                f"  {name} waits for input on {_show(edge.id)} "
                f"(empty, producer {producer} not finished)"
            )
        elif hop.waits == "constraint":
            lines.append(
                f"  {name} waits for its start constraint {hop.detail} on {hop.target.uuid}"
            )
        elif hop.waits == "slot":
            lines.append(f"  {name} is queued for a slot of {str(hop.target)[5:]}")
        elif hop.waits == "children":
            lines.append(f"  {name} waits for its children to take pending items")
        hops.append(
            {
                "block": name,
                "waits": hop.waits,
                "edge": edge.static_id if edge else None,
                "detail": hop.detail or None,
            }
        )
    if slot is not None:
        cap_name = str(slot.target)[5:]
        holders = sorted(
            {h.target.uuid for h in cycle if h.waits == "held"}
            | {i.uuid for i in run.running if i.activity in ("starved", "backpressured")}
        )
        head = (
            f"Slot starvation: {slot.node.uuid} cannot start because `{cap_name}` is held by "
            f"{len(holders)} block runs that are blocked ({', '.join(holders[:6])})"
        )
        fix = (
            f"Fix: raise {cap_name.split('=')[0]}, "
            "or keep drain-first scheduling on (settings.drain_first)."
        )
        return "\n".join([head, *lines, fix]), None, hops
    suggestion, fix = _fix(run, cycle)
    return "\n".join(["Deadlock: wait-for cycle", *lines, fix]), suggestion, hops


def _fix(run: RunFacts, cycle: list[Hop]) -> tuple[dict[str, Any] | None, str]:
    for hop in cycle:
        edge = hop.edge
        if hop.waits != "output" or edge is None or edge.consumer is None:
            continue
        consumer = edge.consumer.node
        if len(consumer.inputs) >= 2 and consumer.inputs_mode == "dependent":
            port = f"{consumer.name}.{edge.static_id.rsplit('.', 1)[-1]}"
            return {"edge": edge.static_id, "set": {"mode": "full"}}, (
                f"Fix: {consumer.name} reads its inputs in a dependent order. Set {port} (or "
                f"{consumer.name}.inputs) to buffering_mode: full,\nor declare {consumer.name} "
                "`inputs: independent` if it can read either input, or raise capacity."
            )
    constrained = next((h for h in cycle if h.waits == "constraint"), None)
    if constrained is not None:
        into = next(
            (
                h.edge
                for h in cycle
                if h.waits == "output" and h.edge and h.edge.consumer is constrained.node
            ),
            None,
        )
        name = constrained.node.block
        if into is None:
            into = next((h.edge for h in cycle if h.waits == "output" and h.edge), None)
        suggestion = {"edge": into.static_id, "set": {"mode": "full"}} if into else None
        target = into.static_id if into else f"the producer's edge into {name}"
        return (
            suggestion,
            f"Fix: remove the start_constraint of {name}, or set buffering_mode: full on {target}.",
        )
    first = next((h.edge for h in cycle if h.waits == "output" and h.edge), None)
    if first is not None:
        return {"edge": first.static_id, "set": {"mode": "full"}}, (
            f"Fix: set buffering_mode: full on {first.static_id}, "
            "or raise its capacity (rows_per_buffer)."
        )
    return None, "Fix: break the cycle of waits named above."
