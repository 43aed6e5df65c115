"""Load a block file by path: inject the decorators, execute it, find its function."""

from __future__ import annotations

import importlib.util
import inspect
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sluicegate.blocks.decorators import BLOCK_KINDS, Registry
from sluicegate.errors import BlockLoadError

_STREAM_ANNOTATIONS = ("Iterator", "Iterable", "Generator", "AsyncIterator")


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


def load_block(path: Path, name: str, *, module_prefix: str = "sluicegate_blocks") -> LoadedBlock:
    """Execute the block file at `path` and return its decorated function.

    Raises BlockLoadError naming the file and saying how to fix it.
    """
    if not path.is_file():
        raise BlockLoadError(
            f"block '{name}': file not found; create it or fix `file:` in pipeline.yaml",
            where=str(path),
            block=name,
            field="file",
        )
    registry = Registry()
    module_name = f"{module_prefix}.{path.parent.name}.{name}".replace("-", "_")
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise BlockLoadError(f"block '{name}': cannot import", where=str(path), block=name)
    module = importlib.util.module_from_spec(spec)
    module.__dict__.update(registry.globals())
    sys.modules[module_name] = module  # so outputs of classes defined there can be pickled
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        error = BlockLoadError(
            f"block '{name}': syntax error at line {exc.lineno}: {exc.msg}; fix the code",
            where=str(path),
            block=name,
            field=f"line {exc.lineno}",
        )
        error.line = exc.lineno
        error.traceback = "".join(traceback.format_exception_only(exc))
        raise error from exc
    except Exception as exc:
        tb = traceback.format_exc(limit=-3)
        error = BlockLoadError(
            f"block '{name}': importing the file raised {type(exc).__name__}: {exc}\n{tb}",
            where=str(path),
            block=name,
        )
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(path)]
        error.line = frames[-1].lineno if frames else None
        error.traceback = tb
        raise error from exc
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
    )


def _is_stream_annotation(annotation: Any) -> bool:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    text = str(text) if text else str(annotation)
    return any(text.split("[")[0].endswith(a) for a in _STREAM_ANNOTATIONS)
