"""Checks on a parsed `PipelineSpec` that a schema cannot express: names, files, edges, cycles.

`check_spec` raises the first problem as a `PlanError` naming the file, block and field and
saying how to fix it; on success it returns the `Graph` that settings resolution and the
topology builder work from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sluicegate.errors import PlanError
from sluicegate.graph.confine import PathRefused
from sluicegate.graph.constraint import Constraint, parse_constraint
from sluicegate.graph.dag import CycleError, ancestors, topo_order
from sluicegate.graph.hints import located, unknown
from sluicegate.graph.sources import DiskFiles, Files
from sluicegate.graph.spec import BLOCK_NAME, BlockSpec, ConfigRule, EdgeSpec, PipelineSpec
from sluicegate.graph.topology import LintWarning

_SELECTOR = re.compile(r"(\*|[A-Za-z_][A-Za-z0-9_]*)\.(\*|[A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Wire:
    """An edge of the spec with both ends parsed; `index` is its position in the file."""

    src: str
    src_port: str
    dst: str
    dst_port: str
    index: int
    spec: EdgeSpec

    @property
    def id(self) -> str:
        return f"{self.src}.{self.src_port}->{self.dst}.{self.dst_port}"


@dataclass(frozen=True)
class Graph:
    """A checked pipeline: `blocks` in topological order, `wires` in file order."""

    spec: PipelineSpec
    blocks: dict[str, BlockSpec]
    wires: list[Wire]
    ancestors: dict[str, frozenset[str]]
    constraints: dict[str, Constraint]
    warnings: list[LintWarning]

    def inputs(self, block: str) -> list[Wire]:
        return input_wires(self.wires, block)


def input_wires(wires: list[Wire], block: str) -> list[Wire]:
    """The edges into `block`, in file order."""
    return [w for w in wires if w.dst == block]


def selects(rule: ConfigRule, wire: Wire, block: BlockSpec) -> bool:
    """Whether a `config:` rule applies to the input port `wire` enters on `block`."""
    sel = rule.apply_to
    if isinstance(sel, str):
        name, port = sel.split(".")
        return name in ("*", wire.dst) and port in ("*", wire.dst_port)
    return (
        sel.block in (None, block.name)
        and sel.blocking_class in (None, block.blocking_class)
        and sel.block_type in (None, block.block_type)
    )


def check_spec(
    spec: PipelineSpec,
    *,
    name: str,
    folder: Path,
    where: str,
    root: Path | None = None,
    files: Files | None = None,
) -> Graph:
    """Check `spec`, read from `folder` (shown as `where`), and return its `Graph`. Block
    files must resolve inside `root`, the workspace (by default the folder's grandparent);
    they are looked up in `files` (by default on disk, see `graph.sources`)."""
    root = folder.parent.parent if root is None else root
    return _Checker(spec, folder, where, DiskFiles(root) if files is None else files).run(name)


class _Checker:
    def __init__(self, spec: PipelineSpec, folder: Path, where: str, files: Files) -> None:
        self.spec, self.folder, self.where, self.files = spec, folder, where, files
        self.blocks: dict[str, BlockSpec] = {}
        self.wires: list[Wire] = []
        self.warnings: list[LintWarning] = []

    def fail(self, text: str, *, block: str = "", field: str = "", label: str = "") -> PlanError:
        label = label or (f"block {block!r}" if block else "")
        shown = field.split("].", 1)[-1]  # `edges[0].to` is shown as `to` after "edge 1 (...)"
        message = located(label, shown, text)
        return PlanError(message, where=self.where, block=block, field=field)

    def run(self, name: str) -> Graph:
        if self.spec.name is not None and self.spec.name != name:
            raise self.fail(
                f"name {self.spec.name!r} differs from the folder name {name!r}; "
                "remove `name:` or rename the folder",
                field="name",
            )
        self.check_blocks()
        self.check_edges()
        self.check_ports()
        self.check_rules()
        pairs = [(w.src, w.dst) for w in self.wires]
        try:
            order = topo_order(list(self.blocks), pairs)
        except CycleError as exc:
            raise self.fail(
                f"edges form a cycle {exc}; a pipeline must be acyclic (feedback edges are not "
                "supported); remove one of these edges",
                block=exc.cycle[0],
                field="edges",
            ) from None
        anc = ancestors(order, pairs)
        constraints = self.check_constraints()
        for block in self.blocks.values():
            if block.reduce_output and not any(self.blocks[a].dynamic for a in anc[block.name]):
                raise self.fail(
                    "reduce_output closes a dynamic level, but no upstream block is dynamic; "
                    "set `dynamic: true` on an upstream block or remove reduce_output",
                    block=block.name,
                    field="reduce_output",
                )
        ordered = {n: self.blocks[n] for n in order}
        return Graph(self.spec, ordered, self.wires, anc, constraints, self.warnings)

    def check_blocks(self) -> None:
        for block in self.spec.blocks:
            if block.name in self.blocks:
                raise self.fail(
                    "two blocks have this name; rename one", block=block.name, field="name"
                )
            try:
                found = self.files.find(self.folder / block.file_name)
            except PathRefused as exc:
                raise self.fail(
                    f"file {block.file_name!r} {exc}", block=block.name, field="file"
                ) from None
            if found is None:
                raise self.fail(
                    f"file {block.file_name!r} not found in {self.folder.name}/; create it, "
                    "or set `file:` to the block's code file",
                    block=block.name,
                    field="file",
                )
            self.blocks[block.name] = block

    def check_edges(self) -> None:
        for i, edge in enumerate(self.spec.edges):
            label = f"edge {i + 1} ({edge.src} -> {edge.dst})"
            src, src_port = self.endpoint(edge.src, "out", label, f"edges[{i}].from")
            dst, dst_port = self.endpoint(edge.dst, src, label, f"edges[{i}].to")
            for other in self.wires:
                if (other.dst, other.dst_port) == (dst, dst_port):
                    raise self.fail(
                        f"two inputs are named {dst_port!r} (edges {other.index + 1} and "
                        f"{i + 1}); name the port of one with `to: {dst}.<port>`",
                        block=dst,
                        field=f"edges[{i}].to",
                    )
            self.wires.append(Wire(src, src_port, dst, dst_port, i, edge))

    def endpoint(self, text: str, default_port: str, label: str, field: str) -> tuple[str, str]:
        """`block` or `block.port` -> (block, port)."""
        name, _, port = text.partition(".")
        if port and not BLOCK_NAME.fullmatch(port):
            raise self.fail(
                f"{text!r} must be `block` or `block.port`, with a port name made of letters, "
                "digits and underscores",
                label=label,
                field=field,
            )
        if name not in self.blocks:
            raise self.fail(unknown("block", name, self.blocks, "blocks"), label=label, field=field)
        return name, port or default_port

    def check_ports(self) -> None:
        for block in self.blocks.values():
            ports = [w.dst_port for w in input_wires(self.wires, block.name)]
            for port in block.ports:
                if port not in ports:
                    raise self.fail(
                        unknown("input port", port, ports, "input ports"),
                        block=block.name,
                        field=f"ports.{port}",
                    )

    def check_rules(self) -> None:
        for i, rule in enumerate(self.spec.config):
            label, field = f"config rule {i + 1}", f"config[{i}].apply_to"
            sel = rule.apply_to
            if isinstance(sel, str):
                found = _SELECTOR.fullmatch(sel)
                if not found:
                    raise self.fail(
                        f"{sel!r} must be `block.port`, `*.port` or `block.*`, or a mapping "
                        "such as `{block: NAME}` or `{blocking_class: fully_blocking}`",
                        label=label,
                        field=field,
                    )
                name, port = found.groups()
            else:
                name, port = sel.block or "*", "*"
            if name != "*" and name not in self.blocks:
                raise self.fail(
                    unknown("block", name, self.blocks, "blocks"), label=label, field=field
                )
            if name != "*" and port != "*":
                ports = [w.dst_port for w in input_wires(self.wires, name)]
                if port not in ports:
                    text = unknown("input port", port, ports, f"input ports of {name!r}")
                    raise self.fail(text, label=label, field=field)
            if not any(selects(rule, w, self.blocks[w.dst]) for w in self.wires):
                message = (
                    f"{label} (apply_to {rule.target()}) matches no input port; fix or remove it"
                )
                self.warnings.append(LintWarning("config", message, name if name != "*" else ""))

    def check_constraints(self) -> dict[str, Constraint]:
        constraints: dict[str, Constraint] = {}
        for block in self.blocks.values():
            if block.start_constraint is None:
                continue
            field = "start_constraint"
            try:
                constraint = parse_constraint(block.start_constraint)
            except ValueError as exc:
                raise self.fail(str(exc), block=block.name, field=field) from None
            for target in sorted(constraint.blocks):
                if target == block.name:
                    text = "a block cannot wait for its own phase; name other blocks"
                    raise self.fail(text, block=block.name, field=field)
                if target not in self.blocks:
                    text = unknown("block", target, self.blocks, "blocks")
                    raise self.fail(text, block=block.name, field=field)
            constraints[block.name] = constraint
        return constraints
