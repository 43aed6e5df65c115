"""A page of a run's log from the output store (`store/logs.py`), as the API shows it."""

from __future__ import annotations

from sluicegate.errors import NotFound
from sluicegate.store import OutputStore
from sluicegate.store.logs import has_log, read_log
from sluicegate.web.models import LogLine, LogPage


def stored_log(
    store: OutputStore, run_id: str, block: str | None, uuid: str | None, offset: int, limit: int
) -> LogPage | None:
    """The page, or None when the run has no log in the store (a run of an older version, or
    one whose block runs wrote nothing: the run history may still have its lines)."""
    try:
        run_dir = store.reader(run_id).run_dir
    except NotFound:
        return None
    if not has_log(run_dir):
        return None
    lines, total = read_log(run_dir, block=block, uuid=uuid, offset=offset, limit=limit)
    items = [
        LogLine(
            seq=line["seq"],
            t=int(float(line.get("t") or 0) * 1000),
            uuid=line.get("uuid"),
            block=line.get("block"),
            level=line.get("level"),
            stream=line.get("stream"),
            message=str(line.get("text", "")),
        )
        for line in lines
    ]
    return LogPage(items=items, total=total, offset=offset, limit=limit)
