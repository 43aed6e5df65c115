"""Rewriting the references a pipeline spec holds to its blocks and ports.

These work on the spec as saved (`dump_spec`: a plain mapping, edges keyed `from`/`to`) and
change it in place; the editor validates the result before anything is written.

A block is referenced by edges (`from: A.out`, `to: B.port`), by `config:` rules
(`apply_to: A.port`, `{block: A}`, `{block_type: A}`) and by start constraints
(`A.succeeded`). An input port left unnamed (`to: B`) is named after its upstream block, so
renaming or deleting `A` also concerns `B`'s `ports: {A: ...}` and rules on `B.A`.
"""

from __future__ import annotations

import re
from typing import Any

Data = dict[str, Any]


def split_end(text: str, default_port: str) -> tuple[str, str]:
    """`block` or `block.port` -> (block, port)."""
    block, _, port = text.partition(".")
    return block, port or default_port


def edge_ends(edge: Data) -> tuple[str, str, str, str]:
    """(src, src_port, dst, dst_port) with the defaults of `graph.validate` filled in."""
    src, src_port = split_end(str(edge.get("from", "")), "out")
    dst, dst_port = split_end(str(edge.get("to", "")), src)
    return src, src_port, dst, dst_port


def edge_id(edge: Data) -> str:
    """`A.out->B.A`, the id the topology and the UI use for an edge."""
    src, src_port, dst, dst_port = edge_ends(edge)
    return f"{src}.{src_port}->{dst}.{dst_port}"


def end_text(block: str, port: str | None, default_port: str) -> str:
    """`block`, or `block.port` when the port is not the default one."""
    return block if port in (None, default_port) else f"{block}.{port}"


def rename_block(data: Data, old: str, new: str, *, file_renamed: bool) -> None:
    """Point every reference to block `old` at `new`."""
    for block in data.get("blocks", []):
        if block.get("name") == old:
            block["name"] = new
        constraint = block.get("start_constraint")
        if isinstance(constraint, str):
            block["start_constraint"] = re.sub(
                rf"(?<![\w.]){re.escape(old)}(?=\s*\.)", new, constraint
            )
    for edge in data.get("edges", []):
        src, _, dst, _ = edge_ends(edge)
        if src == old and "." not in edge["to"]:  # the port named after `old` is renamed too
            _rename_port(data, dst, old, new)
        if src == old:
            edge["from"] = new + edge["from"][len(old) :]
        if dst == old:
            edge["to"] = new + edge["to"][len(old) :]
    for rule in data.get("config", []):
        sel = rule.get("apply_to")
        if isinstance(sel, str) and split_end(sel, "")[0] == old:
            rule["apply_to"] = new + sel[len(old) :]
        elif isinstance(sel, dict):
            if sel.get("block") == old:
                sel["block"] = new
            if file_renamed and sel.get("block_type") == old:
                sel["block_type"] = new


def _rename_port(data: Data, block: str, old: str, new: str) -> None:
    for spec in data.get("blocks", []):
        ports = spec.get("ports", {})
        if spec.get("name") == block and old in ports:
            spec["ports"] = {new if k == old else k: v for k, v in ports.items()}
    for rule in data.get("config", []):
        if rule.get("apply_to") == f"{block}.{old}":
            rule["apply_to"] = f"{block}.{new}"


def drop_port(data: Data, block: str, port: str) -> None:
    """Forget the settings of input port `block.port`, whose edge is going away."""
    for spec in data.get("blocks", []):
        if spec.get("name") == block and port in spec.get("ports", {}):
            spec["ports"] = {k: v for k, v in spec["ports"].items() if k != port}
            if not spec["ports"]:
                del spec["ports"]
    data["config"] = [r for r in data.get("config", []) if r.get("apply_to") != f"{block}.{port}"]


def drop_block(data: Data, name: str) -> None:
    """Remove block `name`, its edges, and the settings and rules that concern only it.

    Start constraints naming it are left alone: validation refuses the change and names them.
    """
    data["blocks"] = [b for b in data.get("blocks", []) if b.get("name") != name]
    kept = []
    for edge in data.get("edges", []):
        src, _, dst, dst_port = edge_ends(edge)
        if name in (src, dst):
            drop_port(data, dst, dst_port)
        else:
            kept.append(edge)
    data["edges"] = kept
    data["config"] = [
        r for r in data.get("config", []) if not _names_block(r.get("apply_to"), name)
    ]


def _names_block(sel: Any, name: str) -> bool:
    if isinstance(sel, str):
        return split_end(sel, "")[0] == name
    return isinstance(sel, dict) and sel.get("block") == name
