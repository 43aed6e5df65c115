"""The output store: every output item of every block run, on disk, with its metadata.

    store = OutputStore(root)
    run = store.start_run("r1", {"pipeline": "etl"})
    out = run.open("D", "D:3:1", (3, 1), keep="all", budget_bytes=64 << 20)
    out.add(items, nbytes, exact=False)      # returns at once; a writer thread stores them
    out.finish("done")
    run.finish_run("done", {"blocks": 4})    # waits for the disk, then replaces run.json
    store.reader("r1").views("D", "D:3:1", offset=0, limit=50)  # safe JSON views: the server
    store.reader("r1").items("D", "D:3:1", offset=0, limit=50)  # unpickled: the kernel only

Layout and formats: `layout.py`; writing: `writer.py` and `diskwriter.py`; reading: `reader.py`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sluicegate.errors import Conflict, NotFound
from sluicegate.store.diskwriter import DiskWriter
from sluicegate.store.layout import RUN_JSON, run_id_problem, write_json_atomic
from sluicegate.store.reader import RunReader
from sluicegate.store.writer import RunWriter

DEFAULT_QUEUE_BYTES = 256 << 20


class OutputStore:
    """All runs under `root`, one folder per run.

    `max_queued_bytes` bounds the item estimates waiting for each run's writer thread; `add`
    waits only when that much is queued, i.e. when the disk cannot keep up.
    """

    def __init__(self, root: Path, max_queued_bytes: int = DEFAULT_QUEUE_BYTES) -> None:
        self.root = Path(root)
        self.max_queued_bytes = max_queued_bytes

    def start_run(self, run_id: str, info: dict[str, Any]) -> RunWriter:
        """Create the run's folder and run.json (status `running`); start its writer thread."""
        problem = run_id_problem(run_id)
        if problem:
            raise ValueError(
                f"Run id {run_id[:80]!r} cannot name a folder: {problem}; use letters, digits, "
                "- or _"
            )
        run_dir = self.root / run_id
        try:
            run_dir.mkdir(parents=True)
        except FileExistsError:
            raise Conflict(
                f"Run `{run_id}` already has outputs in {run_dir}; start the run with a new id."
            ) from None
        info = {"run_id": run_id, **info, "status": "running", "started_t": time.time()}
        write_json_atomic(run_dir / RUN_JSON, info)
        return RunWriter(DiskWriter(run_dir, self.max_queued_bytes), info)

    def reader(self, run_id: str) -> RunReader:
        """The reader of a stored run; NotFound for an unknown run or an id that cannot name
        one (such as `..`), so no path outside the store is ever read."""
        problem = run_id_problem(run_id)
        if problem:
            raise NotFound(
                f"No stored run can have the id {run_id[:80]!r}: {problem}. Run ids are the "
                "ones GET /api/runs lists."
            )
        run_dir = self.root / run_id
        if not (run_dir / RUN_JSON).is_file():
            raise NotFound(
                f"No stored run `{run_id}` under {self.root}; list_runs() names the stored runs."
            )
        return RunReader(run_dir)

    def list_runs(self) -> list[str]:
        """The ids of the stored runs, sorted."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / RUN_JSON).is_file())
