"""Checking block code without running it, in bounded memory.

    data = code_bytes(code, where, block)      # TooLarge over MAX_CODE_BYTES, PlanError if
                                               # the text cannot be saved as UTF-8
    error = code_error(code, where, block)     # None, or {message, where, block, field, line}

`compile()` needs 70 to 350 times the size of the source in memory (measured on Python 3.11:
a 2 MiB list literal takes 750 MB), and deeply nested expressions raise RecursionError or
MemoryError. So the server compiles only small code (up to `IN_PROCESS_BYTES`) itself; larger
code is compiled by a short-lived child interpreter (`python -I -S`) under an address-space
limit and a timeout, and the server keeps only its verdict, cached by the code's hash. The
server's own memory then grows by a few copies of the text, never by the parser's tree.
Compiling never runs the code.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from sluicegate.errors import PlanError, TooLarge
from sluicegate.graph.confine import PathRefused, read_inside
from sluicegate.syntax import compile_check

MAX_CODE_BYTES = 2 * 1024 * 1024
IN_PROCESS_BYTES = 4 * 1024
CHILD_MEMORY_BYTES = 768 * 1024 * 1024
CHILD_TIMEOUT_S = 60.0
_SAVED = "it is saved, but cannot run"
_TOO_COMPLEX = (
    "the code is too large or too deeply nested to compile (it needs more than "
    f"{CHILD_MEMORY_BYTES // 2**20} MiB, {CHILD_TIMEOUT_S:.0f} s or Python's nesting limit); "
    "split it into smaller functions or files, or read large data from a file"
)
_CHILD = f"""
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({CHILD_MEMORY_BYTES}, {CHILD_MEMORY_BYTES}))
source = sys.stdin.buffer.read().decode("utf-8", "surrogatepass")
try:
    compile(source, "<block>", "exec", dont_inherit=True)
    verdict = {{"kind": "ok"}}
except SyntaxError as exc:
    verdict = {{"kind": "syntax", "line": exc.lineno, "msg": exc.msg}}
except ValueError as exc:
    verdict = {{"kind": "value", "msg": str(exc)}}
except (RecursionError, MemoryError):
    verdict = {{"kind": "complex"}}
sys.stdout.write(json.dumps(verdict))
"""

Verdict = dict[str, Any]
_CACHE: OrderedDict[str, Verdict] = OrderedDict()
_CACHE_SIZE = 256
_CACHE_LOCK = threading.Lock()
_ONE_CHILD = threading.Semaphore(1)  # a child compile uses a core; the machine may have two


def code_bytes(code: str, where: str, block: str) -> bytes:
    """`code` as saved (UTF-8); TooLarge past MAX_CODE_BYTES, PlanError if not encodable."""
    try:
        data = code.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise PlanError(
            f"the code holds a character that cannot be saved as UTF-8 (at character "
            f"{exc.start}: {code[exc.start]!r}); remove it",
            where=where,
            block=block,
            field="code",
        ) from None
    if len(data) > MAX_CODE_BYTES:
        raise TooLarge(
            f"{where}: the code of block {block!r} is {len(data):,} bytes, more than the "
            f"{MAX_CODE_BYTES:,} a block file may have; split it into smaller blocks, or read "
            "large data from a file. Nothing was saved."
        )
    return data


def code_error(code: str, where: str, block: str) -> dict[str, Any] | None:
    """The error of block code that does not compile, or None."""
    verdict = _compile_here(code) if len(code) <= IN_PROCESS_BYTES else _compile_in_child(code)
    kind = verdict["kind"]
    if kind == "ok":
        return None
    if kind == "syntax":
        line = verdict.get("line")
        at = f" at line {line}" if line else ""
        return error(
            f"syntax error{at}: {verdict['msg']}; fix the code ({_SAVED})", where, block, line
        )
    if kind == "value":  # e.g. a null byte
        message = f"the code cannot be compiled: {verdict['msg']}; fix the code ({_SAVED})"
        return error(message, where, block, None)
    return error(f"{_TOO_COMPLEX} ({_SAVED})", where, block, None)


def error(
    message: str, where: str, block: str, line: int | None, field: str = "code"
) -> dict[str, Any]:
    """A block's error as the editor gets it."""
    return {"message": message, "where": where, "block": block, "field": field, "line": line}


def _compile_here(code: str) -> Verdict:
    try:
        compile_check(code)
    except SyntaxError as exc:
        return {"kind": "syntax", "line": exc.lineno, "msg": exc.msg}
    except ValueError as exc:
        return {"kind": "value", "msg": str(exc)}
    except (RecursionError, MemoryError):
        return {"kind": "complex"}
    return {"kind": "ok"}


def _compile_in_child(code: str) -> Verdict:
    data = code.encode("utf-8", "surrogatepass")
    key = hashlib.sha256(data).hexdigest()
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    with _ONE_CHILD:
        verdict = _run_child(data)
    with _CACHE_LOCK:
        _CACHE[key] = verdict
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return verdict


def _run_child(data: bytes) -> Verdict:
    command = [sys.executable, "-I", "-S", "-c", _CHILD]
    try:
        done = subprocess.run(
            command, input=data, capture_output=True, timeout=CHILD_TIMEOUT_S, check=False
        )
        verdict: Verdict = json.loads(done.stdout)
    except (subprocess.TimeoutExpired, ValueError, OSError):  # killed, out of memory, no python
        return {"kind": "complex"}
    return verdict


def read_code(
    root: Path, path: Path, file: str, where: str, block: str
) -> tuple[bytes | None, dict[str, Any] | None]:
    """The bytes of a block file, and the error to show with them: (None, error) when the file
    points outside the workspace or is too large, (bytes, error) when it is not UTF-8."""
    try:
        data = read_inside(root, path, MAX_CODE_BYTES)
    except PathRefused as exc:
        return None, error(f"file {file!r} {exc}", where, block, None, "file")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = (
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at line {line}); save it "
            "with the UTF-8 encoding (shown here with � for the bytes that are not)"
        )
        return data, error(message, where, block, line)
    return data, None
