"""Loading every block of a pipeline before it runs, reporting all failures at once.

    loaded = load_all(topology)   # BlockLoadError for one broken block,
                                  # BlockLoadErrors naming each when several are broken

Before loading, the workspace root and the pipeline folder are made importable (appended to
`sys.path`, so they never shadow an installed module; `from utils.x import y` works), the
`mage_ai` shim is pointed at the workspace, and modules imported earlier from the workspace
are forgotten so that an edited helper module is read again.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sluicegate.blocks.decorators import Callback
from sluicegate.blocks.execute import execute_file
from sluicegate.blocks.loader import LoadedBlock, load_block
from sluicegate.blocks.mage_shim import state
from sluicegate.errors import BlockLoadError, BlockLoadErrors
from sluicegate.graph.topology import BlockNode, Topology
from sluicegate.kernel.addons import Fn, with_addons


def load_all(topology: Topology) -> dict[str, LoadedBlock]:
    """Import every block file (and its add-on files) of the pipeline."""
    prepare_imports(topology)
    prefix = module_prefix(topology)
    loaded: dict[str, LoadedBlock] = {}
    errors: list[BlockLoadError] = []
    for name, node in topology.blocks.items():
        try:
            block = load_block(node.path, name, module_prefix=prefix)
            conditions, callbacks = _addons(topology.root, node, prefix)
            loaded[name] = with_addons(block, node, conditions=conditions, callbacks=callbacks)
        except BlockLoadError as exc:
            errors.append(exc)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise BlockLoadErrors(errors, where=topology.where)
    return loaded


def prepare_imports(topology: Topology) -> None:
    root = topology.root.resolve()
    prepare_paths(root, import_folders(topology))


def import_folders(topology: Topology) -> list[str]:
    """The folders block code imports from: the workspace root, then each pipeline folder."""
    root = topology.root.resolve()
    return [str(root), *sorted({str(n.path.parent) for n in topology.blocks.values()})]


def module_prefix(topology: Topology) -> str:
    """The package name block modules are loaded under (the same in every worker)."""
    return f"sluicegate_blocks_{topology.pipeline}".replace("-", "_")


def prepare_paths(root: Path, folders: list[str]) -> None:
    for folder in folders:
        if folder not in sys.path:
            sys.path.append(folder)
    state.workspace = root
    _forget_workspace_modules(root)


def _forget_workspace_modules(root: Path) -> None:
    """Drop modules loaded from files inside `root` (helpers such as `utils/x.py`), but never
    Python's, installed packages' or Sluicegate's own, even when they lie inside it."""
    inside = str(root) + "/"
    keep = tuple(f"{p}/" for p in {sys.prefix, sys.base_prefix, str(Path(__file__).parents[1])})
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if (
            isinstance(file, str)
            and file.startswith(inside)
            and not file.startswith(keep)
            and "/site-packages/" not in file
        ):
            sys.modules.pop(name, None)


def _addons(root: Path, node: BlockNode, prefix: str) -> tuple[list[Fn], list[Callback]]:
    conditions: list[Fn] = []
    callbacks: list[Callback] = []
    for what, files in (("condition", node.conditions), ("callback", node.callbacks)):
        for file in files:
            path = root / file
            module = f"{prefix}.addons.{path.stem}".replace("-", "_")
            registry, _ = execute_file(path, node.name, module_name=module, what=what)
            found = registry.conditions if what == "condition" else registry.callbacks
            if not found:
                decorators = "@condition" if what == "condition" else "@callback or @on_success"
                raise BlockLoadError(
                    f"block '{node.name}': {what} file {file} has no {decorators} function; "
                    f"decorate one, or remove the file from `{what}s:`",
                    where=str(path),
                    block=node.name,
                    field=f"{what}s",
                )
            conditions.extend(registry.conditions)
            callbacks.extend(registry.callbacks)
    return conditions, callbacks
