"""The session's side of run history: the database writer plus the output store's
metadata, joined when a run ends."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from sluicegate.errors import NotFound
from sluicegate.protocol import Message
from sluicegate.store import OutputStore
from sluicegate.store.history import (
    HistoryWriter,
    create_tables,
    lineage,
    make_engine,
    mark_interrupted,
    output_lines,
    queries,
)
from sluicegate.store.stale import newest_outputs

log = logging.getLogger("sluicegate.session")
MAX_CACHED_RUNS = 5000


class HistoryBridge:
    def __init__(self, workspace: Path, store_root: Path, db_url: str | None) -> None:
        self.engine = make_engine(db_url, workspace)
        create_tables(self.engine)
        self.interrupted = mark_interrupted(self.engine)
        self.store = OutputStore(store_root)
        self.writer = HistoryWriter(self.engine)
        self._run_facts: dict[str, lineage.RunFacts] = {}  # finished runs' facts never change
        self._facts_lock = threading.Lock()

    def start_run(
        self,
        run_id: str,
        pipeline: str,
        kind: str,
        mode: str,
        variables: dict[str, Any],
        rerun_of: str | None,
    ) -> None:
        self.writer.start_run(run_id, pipeline, kind, mode, variables, rerun_of)

    def on_event(self, message: Message) -> None:
        self.writer.on_event(message.model_dump(by_alias=True))

    def finish_run(
        self,
        run_id: str,
        status: str,
        error: str | None,
        *,
        code_versions: dict[str, str] | None = None,
    ) -> None:
        report: dict[str, Any] | None = None
        outputs: list[dict[str, Any]] | None = None
        try:
            reader = self.store.reader(run_id)
            info = reader.info()
            report = info if "blocks" in info else None
            outputs = output_lines(reader)
        except NotFound:
            pass
        except Exception:  # metadata is best effort; the run's status must still land
            log.exception("could not read the stored outputs of run %s", run_id)
        report = lineage.with_code_versions(report, code_versions)
        self.writer.finish_run(run_id, status, error, report, outputs)

    def latest_run_id(self, pipeline: str) -> str | None:
        self.writer.flush()
        row = queries.latest_run(self.engine, pipeline)
        return row.id if row else None

    def recent_runs(self, pipeline: str) -> list[lineage.RunFacts]:
        """The pipeline's newest runs as the stale marks read them (`store.stale`)."""
        self.writer.flush()
        with self._facts_lock:  # request threads share the cache
            if len(self._run_facts) > MAX_CACHED_RUNS:
                self._run_facts.clear()
            return lineage.recent_runs(self.engine, pipeline, cache=self._run_facts)

    def newest_outputs(self, pipeline: str) -> dict[str, str]:
        """Block -> the run holding its newest output (its newest successful execution)."""
        return {b: run.run_id for b, run in newest_outputs(self.recent_runs(pipeline)).items()}

    def close(self) -> None:
        self.writer.close()
