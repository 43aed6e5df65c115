"""Checking every block file of a pipeline without running it, all problems at once.

    errors = check_block_files(topology)   # one BlockLoadError per broken block file

Used by `/validate` (the server never runs user code): a file that does not compile, or
`mage_ai` imports Sluicegate cannot serve, is reported on its block. The kernel repeats the
check when it loads the files, and also reports what only running a file can show.
"""

from __future__ import annotations

from sluicegate.blocks.mage_imports import mage_import_problems
from sluicegate.errors import BlockLoadError
from sluicegate.graph.topology import Topology
from sluicegate.workspace.code_check import MAX_CODE_BYTES, code_error


def check_block_files(topology: Topology) -> list[BlockLoadError]:
    errors: list[BlockLoadError] = []
    for name, node in topology.blocks.items():
        files = [node.path, *(topology.root / f for f in (*node.conditions, *node.callbacks))]
        for path in files:
            try:
                if path.stat().st_size > MAX_CODE_BYTES:
                    continue  # too large to check here; the kernel reports it
                source = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue  # planning already reported a missing file
            where = (
                str(path.relative_to(topology.root))
                if path.is_relative_to(topology.root)
                else str(path)
            )
            problem = code_error(source, where, name)
            if problem is not None:
                error = BlockLoadError(
                    f"block '{name}': {problem['message']}", where=where, block=name
                )
                error.line = problem.get("line")
                errors.append(error)
                continue
            found = mage_import_problems(source, name)
            if found:
                error = BlockLoadError(
                    "; ".join(p.message for p in found), where=where, block=name, field="import"
                )
                error.line = found[0].line
                errors.append(error)
    return errors
