"""Record the websocket frames of one run, for the browser tests that replay them.

    .venv/bin/python tests/e2e/frames/record.py seed_stream \
        '{"a_sleep": "0.2", "b_sleep": "0.05", "c_sleep": "0.02", "d_sleep": "0.01"}' \
        tests/e2e/frames/seed_stream_live.json

Runs the pipeline of the example workspace in the API tier's app (a kernel process, no
browser) and writes [seconds since the start, frame] pairs, the run id replaced by RUN_ID.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[2] / "web"))
from api_helpers import live_socket, make_workspace, open_client, start_run

ENDED = ("succeeded", "failed", "cancelled", "interrupted")


def record(pipeline: str, variables: dict[str, Any]) -> tuple[str, list[list[Any]]]:
    frames: list[list[Any]] = []
    workspace = make_workspace(Path(tempfile.mkdtemp()) / "ws")
    with open_client(workspace) as client, live_socket(client) as live:
        time.sleep(1)
        run_id = start_run(client, pipeline, **variables)
        t0 = time.monotonic()
        end = None
        while end is None or time.monotonic() < end:
            try:
                frame = live.receive(5 if end is None else max(0.01, end - time.monotonic()))
            except TimeoutError:
                break
            frames.append([round(time.monotonic() - t0, 3), frame])
            ended = frame.get("kind") == "run" and frame.get("to") in ENDED
            if ended and frame.get("run_id") == run_id and end is None:
                end = time.monotonic() + 1  # the last deltas
    return run_id, frames


def main() -> None:
    pipeline, variables, out = sys.argv[1], json.loads(sys.argv[2]), Path(sys.argv[3])
    run_id, frames = record(pipeline, variables)
    text = json.dumps(frames, separators=(",", ":")).replace(run_id, "RUN_ID")
    about = (
        f"Websocket frames of {pipeline} (variables {variables}) as the server sent them, "
        "[seconds since the run started, frame]; the run id is RUN_ID. Recorded with "
        "tests/e2e/frames/record.py."
    )
    out.write_text(json.dumps({"about": about, "frames": json.loads(text)}, separators=(",", ":")))
    print(f"{len(frames)} frames of {run_id} -> {out}")


if __name__ == "__main__":
    main()
