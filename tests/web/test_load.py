"""Load: many browsers on one real server (uvicorn, `sluicegate serve`, a free port).

- 50 websocket clients watch a run of 10,000 dynamic children; each one's own view (the
  snapshot, then every delta and event applied in order, as the browser does) ends with
  10,000 succeeded children and a succeeded run.
- 20 clients that complete the handshake and never read again cost the server little: its
  resident memory during and after such a run stays within 50 MB of what it was idle.

The pipeline is the B2 benchmark's (`benchmarks/pipelines/child_overhead`); `pytest -s`
prints the figures (connect and run times, frames and bytes per client, memory, load).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from api_helpers import AUTH, REPO, TERMINAL, LiveServer, live_server, make_workspace, wait_run
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

CHILDREN = 10_000
WATCHERS = 50
SILENT = 20
MEMORY_BOUND = 50 * 2**20
PIPELINE = "child_overhead"
PIPELINE_DIR = REPO / "benchmarks" / "pipelines" / PIPELINE


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    workspace = make_workspace(tmp_path / "ws")
    shutil.copytree(
        REPO / "benchmarks" / "pipelines" / PIPELINE, workspace / "pipelines" / PIPELINE
    )
    with live_server(workspace) as server:
        yield server


def report(**figures: Any) -> None:
    """Print what was measured (pytest -s shows it)."""
    print("\nload:", json.dumps(figures))


def merge(state: dict[str, Any], patch: dict[str, Any]) -> None:
    """A browser's delta merge: nested objects merge, anything else (null too) replaces."""
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(state.get(key), dict):
            merge(state[key], value)
        else:
            state[key] = value


class Watcher(threading.Thread):
    """One browser tab: reads every frame and keeps its own view of each run."""

    def __init__(self, server: LiveServer) -> None:
        super().__init__(daemon=True)
        self.ws: ClientConnection = connect(server.ws_url, additional_headers=AUTH, max_size=None)
        self.views: dict[str, dict[str, Any]] = {}
        self.frames = 0
        self.bytes = 0
        self.hello = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            for message in self.ws:
                self.bytes += len(message)
                self.apply(json.loads(message))
        except ConnectionClosed:
            pass
        except BaseException as exc:  # reported by the test
            self.error = exc

    def apply(self, frame: dict[str, Any]) -> None:
        self.frames += 1
        kind = frame.get("type")
        if kind == "hello":
            self.hello.set()
            return
        run_id = frame.get("run_id")
        if not run_id:
            return
        if kind == "snapshot":
            self.views[run_id] = frame
            return
        view = self.views.setdefault(run_id, {"run": {}, "blocks": {}, "edges": {}})
        if kind == "delta":
            merge(view["blocks"], frame.get("blocks") or {})
            merge(view["edges"], frame.get("edges") or {})
            merge(view["run"], frame.get("run") or {})
        elif frame.get("kind") == "run":
            view["run"]["phase"] = frame["to"]

    def phase(self, run_id: str) -> str | None:
        view = self.views.get(run_id)
        return view["run"].get("phase") if view else None

    def children(self, run_id: str, block: str) -> dict[str, Any]:
        view = self.views.get(run_id) or {}
        counters: dict[str, Any] = (view.get("blocks", {}).get(block) or {}).get("children") or {}
        return counters

    def close(self) -> None:
        self.ws.close()
        self.join(timeout=10)


@pytest.mark.timeout(300)
def test_fifty_clients_each_see_every_child_of_a_10000_child_run(server: LiveServer) -> None:
    started = time.monotonic()
    watchers = [Watcher(server) for _ in range(WATCHERS)]
    for watcher in watchers:
        watcher.start()
    for watcher in watchers:
        assert watcher.hello.wait(30), "a client got no hello within 30 s"
    connect_s = time.monotonic() - started
    try:
        run_started = time.monotonic()
        response = server.http.post(
            f"/api/pipelines/{PIPELINE}/runs", json={"variables": {"children": CHILDREN}}
        )
        assert response.status_code == 201, response.text
        run_id = response.json()["run_id"]
        detail = wait_run(server.http, run_id, timeout=180)
        run_s = time.monotonic() - run_started
        assert detail["run"]["status"] == "succeeded", detail["run"]["error"]

        def settled(w: Watcher) -> bool:
            return (
                w.phase(run_id) in TERMINAL
                and w.children(run_id, "child").get("succeeded") == CHILDREN
            )

        deadline = time.monotonic() + 60
        while not all(settled(w) for w in watchers) and time.monotonic() < deadline:
            time.sleep(0.1)
        views_s = time.monotonic() - run_started
    finally:
        for watcher in watchers:
            watcher.close()

    report(
        clients=WATCHERS,
        children=CHILDREN,
        connect_s=round(connect_s, 2),
        run_s=round(run_s, 2),
        all_views_final_s=round(views_s, 2),
        frames_per_client=sorted(w.frames for w in watchers)[WATCHERS // 2],
        bytes_per_client=sorted(w.bytes for w in watchers)[WATCHERS // 2],
        child_counters=watchers[0].children(run_id, "child"),
        load=os.getloadavg(),
    )
    assert [w.error for w in watchers if w.error] == []
    for number, watcher in enumerate(watchers):
        shown = watcher.children(run_id, "child")
        assert watcher.phase(run_id) == "succeeded", f"client {number}: {watcher.views.get(run_id)}"
        assert shown.get("succeeded") == CHILDREN, f"client {number} shows {shown}"
        assert shown.get("failed", 0) == 0, f"client {number} shows {shown}"
        assert shown.get("expected") == CHILDREN and shown.get("final"), shown


def silent_client(server: LiveServer) -> socket.socket:
    """A websocket client that completes the handshake and then never reads: a small receive
    buffer, so the server's writes back up at once."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", server.port))
    key = base64.b64encode(os.urandom(16)).decode()
    auth = "".join(f"{name}: {value}\r\n" for name, value in AUTH.items())
    sock.sendall(
        (
            f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: 13\r\n{auth}\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        assert chunk, "the server closed the handshake"
        head += chunk
    assert head.startswith(b"HTTP/1.1 101"), head.decode(errors="replace")
    return sock


class RssSampler(threading.Thread):
    """The largest resident set size of a process, sampled every 20 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.peak = self.process.memory_info().rss
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.02):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def finish(self) -> int:
        self.stop.set()
        self.join(timeout=5)
        return self.peak


def run_children(server: LiveServer, children: int) -> dict[str, Any]:
    response = server.http.post(
        f"/api/pipelines/{PIPELINE}/runs", json={"variables": {"children": children}}
    )
    assert response.status_code == 201, response.text
    return wait_run(server.http, response.json()["run_id"], timeout=180)


@pytest.mark.timeout(300)
def test_clients_that_never_read_cost_the_server_little_memory(server: LiveServer) -> None:
    process = psutil.Process(server.process.pid)
    assert run_children(server, CHILDREN)["run"]["status"] == "succeeded"  # warm-up
    time.sleep(1)
    idle = process.memory_info().rss
    sockets = [silent_client(server) for _ in range(SILENT)]
    sampler = RssSampler(server.process.pid)
    sampler.start()
    try:
        started = time.monotonic()
        detail = run_children(server, CHILDREN)
        run_s = time.monotonic() - started
        time.sleep(3)  # what the server still holds for them after the run
        peak = sampler.finish()
        unread = [len(sock.recv(65536, socket.MSG_PEEK | socket.MSG_DONTWAIT)) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()
    report(
        silent_clients=SILENT,
        children=CHILDREN,
        run_s=round(run_s, 2),
        rss_idle_mb=round(idle / 2**20, 1),
        rss_peak_mb=round(peak / 2**20, 1),
        load=os.getloadavg(),
    )
    assert detail["run"]["status"] == "succeeded"
    assert all(unread), f"every silent client was sent frames it never read: {unread}"
    assert peak - idle <= MEMORY_BOUND, (
        f"the server grew from {idle / 2**20:.0f} MB idle to {peak / 2**20:.0f} MB "
        f"with {SILENT} clients that never read"
    )
