"""Static facts the scheduler needs about a topology: replication levels, which inputs
carry a single item, which outputs must be retained for children created later."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sluicegate.blocks.loader import LoadedBlock
from sluicegate.errors import PlanError
from sluicegate.graph.topology import EdgeNode, Topology


@dataclass(frozen=True)
class BlockPlan:
    levels: tuple[str, ...]  # the dynamic blocks whose items replicate this block (SPEC §4.10.2)
    contributions: tuple[tuple[str, ...], ...]  # per input: the levels that input brings
    single_inputs: tuple[bool, ...]  # per input: carries exactly one item
    single_output: bool
    retain: bool  # keep output items for consumers created after they were emitted
    topo_index: int
    child_levels_below: int = 0  # longest chain of replicated blocks downstream

    @property
    def replicated(self) -> bool:
        return bool(self.levels)


def contribution(
    edge: EdgeNode, plans: dict[str, BlockPlan], topology: Topology
) -> tuple[str, ...]:
    src = topology.blocks[edge.src]
    levels = plans[edge.src].levels
    if src.dynamic:
        return (*levels, src.name)
    if src.reduce_output:
        if not levels:
            raise PlanError(
                f"block '{src.name}' has reduce_output but no dynamic block upstream; "
                "remove reduce_output or mark an upstream block dynamic",
                block=src.name,
                field="reduce_output",
            )
        return levels[:-1]
    return levels


def plan_topology(topology: Topology, loaded: dict[str, LoadedBlock]) -> dict[str, BlockPlan]:
    plans: dict[str, BlockPlan] = {}
    for index, (name, node) in enumerate(topology.blocks.items()):
        contribs = tuple(contribution(e, plans, topology) for e in node.inputs)
        levels = _levels(name, node.match, contribs)
        single_in = tuple(
            topology.blocks[e.src].dynamic
            or topology.blocks[e.src].reduce_output
            or plans[e.src].single_output
            for e in node.inputs
        )
        block = loaded[name]
        calls_once = node.collect or node.stream or block.wants_stream or all(single_in)
        single_out = calls_once and not block.is_generator and not node.explode and not node.dynamic
        plans[name] = BlockPlan(levels, contribs, single_in, single_out, False, index)
    plans = {name: _with_retain(name, plan, plans, topology) for name, plan in plans.items()}
    below: dict[str, int] = {}
    for name in reversed(topology.blocks):
        children = [below[d] + 1 for d in topology.downstream(name) if plans[d].replicated]
        below[name] = max(children, default=0)
    return {name: replace(plan, child_levels_below=below[name]) for name, plan in plans.items()}


def _levels(name: str, match: str, contribs: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    replicated = [c for c in contribs if c]
    if len(replicated) <= 1:
        return replicated[0] if replicated else ()
    if match == "product":
        return tuple(level for c in replicated for level in c)
    if match == "zip_index":
        return (f"zip:{name}",)
    common: list[str] = []
    for parts in zip(*replicated, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    if not common:
        raise PlanError(
            f"block '{name}': ambiguous dynamic join, its upstreams share no dynamic ancestor; "
            "set match: product or zip_index",
            block=name,
            field="match",
        )
    if any(len(c) != len(common) for c in replicated):
        raise PlanError(
            f"block '{name}': match: lineage with an upstream deeper than the common dynamic "
            f"level ({' > '.join(common)}); add a reduce_output block on the deeper branch or "
            "set match: product",
            block=name,
            field="match",
        )
    return tuple(common)


def _with_retain(
    name: str, plan: BlockPlan, plans: dict[str, BlockPlan], topology: Topology
) -> BlockPlan:
    node = topology.blocks[name]
    retain = node.reduce_output
    for edge in node.outputs:
        consumer = plans[edge.dst]
        partitioned = sum(1 for c in consumer.contributions if c)
        late = consumer.replicated and (partitioned >= 2 or not plan.replicated)
        retain = retain or (late and not node.dynamic)
    return replace(plan, retain=retain)
