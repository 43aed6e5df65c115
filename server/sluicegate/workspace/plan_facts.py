"""What the editor draws about a pipeline's plan, decided once, here, and sent to the browser.

    facts = plan_facts(workspace, "etl", spec, codes)
    # {"order": ["load", "clean", ...],            # topological, ties in declaration order
    #  "blocks": {"clean": {"kind": "transformer",  # the block function's decorator
    #                       "role": "transform",    # source | transform | sink
    #                       "input_style": "per_item" | "collect" | "stream",
    #                       "stream_annotation": False,  # a parameter typed Iterator[...]
    #                       "dynamic": False, "replicated": True, "levels": ["load"],
    #                       "position": 1}}}
    #  "edges": [{"id", "src", "src_port", "dst", "dst_port"}]}

The server never runs user code: the kind and the stream annotation are read from the
source (`blocks.shape`), replication comes from the planner (`graph.replication`), the same
facts the kernel plans with. A pipeline whose plan has an error still gets its facts, with
`levels` empty where they cannot be known.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from sluicegate.blocks.decorators import BLOCK_KINDS
from sluicegate.blocks.shape import BlockShape, static_shape
from sluicegate.errors import PlanError, SluicegateError
from sluicegate.graph.build import load_pipeline
from sluicegate.graph.replication import replicate
from sluicegate.syntax import parse_module
from sluicegate.workspace.references import edge_ends, edge_id

InputStyle = Literal["per_item", "collect", "stream"]
Role = Literal["source", "transform", "sink"]
DEFAULT_KIND = "custom"


def plan_facts(
    workspace: Path, name: str, spec: Mapping[str, Any], codes: Mapping[str, str | None]
) -> dict[str, Any]:
    """The plan facts of pipeline `name` (see the module docstring). `spec` is the spec as
    read (a mapping with `blocks` and `edges`), `codes` each block's source (None: none)."""
    names = [b["name"] for b in spec.get("blocks", []) if isinstance(b, dict) and "name" in b]
    edges = [_edge(e) for e in spec.get("edges", []) if isinstance(e, dict)]
    shapes = {n: _shape(codes.get(n)) for n in names}
    levels = _levels(workspace, name, shapes)
    order = topological_order(names, edges)
    settings = {b["name"]: b for b in spec.get("blocks", []) if isinstance(b, dict)}
    blocks: dict[str, Any] = {}
    for position, block in enumerate(order):
        own = settings.get(block, {})
        shape = shapes.get(block)
        annotated = bool(shape and shape.wants_stream)
        style: InputStyle = (
            "stream"
            if own.get("stream") or annotated
            else "collect"
            if own.get("collect")
            else "per_item"
        )
        block_levels = levels.get(block, ())
        blocks[block] = {
            "kind": block_kind(codes.get(block)),
            "role": _role(block, edges),
            "input_style": style,
            "stream_annotation": annotated,
            "dynamic": bool(own.get("dynamic")),
            "replicated": bool(block_levels),
            "levels": list(block_levels),
            "position": position,
        }
    return {"order": order, "blocks": blocks, "edges": edges}


def block_kind(source: str | None) -> str:
    """The decorator of the block function in `source` (`data_loader`, `transformer`,
    `data_exporter`, `sensor`, `custom`, ...); `custom` when there is none or no source."""
    if not source:
        return DEFAULT_KIND
    try:
        tree = parse_module(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return DEFAULT_KIND
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            word = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
            if word in BLOCK_KINDS:
                return str(word)
    return DEFAULT_KIND


def topological_order(names: list[str], edges: list[dict[str, Any]]) -> list[str]:
    """Blocks in topological order (Kahn), ties in declaration order; blocks on a cycle, or
    named only by an edge, come last."""
    known = [*names, *(e[end] for e in edges for end in ("src", "dst") if e[end] not in names)]
    known = list(dict.fromkeys(known))
    indegree = dict.fromkeys(known, 0)
    for edge in edges:
        indegree[edge["dst"]] += 1
    ready = [n for n in known if indegree[n] == 0]
    order: list[str] = []
    while ready:
        block = ready.pop(0)
        order.append(block)
        for edge in edges:
            if edge["src"] == block:
                indegree[edge["dst"]] -= 1
                if indegree[edge["dst"]] == 0:
                    ready.append(edge["dst"])
    return order + [n for n in known if n not in order]


def _shape(source: str | None) -> BlockShape | None:
    return static_shape(source) if source else None


def _levels(
    workspace: Path, name: str, shapes: Mapping[str, BlockShape | None]
) -> dict[str, tuple[str, ...]]:
    """Each block's replication levels from the planner; empty when the plan has an error."""
    try:
        topology = load_pipeline(workspace, name)
        return {block: facts.levels for block, facts in replicate(topology, shapes).items()}
    except (PlanError, SluicegateError, OSError):
        return {}


def _role(block: str, edges: list[dict[str, Any]]) -> Role:
    if not any(e["dst"] == block for e in edges):
        return "source"
    if not any(e["src"] == block for e in edges):
        return "sink"
    return "transform"


def _edge(edge: Mapping[str, Any]) -> dict[str, Any]:
    src, src_port, dst, dst_port = edge_ends(dict(edge))
    return {
        "id": edge_id(dict(edge)),
        "src": src,
        "src_port": src_port,
        "dst": dst,
        "dst_port": dst_port,
    }
