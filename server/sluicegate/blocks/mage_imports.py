"""Finding `mage_ai` imports in block code without running it.

    problems = mage_import_problems(source, block="load")   # [] when every import works

Each problem names the block, quotes the import as written and says what to use instead.
Used before a run (plan check, `/validate`) and by the kernel's loader, so every block's
unsupported imports are reported at once instead of one failed import at a time. Nothing is
reported when a real `mage_ai` package is installed: its modules are then the ones imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sluicegate.blocks.mage_shim import real_mage_installed, supported_names, unsupported_message

_FROM = re.compile(r"from\s+(mage_ai(?:\.\w+)*)\s+import\s+(.+)", re.S)
_IMPORT = re.compile(r"import\s+(.+)", re.S)
_START = re.compile(r"^[ \t]*(?:from[ \t]+mage_ai\b|import[ \t]+[^#\n]*\bmage_ai\b)", re.M)


@dataclass(frozen=True)
class ImportProblem:
    line: int
    statement: str
    message: str


def mage_import_problems(source: str, block: str) -> list[ImportProblem]:
    """The `mage_ai` imports of `source` that Sluicegate cannot serve, in file order."""
    if "mage_ai" not in source or real_mage_installed():
        return []
    problems: list[ImportProblem] = []
    for match in _START.finditer(source):
        line = source.count("\n", 0, match.start()) + 1
        statement = _statement(source, match.start())
        problems.extend(_check(statement, line, block))
    return problems


def _statement(source: str, start: int) -> str:
    """The import statement starting at `start`, across `(...)` and backslash continuations,
    without comments, its whitespace collapsed."""
    parts: list[str] = []
    depth = 0
    for raw in source[start:].splitlines():
        text = raw.split("#", 1)[0]
        depth += text.count("(") - text.count(")")
        parts.append(text.rstrip().removesuffix("\\"))
        if depth <= 0 and not text.rstrip().endswith("\\"):
            break
    return " ".join(" ".join(parts).replace("(", " ").replace(")", " ").split())


def _check(statement: str, line: int, block: str) -> list[ImportProblem]:
    found = _FROM.fullmatch(statement)
    if found:
        module = found.group(1)
        names = [n.split(" as ")[0].strip() for n in found.group(2).split(",") if n.strip()]
        return _check_from(statement, line, block, module, names)
    plain = _IMPORT.fullmatch(statement)
    if not plain:
        return []
    problems = []
    for name in plain.group(1).split(","):
        module = name.split(" as ")[0].strip()
        if module.split(".")[0] == "mage_ai" and supported_names(module) is None:
            message = unsupported_message(block, f"import {module}", module)
            problems.append(ImportProblem(line, statement, message))
    return problems


def _check_from(
    statement: str, line: int, block: str, module: str, names: list[str]
) -> list[ImportProblem]:
    provided = supported_names(module)
    if provided is None:
        return [ImportProblem(line, statement, unsupported_message(block, statement, module))]
    missing = [n for n in names if n != "*" and n not in provided]
    if not missing:
        return []
    message = (
        f"block `{block}`: `{statement}`: Sluicegate's `{module}` has no "
        f"{', '.join(f'`{n}`' for n in missing)}; it provides "
        f"{', '.join(f'`{n}`' for n in provided)}"
    )
    return [ImportProblem(line, statement, message)]
