"""What planning needs to know about a block function, read from its source without running it.

    shape = static_shape(source)   # BlockShape(is_generator, wants_stream), or None

The kernel learns the same two facts from the imported function (`LoadedBlock`); planning
reads them here first so that a plan error they cause (a per-item block with two multi-item
inputs) is reported before any block runs, and by `/validate`, which never runs user code.
`None` means "cannot tell without running it" (a syntax error, no decorated function, a
file too large to parse here): the kernel then checks once it has loaded the file, still
before the run starts.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from sluicegate.blocks.decorators import BLOCK_KINDS
from sluicegate.syntax import parse_module

STREAM_ANNOTATIONS = ("Iterator", "Iterable", "Generator", "AsyncIterator")
"""A parameter annotated with one of these (`Iterator[int]`, `typing.Iterable`, ...) asks for
an iterator per input (the stream input style)."""

MAX_PARSED_BYTES = 32 * 1024
"""Larger files are not parsed here: `ast.parse` needs up to 500 times the source's size
(20 MB for a 40 KB list literal), and planning runs in the server."""


@dataclass(frozen=True)
class BlockShape:
    is_generator: bool  # the block function yields (sync or async generator)
    wants_stream: bool  # a parameter is annotated Iterator[...] / Iterable[...]


def is_stream_annotation(text: str) -> bool:
    """`Iterator[int]`, `typing.Iterable`, `collections.abc.AsyncIterator[str]`: True."""
    return any(text.split("[")[0].strip().endswith(a) for a in STREAM_ANNOTATIONS)


def file_shape(path: Path) -> BlockShape | None:
    """`static_shape` of the file at `path`; None when it is missing, unreadable or large."""
    try:
        if path.stat().st_size > MAX_PARSED_BYTES:
            return None
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return static_shape(source)


def static_shape(source: str) -> BlockShape | None:
    """The shape of the one block function in `source`, or None when it cannot be told."""
    try:
        tree = parse_module(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    found = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _is_block_function(node)
    ]
    if len(found) != 1:
        return None  # the kernel reports "no block function" / "several block functions"
    fn = found[0]
    params = [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]
    params += [p for p in (fn.args.vararg, fn.args.kwarg) if p is not None]
    return BlockShape(
        is_generator=_yields(fn),
        wants_stream=any(
            p.annotation is not None and is_stream_annotation(_annotation_text(p.annotation))
            for p in params
        ),
    )


def _is_block_function(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
        if name in BLOCK_KINDS:
            return True
    return False


def _annotation_text(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value  # a quoted annotation
    return ast.unparse(node)


def _yields(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A `yield` in the function's own body (not in a nested function, lambda or class)."""
    todo: list[ast.AST] = list(fn.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Yield | ast.YieldFrom):
            return True
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        todo.extend(ast.iter_child_nodes(node))
    return False
