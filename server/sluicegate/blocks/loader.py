"""Load a block file by path: inject the decorators, execute it, find its function."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sluicegate.blocks.decorators import BLOCK_KINDS, Callback
from sluicegate.blocks.execute import execute_file
from sluicegate.blocks.shape import is_stream_annotation
from sluicegate.errors import BlockLoadError


@dataclass(frozen=True)
class LoadedBlock:
    """A block's function and what the kernel needs to know to call it."""

    name: str
    path: Path
    kind: str
    fn: Callable[..., Any]
    tests: tuple[Callable[..., Any], ...]
    is_generator: bool
    accepts_kwargs: bool
    wants_stream: bool  # a parameter is annotated Iterator[...] / Iterable[...]
    item_rows: Callable[[Any], int] | None  # optional `item_rows(item)` in the module
    positional: tuple[str, ...] = ()  # parameter names that take upstream outputs
    conditions: tuple[Callable[..., Any], ...] = ()  # @condition functions (this file, add-ons)
    callbacks: tuple[Callback, ...] = ()  # @callback, @on_success, @on_failure functions


def load_block(path: Path, name: str, *, module_prefix: str = "sluicegate_blocks") -> LoadedBlock:
    """Execute the block file at `path` and return its decorated function.

    Raises BlockLoadError naming the file and saying how to fix it.
    """
    module_name = f"{module_prefix}.{path.parent.name}.{name}".replace("-", "_")
    registry, module = execute_file(path, name, module_name=module_name)
    if not registry.blocks:
        kinds = ", ".join(f"@{k}" for k in BLOCK_KINDS)
        raise BlockLoadError(
            f"block '{name}': no block function; decorate the function to run with one of {kinds}",
            where=str(path),
            block=name,
        )
    if len(registry.blocks) > 1:
        names = ", ".join(fn.__name__ for _, fn in registry.blocks)
        raise BlockLoadError(
            f"block '{name}': several block functions ({names}); keep one per file",
            where=str(path),
            block=name,
        )
    kind, fn = registry.blocks[0]
    params = list(inspect.signature(fn).parameters.values())
    item_rows = module.__dict__.get("item_rows")
    return LoadedBlock(
        name=name,
        path=path,
        kind=kind,
        fn=fn,
        tests=tuple(registry.tests),
        is_generator=inspect.isgeneratorfunction(fn) or inspect.isasyncgenfunction(fn),
        accepts_kwargs=any(p.kind is p.VAR_KEYWORD for p in params),
        wants_stream=any(_is_stream_annotation(p.annotation) for p in params),
        item_rows=item_rows if callable(item_rows) else None,
        positional=tuple(p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD),
        conditions=tuple(registry.conditions),
        callbacks=tuple(registry.callbacks),
    )


def _is_stream_annotation(annotation: Any) -> bool:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return is_stream_annotation(str(text) if text else str(annotation))
