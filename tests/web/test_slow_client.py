"""A slow browser gets the latest state, not a backlog (DESIGN, SPEC §4.14.3).

TestClient's websocket queues frames in memory without limit, so the server can never see a
client that does not read. These tests run the real server (uvicorn, `sluicegate serve`) on
a free port and read over TCP.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from api_helpers import AUTH, TERMINAL, Frame, LiveServer, live_server, start_run, wait_run
from websockets.sync.client import ClientConnection, connect

CHILDREN = 1500  # about 4,500 lifecycle events in a second or two


def read_until_quiet(ws: ClientConnection, quiet_s: float, limit_s: float = 30.0) -> list[Frame]:
    """Every frame until none came for `quiet_s` seconds (or `limit_s` passed)."""
    frames: list[Frame] = []
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            frames.append(json.loads(ws.recv(timeout=quiet_s)))
        except TimeoutError:
            break
    return frames


def final_phase(frames: list[Frame], run_id: str) -> str | None:
    """The run's phase as a client that applied `frames` in order would show it."""
    phase = None
    for frame in frames:
        if frame.get("run_id") != run_id:
            continue
        if frame["type"] == "snapshot":
            phase = frame["run"]["phase"]
        elif frame.get("kind") == "run":
            phase = frame["to"]
    return phase


@pytest.fixture
def server(workspace: Path) -> Any:
    with live_server(workspace) as server:
        yield server


def test_the_real_server_streams_a_run_to_a_reading_client(server: LiveServer) -> None:
    with connect(server.ws_url, additional_headers=AUTH) as ws:
        assert json.loads(ws.recv(timeout=5))["type"] == "hello"
        run_id = start_run(server.http, "seed_stream", a_sleep=0.02)
        frames: list[Frame] = []
        while final_phase(frames, run_id) not in TERMINAL:
            frames.append(json.loads(ws.recv(timeout=20)))

    assert final_phase(frames, run_id) == "succeeded"
    assert wait_run(server.http, run_id)["blocks"]["D"] == {"succeeded": 100}


def test_a_client_that_stops_reading_gets_the_latest_state_not_a_backlog(
    server: LiveServer,
) -> None:
    fast_frames: list[Frame] = []
    with (
        connect(server.ws_url, additional_headers=AUTH) as slow,
        connect(server.ws_url, additional_headers=AUTH) as fast,
    ):

        def read_fast() -> None:
            while final_phase(fast_frames, run_id) not in TERMINAL:
                fast_frames.append(json.loads(fast.recv(timeout=30)))

        started = time.monotonic()
        run_id = start_run(server.http, "fanout", children=CHILDREN)
        reader = threading.Thread(target=read_fast, daemon=True)
        reader.start()
        reader.join(timeout=60)
        time.sleep(max(0.0, 2.0 - (time.monotonic() - started)))  # not read for 2 s or more
        slow_frames = read_until_quiet(slow, quiet_s=1.0)

    assert final_phase(fast_frames, run_id) == "succeeded"
    assert final_phase(slow_frames, run_id) == "succeeded", (
        "the slow client ends on the final state"
    )
    kinds = Counter(f"{f['type']}/{f.get('kind', '-')}" for f in slow_frames)
    assert len(slow_frames) < 1000, f"{len(slow_frames)} frames for the slow client: {dict(kinds)}"
