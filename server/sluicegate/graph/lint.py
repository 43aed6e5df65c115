"""Plan-time deadlock lint (SPEC §4.13.4), shown in the editor before a run.

`buffering_mode: default` already resolves to `full` wherever these rules apply, so a
warning is only raised for an edge that was *set* to `limited` (on the edge, a `config:`
rule, the block's `ports:`, the pipeline, the workspace or the environment).
"""

from __future__ import annotations

from sluicegate.graph.constraint import parse_constraint
from sluicegate.graph.dag import ancestors, constraint_target, shared_upstream
from sluicegate.graph.topology import BlockNode, EdgeNode, LintWarning, Topology

LINT_CODES = frozenset({"diamond", "constraint"})


def lint(topology: Topology) -> list[LintWarning]:
    """Diamond and constraint warnings for every limited input edge of every block."""
    order = list(topology.blocks)
    anc = ancestors(order, [(e.src, e.dst) for e in topology.edges.values()])
    warnings: list[LintWarning] = []
    for block in topology.blocks.values():
        text = block.start_constraint
        targets = parse_constraint(text).blocks if text else set()
        for edge in block.inputs:
            if edge.config.buffering_mode.value != "limited":
                continue
            shared = _diamond(block, edge, anc, order)
            if shared is not None:
                warnings.append(_diamond_warning(block, edge, shared))
            target = constraint_target(edge.src, targets, anc)
            if target is not None:
                warnings.append(_constraint_warning(block, edge, target))
    return warnings


def _diamond(
    block: BlockNode, edge: EdgeNode, anc: dict[str, frozenset[str]], order: list[str]
) -> str | None:
    """The upstream that `edge` shares with another input of a dependent block, if any."""
    if block.inputs_mode != "dependent":
        return None
    for other in block.inputs:
        if other is not edge and (shared := shared_upstream(edge.src, other.src, anc, order)):
            return shared
    return None


def _diamond_warning(block: BlockNode, edge: EdgeNode, shared: str) -> LintWarning:
    port = f"{block.name}.{edge.dst_port}"
    return LintWarning(
        "diamond",
        f"possible deadlock at {port}: {block.name} reads dependent inputs that share upstream "
        f"{shared!r}; set buffering_mode: full on {port}",
        block.name,
        edge.dst_port,
    )


def _constraint_warning(block: BlockNode, edge: EdgeNode, target: str) -> LintWarning:
    port = f"{block.name}.{edge.dst_port}"
    writer = repr(edge.src) if edge.src == target else f"{edge.src!r} (upstream of {target!r})"
    return LintWarning(
        "constraint",
        f"possible deadlock at {port}: {block.name} waits for its start_constraint on {target!r} "
        f"while {writer} writes to {port} through a limited buffer; set buffering_mode: full "
        f"on {port} or remove the constraint",
        block.name,
        edge.dst_port,
    )
