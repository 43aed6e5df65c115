"""Replication facts of a topology (SPEC §4.10), and the plan errors they reveal.

    facts = replicate(topology, shapes)   # {block: Replication}; PlanError naming the file

A block downstream of a dynamic block is replicated per lineage level until a
`reduce_output` block closes the level; a block with several inputs combines their levels
by its `match` rule. Whether an input brings one item or many depends on the upstream
function's shape (a generator emits many), so `shapes` gives each block's `BlockShape`:
read from the source by planning (`blocks.shape`, None when it cannot be told) and from the
imported function by the kernel. Everything here depends on the plan only, so every error is
raised before any block runs, with `where` set to the pipeline's file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from sluicegate.errors import PlanError
from sluicegate.graph.topology import EdgeNode, Topology


class Shape(Protocol):
    """What the plan needs of a block function (`BlockShape`, `LoadedBlock`)."""

    @property
    def is_generator(self) -> bool: ...
    @property
    def wants_stream(self) -> bool: ...


@dataclass(frozen=True)
class Replication:
    levels: tuple[str, ...]  # the dynamic blocks whose items replicate this block
    contributions: tuple[tuple[str, ...], ...]  # per input: the levels that input brings
    single_inputs: tuple[bool | None, ...]  # per input: exactly one item (None: unknown)
    single_output: bool | None  # one item per run (None: unknown)
    accepts_child_failure: bool = False  # a failed run of this block fails neither block nor run

    @property
    def replicated(self) -> bool:
        return bool(self.levels)


def replicate(topology: Topology, shapes: Mapping[str, Shape | None]) -> dict[str, Replication]:
    """Every block's replication facts, in topological order. Raises the first PlanError."""
    facts: dict[str, Replication] = {}
    for name, node in topology.blocks.items():
        contribs = tuple(_contribution(e, facts, topology) for e in node.inputs)
        levels = _levels(topology, name, node.match, contribs)
        single_in = tuple(
            True
            if topology.blocks[e.src].dynamic or topology.blocks[e.src].reduce_output
            else facts[e.src].single_output
            for e in node.inputs
        )
        shape = shapes.get(name)
        wants_stream = node.stream or node.collect or (shape is not None and shape.wants_stream)
        multi = [e for e, single in zip(node.inputs, single_in, strict=True) if single is False]
        if len(multi) > 1 and not wants_stream:
            ports = ", ".join(f"{e.dst_port} (from {e.src})" for e in multi)
            raise PlanError(
                f"block '{name}' has {len(multi)} multi-item inputs, {ports}, and would be "
                "called once per item; set `stream: true` or `collect: true` on it, or make "
                "its upstreams dynamic so that each child gets one item",
                where=topology.where,
                block=name,
                field="inputs",
            )
        calls_once = wants_stream or _all(single_in)
        single_out: bool | None
        if node.explode or node.dynamic or (shape is not None and shape.is_generator):
            single_out = False
        elif calls_once is None or shape is None:
            single_out = None
        else:
            single_out = calls_once
        facts[name] = Replication(levels, contribs, single_in, single_out)
    return _with_child_failure(topology, facts)


def _all(values: tuple[bool | None, ...]) -> bool | None:
    if False in values:
        return False
    return None if None in values else True


def _contribution(
    edge: EdgeNode, facts: Mapping[str, Replication], topology: Topology
) -> tuple[str, ...]:
    src = topology.blocks[edge.src]
    levels = facts[edge.src].levels
    if src.dynamic:
        return (*levels, src.name)
    if src.reduce_output:
        if not levels:
            raise PlanError(
                f"block '{src.name}' has reduce_output, but no dynamic level is open above it "
                "(every dynamic block upstream is already closed by another reduce_output); "
                "remove reduce_output or mark an upstream block dynamic",
                where=topology.where,
                block=src.name,
                field="reduce_output",
            )
        return levels[:-1]
    return levels


def _levels(
    topology: Topology, name: str, match: str, contribs: tuple[tuple[str, ...], ...]
) -> tuple[str, ...]:
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
            where=topology.where,
            block=name,
            field="match",
        )
    if any(len(c) != len(common) for c in replicated):
        raise PlanError(
            f"block '{name}': match: lineage with an upstream deeper than the common dynamic "
            f"level ({' > '.join(common)}); add a reduce_output block on the deeper branch or "
            "set match: product",
            where=topology.where,
            block=name,
            field="match",
        )
    return tuple(common)


def _with_child_failure(
    topology: Topology, facts: dict[str, Replication]
) -> dict[str, Replication]:
    """Which blocks' failed children are accepted (SPEC §4.10.4, §4.12).

    `on_child_failure` is set on the `reduce_output` block and covers its lineage level: with
    `skip` or `none_fill` a failed child of the reduce, or of a replicated block on the way
    to it, is accepted, and so are the children it leaves `upstream_failed` up to the reduce.
    A failed child of a dynamic block is accepted when the reduces that close the dynamic
    block's own level accept it (its items' children are not affected). A branch that leaves
    the level without a reduce (a replicated sink) accepts nothing.
    """
    accepts: dict[str, bool] = {}
    for name in reversed(list(topology.blocks)):
        node, fact = topology.blocks[name], facts[name]
        if not fact.replicated:
            accepts[name] = False
        elif node.reduce_output:
            accepts[name] = node.on_child_failure != "fail"
        elif node.dynamic:
            closing = _closing_reduces(topology, facts, name)
            accepts[name] = bool(closing) and all(
                topology.blocks[r].on_child_failure != "fail" for r in closing
            )
        else:
            below = topology.downstream(name)
            accepts[name] = bool(below) and all(accepts[d] for d in below)
    return {
        name: Replication(
            f.levels, f.contributions, f.single_inputs, f.single_output, accepts[name]
        )
        for name, f in facts.items()
    }


def _closing_reduces(topology: Topology, facts: Mapping[str, Replication], block: str) -> set[str]:
    """The reduce_output blocks downstream of `block` that close its level."""
    level = facts[block].levels
    found: set[str] = set()
    seen: set[str] = set()
    todo = list(topology.downstream(block))
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if topology.blocks[name].reduce_output and facts[name].levels == level:
            found.add(name)
            continue
        todo.extend(topology.downstream(name))
    return found
