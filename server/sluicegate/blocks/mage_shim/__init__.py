"""A small stand-in for the `mage_ai` package, so Mage block files run without Mage.

Design: a meta-path finder, appended to `sys.meta_path` by the kernel when it loads block
code (`install()`). Being last, it is asked only after the regular finders: a real
`mage_ai` installation always wins and is never shadowed. When Mage is not installed it
serves the modules whose functions make sense outside Mage (`SUPPORTED`) and refuses every
other `mage_ai.*` import with an ImportError naming the block, the import and what to use
instead (`unsupported_message`). `graph`-side checks use the same table through
`blocks.mage_imports` to report such imports before a run, without executing any code.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType

from sluicegate.blocks.mage_shim import state

_HERE = __name__
SUPPORTED: dict[str, str | None] = {
    "mage_ai": None,
    "mage_ai.data_preparation": None,
    "mage_ai.data_preparation.decorators": f"{_HERE}.decorators",
    "mage_ai.data_preparation.shared": None,
    "mage_ai.data_preparation.shared.secrets": f"{_HERE}.secrets",
    "mage_ai.settings": None,
    "mage_ai.settings.repo": f"{_HERE}.repo",
}
"""Module name -> the Sluicegate module that implements it (None: an empty package)."""

_INSTEAD: tuple[tuple[str, str], ...] = (
    ("mage_ai.io.file", "read the file with pandas or open() directly"),
    (
        "mage_ai.io",
        "connect with the service's own Python client (for example sqlalchemy, psycopg or "
        "boto3) and read credentials with get_secret_value",
    ),
    (
        "mage_ai.data_preparation.variable_manager",
        "take the upstream block's output as a positional argument (an edge in pipeline.yaml) "
        "and pipeline variables from **kwargs",
    ),
    ("mage_ai.data_preparation.repo_manager", "use get_repo_path from mage_ai.settings.repo"),
    ("mage_ai.orchestration", "write a @sensor block that checks the condition itself"),
)
_DEFAULT_INSTEAD = "use plain Python: Sluicegate runs Mage block code without Mage's internals"


def real_mage_installed() -> bool:
    """True when an actual `mage_ai` package is importable (found without importing it)."""
    loaded = sys.modules.get("mage_ai")
    if loaded is not None:
        return not getattr(loaded, "__sluicegate_shim__", False)
    return importlib.machinery.PathFinder.find_spec("mage_ai") is not None


def instead(module: str) -> str:
    """What to use instead of the unsupported module `module`."""
    for prefix, advice in _INSTEAD:
        if module == prefix or module.startswith(prefix + "."):
            return advice
    return _DEFAULT_INSTEAD


def unsupported_message(block: str | None, statement: str, module: str) -> str:
    who = f"block `{block}`" if block else "a block"
    return f"{who}: `{statement}` is not available in Sluicegate; instead, {instead(module)}"


def supported_names(module: str) -> tuple[str, ...] | None:
    """The names a supported module provides; None if `module` is not supported."""
    if module not in SUPPORTED:
        return None
    impl = SUPPORTED[module]
    if impl is None:
        return tuple(m.rsplit(".", 1)[1] for m in SUPPORTED if m.rsplit(".", 1)[0] == module)
    return tuple(importlib.import_module(impl).__all__)


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "mage_ai" and not fullname.startswith("mage_ai."):
            return None
        root = sys.modules.get("mage_ai")
        if root is not None and not getattr(root, "__sluicegate_shim__", False):
            return None  # a real mage_ai is loaded: its own finders answer
        if fullname not in SUPPORTED:
            statement = f"import {fullname}"
            raise ImportError(
                unsupported_message(state.block_name(), statement, fullname), name=fullname
            )
        is_package = SUPPORTED[fullname] is None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=is_package)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        module.__dict__["__sluicegate_shim__"] = True
        impl = SUPPORTED[module.__name__]
        if impl is None:
            module.__path__ = []
            return
        source = importlib.import_module(impl)
        for name in source.__all__:
            setattr(module, name, getattr(source, name))
        module.__all__ = list(source.__all__)  # type: ignore[attr-defined]


_FINDER = _Finder()


def install() -> None:
    """Make `import mage_ai...` work in this process (idempotent; last on `sys.meta_path`)."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.append(_FINDER)


__all__ = ["install", "real_mage_installed", "unsupported_message"]
