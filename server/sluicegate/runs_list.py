"""The runs stored in a workspace (`.sluicegate/runs/<run_id>/run.json`), newest first, read
from the output store alone: runs of `sluicegate run` and of `sluicegate serve` alike, with
no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sluicegate.errors import NotFound
from sluicegate.graph.hints import listing
from sluicegate.store.layout import RUN_JSON, read_json, run_id_problem

RUNS_DIR = Path(".sluicegate") / "runs"  # as `sluicegate run` and `serve` store them


@dataclass(frozen=True)
class RunSummary:
    id: str
    pipeline: str
    status: str
    started: dt.datetime | None  # local time
    duration_s: float | None
    source: str  # `cli` (sluicegate run) or the server's
    error: str | None

    @staticmethod
    def from_info(run_id: str, info: dict[str, Any]) -> RunSummary:
        started_t, finished_t = info.get("started_t"), info.get("finished_t")
        duration = info.get("duration_s")
        if not isinstance(duration, int | float) and isinstance(finished_t, int | float):
            duration = finished_t - started_t if isinstance(started_t, int | float) else None
        started = (
            dt.datetime.fromtimestamp(started_t) if isinstance(started_t, int | float) else None
        )
        error = info.get("error")
        return RunSummary(
            id=run_id,
            pipeline=str(info.get("pipeline", "")),
            status=str(info.get("status", "")),
            started=started,
            duration_s=float(duration) if isinstance(duration, int | float) else None,
            source=str(info.get("source", "")),
            error=str(error) if error else None,
        )


def list_runs(workspace: str | Path, pipeline: str | None = None) -> list[RunSummary]:
    """The runs stored in `workspace`, newest first; only those of `pipeline` if given."""
    root = Path(workspace) / RUNS_DIR
    if not root.is_dir():
        return []
    out: list[RunSummary] = []
    for path in root.iterdir():
        try:
            info = read_json(path / RUN_JSON)
        except (OSError, ValueError):
            continue  # not a run folder, or one being created
        summary = RunSummary.from_info(path.name, info)
        if pipeline is None or summary.pipeline == pipeline:
            out.append(summary)
    oldest = dt.datetime.min
    out.sort(key=lambda r: (r.started or oldest, r.id), reverse=True)
    return out


def resolve_run_id(workspace: Path, text: str) -> str:
    """`text` when a run has that id, else the one run whose id starts with it; NotFound
    saying what is there otherwise."""
    root = workspace / RUNS_DIR
    if not run_id_problem(text) and (root / text / RUN_JSON).is_file():
        return text
    ids = [r.id for r in list_runs(workspace)]
    matches = [i for i in ids if i.startswith(text)] if text else []
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise NotFound(
            f"Run id `{text}` is ambiguous in {workspace}: it starts {len(matches)} run ids "
            f"({listing(matches[:5])}{', ...' if len(matches) > 5 else ''}); give more of it."
        )
    if not root.is_dir():
        raise NotFound(
            f"No stored runs in {workspace} (no {RUNS_DIR} folder): is it the workspace "
            "folder? Runs are stored there by `sluicegate run` and `sluicegate serve`."
        )
    recent = listing(ids[:5]) + (", ..." if len(ids) > 5 else "")
    raise NotFound(
        f"No run `{text}` in {workspace} (recent runs: {recent}); `sluicegate runs` lists them."
    )
