"""Record the websocket frames of one run, for the browser tests that replay them.

    .venv/bin/python tests/e2e/frames/record.py seed_stream \
        '{"a_sleep": "0.2", "b_sleep": "0.05", "c_sleep": "0.02", "d_sleep": "0.01"}' \
        tests/e2e/frames/seed_stream_live.json [--rerun]

Runs the pipeline of the example workspace in the API tier's app (a kernel process, no
browser) and writes [seconds since the start, frame] pairs, the run id replaced by RUN_ID.
With --rerun, the pipeline runs once unrecorded and what is recorded is its "re-run from
failed" (every block's output reused).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[2] / "web"))
from api_helpers import live_socket, make_workspace, open_client, start_run, wait_run

ENDED = ("succeeded", "failed", "cancelled", "interrupted")


def record(pipeline: str, variables: dict[str, Any], rerun: bool) -> tuple[str, list[list[Any]]]:
    workspace = make_workspace(Path(tempfile.mkdtemp()) / "ws")
    with open_client(workspace) as client:
        first = start_run(client, pipeline, **variables) if rerun else None
        if first is not None:
            wait_run(client, first)
        with live_socket(client) as live:
            time.sleep(1)
            if first is not None:
                answer = client.post(f"/api/runs/{first}/rerun", json={"from_failed": True})
                run_id: str = answer.json()["run_id"]
            else:
                run_id = start_run(client, pipeline, **variables)
            return run_id, frames_until_end(live, run_id)


def frames_until_end(live: Any, run_id: str) -> list[list[Any]]:
    """Every frame until run `run_id` ended, and a second more (its last deltas)."""
    frames: list[list[Any]] = []
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
            end = time.monotonic() + 1
    return frames


def main() -> None:
    pipeline, variables, out = sys.argv[1], json.loads(sys.argv[2]), Path(sys.argv[3])
    run_id, frames = record(pipeline, variables, "--rerun" in sys.argv[4:])
    text = json.dumps(frames, separators=(",", ":")).replace(run_id, "RUN_ID")
    about = (
        f"Websocket frames of {'a re-run from failed of ' if '--rerun' in sys.argv else ''}"
        f"{pipeline} (variables {variables}) as the server sent them, "
        "[seconds since the run started, frame]; the run id is RUN_ID. Recorded with "
        "tests/e2e/frames/record.py."
    )
    out.write_text(json.dumps({"about": about, "frames": json.loads(text)}, separators=(",", ":")))
    print(f"{len(frames)} frames of {run_id} -> {out}")


if __name__ == "__main__":
    main()
