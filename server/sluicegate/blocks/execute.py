"""Executing a block or add-on file with the decorators injected (SPEC decision 4)."""

from __future__ import annotations

import importlib.util
import sys
import traceback
from pathlib import Path
from types import ModuleType

from sluicegate.blocks import mage_shim
from sluicegate.blocks.decorators import Registry
from sluicegate.blocks.mage_imports import mage_import_problems
from sluicegate.blocks.mage_shim import state
from sluicegate.errors import BlockLoadError


def execute_file(
    path: Path, name: str, *, module_name: str, what: str = "block"
) -> tuple[Registry, ModuleType]:
    """Execute the file at `path` for block `name`; what it registered, and its module.

    Raises BlockLoadError naming the block and the file, and saying how to fix it: for a
    missing file, unsupported `mage_ai` imports (all of them at once), a syntax error or an
    exception raised while the file runs.
    """
    if not path.is_file():
        setting = "`file:`" if what == "block" else f"`{what}s:`"
        raise BlockLoadError(
            f"block '{name}': {what} file not found; create it or fix {setting} in pipeline.yaml",
            where=str(path),
            block=name,
            field="file" if what == "block" else f"{what}s",
        )
    check_imports(path, name)
    registry = Registry()
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise BlockLoadError(f"block '{name}': cannot import", where=str(path), block=name)
    module = importlib.util.module_from_spec(spec)
    module.__dict__.update(registry.globals())
    sys.modules[module_name] = module  # so outputs of classes defined there can be pickled
    mage_shim.install()
    state.loading.block, state.loading.registry = name, registry
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
    finally:
        state.loading.block = state.loading.registry = None
    return registry, module


def check_imports(path: Path, name: str) -> None:
    """Every `mage_ai` import of the file that Sluicegate cannot serve, in one BlockLoadError."""
    try:
        source = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return  # executing the file reports the problem
    problems = mage_import_problems(source, name)
    if problems:
        error = BlockLoadError(
            "; ".join(p.message for p in problems), where=str(path), block=name, field="import"
        )
        error.line = problems[0].line
        raise error
