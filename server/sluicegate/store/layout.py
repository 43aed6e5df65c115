"""Where a run's outputs live on disk, and the few file helpers every store module shares.

```
<root>/<run_id>/run.json                    run summary, replaced atomically
<root>/<run_id>/log.jsonl                   the run's log: one JSON line per kept line
<root>/<run_id>/blocks/<block>/data.bin     append-only pickled chunks (lists of items)
<root>/<run_id>/blocks/<block>/items/       Arrow and .npy files (`rowstreams.py`, `formats.py`)
<root>/<run_id>/blocks/<block>/views.jsonl  one JSON line per chunk: a safe view of each item
<root>/<run_id>/blocks/<block>/index.jsonl  one line per committed chunk, written after its data
<root>/<run_id>/blocks/<block>/runs.jsonl   one line per finished block run
```
docs/store.md documents the layout for users.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from sluicegate.atomic import atomic_write_text

RUN_JSON = "run.json"
BLOCKS = "blocks"
DATA = "data.bin"
ITEMS = "items"
VIEWS = "views.jsonl"
INDEX = "index.jsonl"
RUNS = "runs.jsonl"
LOG = "log.jsonl"
MAX_NAME_BYTES = 200  # file systems allow 255; leave room for `.tmp` and the like


def run_id_problem(run_id: str) -> str | None:
    """Why `run_id` cannot name a run folder, or None when it can."""
    if not run_id or run_id in (".", ".."):
        return "it is empty, `.` or `..`"
    if any(c in run_id for c in "/\\") or any(ord(c) < 32 for c in run_id):
        return "it contains `/`, `\\` or a control character"
    if len(run_id.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        return f"it is longer than {MAX_NAME_BYTES} bytes"
    return None


def block_dirname(block: str) -> str:
    """A file-system-safe folder name for a block; plain names stay as they are."""
    name = quote(block, safe="")
    return "%2E" + name[1:] if name.startswith(".") else name


def block_from_dirname(dirname: str) -> str:
    return unquote(dirname)


def block_dir(run_dir: Path, block: str) -> Path:
    return run_dir / BLOCKS / block_dirname(block)


_LINE_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=str)


def json_line(obj: dict[str, Any]) -> bytes:
    """One JSONL line. Anything json cannot encode is written as its `str`."""
    return _LINE_ENCODER.encode(obj).encode() + b"\n"


def write_json_atomic(path: Path, obj: dict[str, Any]) -> None:
    """Write `obj` atomically: readers see the old or the new file. Not flushed to disk:
    the run rewrites it as it goes, and its end state is written last."""
    text = json.dumps(obj, indent=1, ensure_ascii=False, default=str)
    atomic_write_text(path, text, fsync=False)


def read_json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}
