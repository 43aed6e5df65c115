"""No import circles in the kernel (issue 9): every import between kernel modules counts,
the ones under `if TYPE_CHECKING:` too, so the seams stay one-way for readers and tools."""

from __future__ import annotations

import ast
from pathlib import Path

KERNEL = Path(__file__).resolve().parents[2] / "server" / "sluicegate" / "kernel"
PACKAGE = "sluicegate.kernel"


def kernel_imports(source: str) -> set[str]:
    """The kernel modules `source` imports, at run time or for type checking only."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: from .edge import Edge, from . import edge
                module = ".".join(filter(None, [PACKAGE, module]))
            names = [module, *(f"{module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            if name.startswith(f"{PACKAGE}."):
                found.add(name.removeprefix(f"{PACKAGE}.").split(".")[0])
    return found


def import_graph() -> dict[str, set[str]]:
    modules = {p.stem for p in KERNEL.glob("*.py") if p.stem != "__init__"}
    modules |= {p.name for p in KERNEL.iterdir() if (p / "__init__.py").exists()}
    graph: dict[str, set[str]] = {}
    for module in modules:
        path = KERNEL / f"{module}.py"
        files = [path] if path.exists() else sorted((KERNEL / module).rglob("*.py"))
        imported = set().union(*(kernel_imports(f.read_text()) for f in files))
        graph[module] = imported & modules - {module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each as one cycle
    through it, so that a failure names the modules to untangle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_one_cycle(graph, set(group)) for group in groups]


def _one_cycle(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    start = min(group)
    paths = {start: [start]}
    todo = [start]
    while todo:
        node = todo.pop(0)
        for nxt in sorted(graph[node] & group):
            if nxt == start:
                return [*paths[node], start]
            if nxt not in paths:
                paths[nxt] = [*paths[node], nxt]
                todo.append(nxt)
    return sorted(group)


def test_imports_for_type_checking_and_relative_imports_count() -> None:
    source = """
from typing import TYPE_CHECKING
from sluicegate.kernel import capture
from .edge import Edge
from . import slots
import sluicegate.kernel.sizing
if TYPE_CHECKING:
    from sluicegate.kernel.run import Run
def f():
    from sluicegate.kernel.view import RunView
"""
    assert kernel_imports(source) == {"capture", "edge", "slots", "sizing", "run", "view"}


def test_the_cycle_finder_names_a_circle() -> None:
    graph = {"run": {"view", "edge"}, "view": {"run"}, "edge": set(), "a": {"b"}, "b": set()}
    assert cycles(graph) == [["run", "view", "run"]]


def test_the_kernel_has_no_import_circle() -> None:
    graph = import_graph()
    assert "run" in graph and "edge" in graph["outlet"], "the import scan found the kernel"
    found = [" -> ".join(cycle) for cycle in cycles(graph)]
    assert not found, (
        "kernel import circles (TYPE_CHECKING imports count): "
        + "; ".join(found)
        + ". Let one side depend on a small Protocol (kernel/ports.py) instead of the module"
    )
