"""Static facts the scheduler needs about a topology: replication levels and which inputs
carry a single item (`graph.replication`), which outputs must be retained for children
created later."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sluicegate.blocks.loader import LoadedBlock
from sluicegate.graph.replication import replicate
from sluicegate.graph.topology import Topology


@dataclass(frozen=True)
class BlockPlan:
    levels: tuple[str, ...]  # the dynamic blocks whose items replicate this block (SPEC §4.10.2)
    contributions: tuple[tuple[str, ...], ...]  # per input: the levels that input brings
    single_inputs: tuple[bool, ...]  # per input: carries exactly one item
    single_output: bool
    retain: bool  # keep output items for consumers created after they were emitted
    topo_index: int
    child_levels_below: int = 0  # longest chain of replicated blocks downstream
    accepts_child_failure: bool = False  # on_child_failure skip/none_fill covers its children

    @property
    def replicated(self) -> bool:
        return bool(self.levels)


def plan_topology(topology: Topology, loaded: dict[str, LoadedBlock]) -> dict[str, BlockPlan]:
    """The scheduler's facts, from the loaded functions. Planning (`graph.build`) has raised
    every error these facts can reveal already when it could read the functions' shapes from
    their source; this raises the rest, still before any block runs."""
    plans: dict[str, BlockPlan] = {}
    for index, (name, fact) in enumerate(replicate(topology, loaded).items()):
        single_in = tuple(bool(s) for s in fact.single_inputs)  # all known: the code is loaded
        plans[name] = BlockPlan(
            fact.levels,
            fact.contributions,
            single_in,
            bool(fact.single_output),
            False,
            index,
            accepts_child_failure=fact.accepts_child_failure,
        )
    plans = {name: _with_retain(name, plan, plans, topology) for name, plan in plans.items()}
    below: dict[str, int] = {}
    for name in reversed(topology.blocks):
        children = [below[d] + 1 for d in topology.downstream(name) if plans[d].replicated]
        below[name] = max(children, default=0)
    return {name: replace(plan, child_levels_below=below[name]) for name, plan in plans.items()}


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
