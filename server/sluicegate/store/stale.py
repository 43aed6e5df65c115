"""Stale cells (marimo's idea): a block is stale when what it would compute now differs from
what it computed at its last run, because

- its own code changed since then (`code`),
- an upstream block ran again after it (`output`: the stored output it would read is newer), or
- an upstream block is itself stale (`upstream`: that output is out of date).

The truth lives on the server: the code versions each run started with and which blocks each
run executed (`store.history.lineage`), compared with the block files as they are now. So the
marks survive a reload and agree between tabs. A block never run (in the recent history) is
not stale, just not run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sluicegate.store.history.lineage import RunFacts


def newest_outputs(runs: Iterable[RunFacts]) -> dict[str, RunFacts]:
    """Block -> the newest run (of `runs`, newest first) that executed it successfully: the
    stored output a cell run reads for it."""
    found: dict[str, RunFacts] = {}
    for run in runs:
        for block in run.succeeded:
            found.setdefault(block, run)
    return found


def last_runs(runs: Iterable[RunFacts]) -> dict[str, RunFacts]:
    """Block -> the newest run that executed it (succeeded or failed)."""
    found: dict[str, RunFacts] = {}
    for run in runs:
        for block in run.succeeded | run.failed:
            found.setdefault(block, run)
    return found


def stale_marks(
    blocks: Iterable[str],
    upstream: Mapping[str, list[str]],
    current: Mapping[str, str | None],
    runs: list[RunFacts],
) -> dict[str, dict[str, Any]]:
    """Block -> `{"stale", "reasons": [{"kind", "block", "message"}], "last_run"}`.

    `upstream`: each block's direct upstream blocks; `current`: each block file's version now
    (None when unreadable); `runs`: the pipeline's recent runs, newest first."""
    last = last_runs(runs)
    outputs = newest_outputs(runs)
    marks: dict[str, dict[str, Any]] = {}
    visiting: set[str] = set()

    def mark(block: str) -> dict[str, Any]:
        if block in marks:
            return marks[block]
        if block in visiting:  # a cycle (an invalid graph): no verdict through it
            return {"stale": False, "reasons": [], "last_run": None}
        visiting.add(block)
        ran = last.get(block)
        reasons: list[dict[str, Any]] = []
        if ran is not None:
            was, now = ran.versions.get(block), current.get(block)
            if was and now and was != now:
                reasons.append(_reason("code", block, "its code changed since its last run"))
            for up in upstream.get(block, []):
                newer = outputs.get(up)
                if newer is not None and newer.created_t > ran.created_t:
                    text = f"{up} ran again after this block's last run: its output changed"
                    reasons.append(_reason("output", up, text))
                elif mark(up)["stale"]:
                    why = mark(up)["reasons"][0]["message"]
                    why = why.replace("its ", f"{up}'s ", 1) if why.startswith("its ") else why
                    reasons.append(_reason("upstream", up, f"upstream {up} is stale ({why})"))
        visiting.discard(block)
        marks[block] = {
            "stale": bool(reasons),
            "reasons": reasons,
            "last_run": ran.run_id if ran else None,
        }
        return marks[block]

    for block in blocks:
        mark(block)
    return marks


def _reason(kind: str, block: str, message: str) -> dict[str, Any]:
    return {"kind": kind, "block": block, "message": message}
