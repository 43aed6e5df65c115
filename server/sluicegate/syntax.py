"""Parsing Python source in the server, one thread at a time.

CPython 3.11's parser keeps its recursion depth in interpreter-wide state, so two threads
parsing at once (FastAPI runs plain route functions on a thread pool) can fail with
`SystemError: AST constructor recursion depth mismatch` (python/cpython#106905). Every
`ast.parse` and `compile` of user text in the server goes through here. `LOCK` is reentrant,
so a process whose other parsers must join it (the test suite: pytest parses modules that
server threads import lazily) can wrap `ast.parse` with it too.
"""

from __future__ import annotations

import ast
import threading
from types import CodeType
from typing import Literal

LOCK = threading.RLock()


def parse(source: str, *, mode: Literal["exec", "eval"] = "exec") -> ast.Module | ast.Expression:
    """`ast.parse(source, mode=mode)`, serialised with every other parse in this process."""
    with LOCK:
        tree = ast.parse(source, mode=mode)
    assert isinstance(tree, ast.Module | ast.Expression)
    return tree


def parse_module(source: str) -> ast.Module:
    tree = parse(source)
    assert isinstance(tree, ast.Module)
    return tree


def compile_check(source: str, filename: str = "<block>") -> CodeType:
    """`compile(source, filename, "exec")`, serialised like `parse`."""
    with LOCK:
        return compile(source, filename, "exec", dont_inherit=True)
