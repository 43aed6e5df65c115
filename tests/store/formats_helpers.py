"""Helpers of the store format tests: store chunks, read them back, say how they were stored,
and compare values strictly (types included: 1 == 1.0 == True for `==`, not here)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from sluicegate.store import OutputStore


def store_chunks(store: OutputStore, chunks: list[list[Any]], run_id: str = "r1") -> Path:
    """Store `chunks` as the output of block `B`; the block's folder."""
    run = store.start_run(run_id, {})
    out = run.open("B", "B", (), keep="all", budget_bytes=1 << 30)
    for chunk in chunks:
        out.add(chunk, 100, exact=False)
    out.finish("succeeded")
    run.finish_run("succeeded", {})
    return store.root / run_id / "blocks" / "B"


def read_back(store: OutputStore, run_id: str = "r1") -> list[Any]:
    return store.reader(run_id).items("B", "B", 0, 1 << 30)


def formats(block_dir: Path) -> list[str]:
    """How each chunk was stored: `pickle`, `rows` or `files:<kinds>`."""
    out = []
    for line in (block_dir / "index.jsonl").read_text().splitlines():
        row = json.loads(line)
        fmt = row.get("format", "pickle")
        out.append(f"files:{','.join(row['kinds'])}" if fmt == "files" else fmt)
    return out


def same(a: Any, b: Any) -> bool:
    """Equal values of the same types, recursively; NaN equals NaN; dict key order counts."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and str(a) == str(b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if hasattr(a, "tzinfo"):
        return bool(a == b) and a.tzinfo == b.tzinfo
    return bool(a == b)
