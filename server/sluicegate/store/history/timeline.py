"""A run's timeline and block-run lookups for the live view: block runs as spans, children
as density per time bucket (10,000 children stay a few hundred numbers)."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from sluicegate.store.history.models import BlockRunRow


def timeline(engine: Engine, run_id: str, buckets: int = 200) -> dict[str, Any]:
    stmt = (
        select(BlockRunRow).where(BlockRunRow.run_id == run_id).order_by(col(BlockRunRow.first_seq))
    )
    with Session(engine) as session:
        rows = [
            (r.block, r.is_child, r.phase, r.started_t, r.finished_t) for r in session.exec(stmt)
        ]
    starts = [r[3] for r in rows if r[3] is not None]
    if not starts:
        return {"t0": None, "t1": None, "buckets": buckets, "lanes": []}
    now = time.time()
    t0 = min(starts)
    t1 = max([r[4] or now for r in rows if r[3] is not None] + [t0 + 1e-3])
    width = (t1 - t0) / buckets
    lanes: dict[str, dict[str, Any]] = {}
    for block, is_child, phase, started, finished in rows:
        lane = lanes.setdefault(
            block,
            {
                "block": block,
                "spans": [],
                "children": 0,
                "failed": 0,
                "running": [0] * buckets,
                "max_running": 0,
            },
        )
        if not is_child:
            lane["spans"].append([started, finished, phase])
            continue
        lane["children"] += 1
        lane["failed"] += phase == "failed"
        if started is None:
            continue
        first = min(int((started - t0) / width), buckets - 1)
        last = min(int(((finished or now) - t0) / width), buckets - 1)
        for i in range(first, last + 1):
            lane["running"][i] += 1
    for lane in lanes.values():
        lane["max_running"] = max(lane["running"])
    return {"t0": t0, "t1": t1, "buckets": buckets, "lanes": list(lanes.values())}


def block_run_at(engine: Engine, run_id: str, uuid: str) -> tuple[BlockRunRow, int] | None:
    """A block run by uuid, and its index among its block's children (key order)."""
    with Session(engine) as session:
        row = session.get(BlockRunRow, (run_id, uuid))
        if row is None:
            return None
        if not row.is_child:
            return row, 0
        stmt = (
            select(func.count())
            .select_from(BlockRunRow)
            .where(
                BlockRunRow.run_id == run_id,
                BlockRunRow.block == row.block,
                col(BlockRunRow.is_child).is_(True),
                col(BlockRunRow.key_order) < row.key_order,
            )
        )
        return row, int(session.exec(stmt).one())
