"""What the notebook's stale marks and cell runs need from history: for the newest runs of a
pipeline (pipeline runs and cell runs alike), which blocks each one executed (ran their code,
not reused a stored output), whether they succeeded, and the code versions it ran.

A run's code versions are the versions of its block files when it started
(`workspace.code_versions`), kept in its report under `code_versions` (`with_code_versions`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, case, func, select

from sluicegate.store.history.models import BlockRunRow, RunRow, table

RECENT_RUNS = 50  # how far back history is read: a block not run in that many runs is "not run"
CODE_VERSIONS = "code_versions"


@dataclass(frozen=True)
class RunFacts:
    run_id: str
    created_t: float
    kind: str
    versions: dict[str, str] = field(default_factory=dict)
    succeeded: frozenset[str] = frozenset()  # blocks it executed, every instance succeeded
    failed: frozenset[str] = frozenset()  # blocks it executed with an instance that failed


def with_code_versions(
    report: dict[str, Any] | None, versions: dict[str, str] | None
) -> dict[str, Any] | None:
    """The report to store for a run that started with these code versions."""
    if report is None or not versions:
        return report
    return {**report, CODE_VERSIONS: versions}


def recent_runs(
    engine: Engine,
    pipeline: str,
    limit: int = RECENT_RUNS,
    cache: dict[str, RunFacts] | None = None,
) -> list[RunFacts]:
    """The newest `limit` finished runs of `pipeline`, newest first. A finished run's facts
    never change: with a `cache` (run id -> facts), only runs not in it are read."""
    cache = {} if cache is None else cache
    runs, blocks = table(RunRow), table(BlockRunRow)
    newest = (
        select(runs.c.id)
        .where(runs.c.pipeline == pipeline, runs.c.status != "running")
        .order_by(runs.c.created_t.desc(), runs.c.id.desc())
        .limit(limit)
    )
    executed = blocks.c.reason.is_(None) | (blocks.c.reason != "reused")
    ran_ok = func.sum(case((executed & (blocks.c.phase == "succeeded"), 1), else_=0))
    ran_failed = func.sum(case((executed & (blocks.c.phase == "failed"), 1), else_=0))
    with engine.connect() as conn:
        wanted = list(conn.execute(newest).scalars())
        ids = [run_id for run_id in wanted if run_id not in cache]
        if ids:
            about = select(runs.c.id, runs.c.created_t, runs.c.kind, runs.c.report)
            found = conn.execute(about.where(runs.c.id.in_(ids))).all()
            tally: dict[str, dict[str, tuple[int, int]]] = {run_id: {} for run_id in ids}
            stmt = (
                select(blocks.c.run_id, blocks.c.block, ran_ok, ran_failed)
                .where(blocks.c.run_id.in_(ids))
                .group_by(blocks.c.run_id, blocks.c.block)
            )
            for run_id, block, ok, failed in conn.execute(stmt):
                tally[run_id][block] = (int(ok or 0), int(failed or 0))
            for row in found:
                cache[row.id] = _facts(row, tally[row.id])
    return [cache[run_id] for run_id in wanted]


def _facts(row: Any, counts: dict[str, tuple[int, int]]) -> RunFacts:
    report = row.report if isinstance(row.report, dict) else {}
    versions = report.get(CODE_VERSIONS)
    return RunFacts(
        run_id=row.id,
        created_t=float(row.created_t),
        kind=row.kind,
        versions=dict(versions) if isinstance(versions, dict) else {},
        succeeded=frozenset(b for b, (ok, bad) in counts.items() if ok and not bad),
        failed=frozenset(b for b, (_, bad) in counts.items() if bad),
    )
