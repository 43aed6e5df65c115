"""One check for every route under /api/runs/{run_id}: an id that cannot name a run (`..`,
`/`, a NUL byte, over-long) is a 404 that says so, before any database or file is read."""

from __future__ import annotations

from fastapi import Request

from sluicegate.errors import NotFound
from sluicegate.store.layout import run_id_problem


def valid_run_id(request: Request) -> None:
    """A router dependency: checks the `run_id` path parameter when the route has one."""
    run_id = request.path_params.get("run_id")
    if run_id is None:
        return
    problem = run_id_problem(run_id)
    if problem:
        shown = run_id if len(run_id) <= 80 else run_id[:80] + "…"
        raise NotFound(
            f"No run can have the id {shown!r}: {problem}. Run ids are the ones GET /api/runs "
            "lists, such as etl-20260101-120000-a1b2c3."
        )
