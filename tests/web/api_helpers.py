"""Helpers of the API and websocket tier: reading live frames with a timeout, waiting for a
run to end, and a real server on a free port for what TestClient cannot show.

TestClient's websocket `receive_text()` has no timeout, so `LiveSocket` reads every frame on a
helper thread into a queue; `receive_until` then waits on the queue and fails with a summary
of the frames it saw.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pipelines"
TERMINAL = frozenset({"succeeded", "failed", "cancelled", "interrupted"})
# Every test server uses a token (the README's Security section); clients send it as a header.
TOKEN = "sluicegate-test-token"
AUTH = {"Authorization": f"token {TOKEN}"}
BASE_URL = "http://127.0.0.1"

Frame = dict[str, Any]
Match = str | Callable[[Frame], bool]


def make_workspace(target: Path) -> Path:
    """`examples/` and the test pipelines of `fixtures/pipelines/`, copied to `target`."""
    ignore = shutil.ignore_patterns("__pycache__", ".sluicegate")
    shutil.copytree(REPO / "examples", target, ignore=ignore)
    shutil.copytree(FIXTURES, target / "pipelines", ignore=ignore, dirs_exist_ok=True)
    return target


class LoopbackClient(TestClient):
    """A TestClient whose websockets, like its requests, go to 127.0.0.1 (Starlette's own
    default host, `testserver`, is not one the server answers)."""

    def websocket_connect(self, url: str, *args: Any, **kwargs: Any) -> Any:
        if url.startswith("/"):
            url = BASE_URL.replace("http", "ws", 1) + url
        return super().websocket_connect(url, *args, **kwargs)


def open_client(workspace: Path, **app_options: Any) -> TestClient:
    """A TestClient for `create_app(workspace, **app_options)` that sends the test token; use
    it as a context manager, so the app's lifespan starts and stops the kernel process."""
    from sluicegate.web.app import create_app

    app = create_app(workspace, token=TOKEN, **app_options)
    return LoopbackClient(app, base_url=BASE_URL, headers=AUTH)


class LiveSocket:
    """A TestClient websocket whose frames are read (and parsed) on a helper thread."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.frames: queue.Queue[Frame | BaseException] = queue.Queue()
        self.closed: BaseException | None = None
        threading.Thread(target=self._read, name="test-ws-reader", daemon=True).start()

    def _read(self) -> None:
        try:
            while True:
                self.frames.put(json.loads(self.ws.receive_text()))
        except BaseException as exc:  # closed (or the app went away): tell the waiter
            self.frames.put(exc)

    def receive(self, timeout: float) -> Frame:
        """The next frame; TimeoutError when none arrives in `timeout` seconds."""
        if self.closed is not None:
            raise ConnectionError(f"the websocket is closed: {self.closed!r}")
        try:
            item = self.frames.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no frame within {timeout} s") from None
        if isinstance(item, BaseException):
            self.closed = item
            raise ConnectionError(f"the websocket closed: {item!r}")
        return item

    def send_json(self, data: Any) -> None:
        self.ws.send_text(json.dumps(data))


@contextlib.contextmanager
def live_socket(client: TestClient) -> Iterator[LiveSocket]:
    with client.websocket_connect("/ws") as ws:
        yield LiveSocket(ws)


def matcher(match: Match) -> Callable[[Frame], bool]:
    """A frame predicate; a string matches a frame's `type` or an event's `kind`."""
    if callable(match):
        return match
    return lambda frame: frame.get("type") == match or frame.get("kind") == match


def describe(frames: list[Frame]) -> str:
    """A short summary of frames, for failure messages."""
    kinds = Counter(f"{f.get('type')}/{f.get('kind', '-')}" for f in frames)
    tail = [json.dumps(f)[:200] for f in frames[-5:]]
    return f"{len(frames)} frames {dict(kinds)}; last ones:\n  " + "\n  ".join(tail)


def receive_until(
    live: LiveSocket, match: Match, timeout: float = 10.0, seen: list[Frame] | None = None
) -> Frame:
    """Read frames until one matches `match` (appending every frame read to `seen`); fail
    with the frames seen when none does within `timeout` seconds."""
    test = matcher(match)
    frames = [] if seen is None else seen
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        try:
            frame = live.receive(max(left, 0.001))
        except (TimeoutError, ConnectionError) as exc:
            pytest.fail(
                f"no frame matching {match!r} within {timeout} s ({exc}); {describe(frames)}"
            )
        frames.append(frame)
        if test(frame):
            return frame


def receive_for(live: LiveSocket, seconds: float) -> list[Frame]:
    """Every frame that arrives within `seconds`."""
    frames: list[Frame] = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            frames.append(live.receive(left))
        except TimeoutError:
            break
    return frames


def run_ended(run_id: str) -> Callable[[Frame], bool]:
    """Matches the event that says run `run_id` reached a terminal phase."""
    return lambda f: (
        f.get("run_id") == run_id and f.get("kind") == "run" and f.get("to") in TERMINAL
    )


def start_run(client: TestClient | httpx.Client, pipeline: str, **variables: Any) -> str:
    response = client.post(f"/api/pipelines/{pipeline}/runs", json={"variables": variables})
    assert response.status_code == 201, response.text
    run_id: str = response.json()["run_id"]
    return run_id


def wait_run(client: TestClient | httpx.Client, run_id: str, timeout: float = 60.0) -> Frame:
    """Poll GET /api/runs/{id} until the run's status is terminal; its detail."""
    deadline = time.monotonic() + timeout
    detail: Frame = {}
    while time.monotonic() < deadline:
        response = client.get(f"/api/runs/{run_id}")
        assert response.status_code == 200, response.text
        detail = response.json()
        if detail["run"]["status"] in TERMINAL:
            return detail
        time.sleep(0.05)
    pytest.fail(f"run {run_id} did not end within {timeout} s: {json.dumps(detail)[:1000]}")


def wait_kernel_ready(client: TestClient | httpx.Client, timeout: float = 30.0) -> Frame:
    """Wait until the kernel process says it is ready (it takes a second or two to start)."""
    deadline = time.monotonic() + timeout
    status: Frame = {}
    while time.monotonic() < deadline:
        status = client.get("/api/kernel").json()
        if status["status"] == "ready" and status["pid"] is not None:
            return status
        time.sleep(0.05)
    pytest.fail(f"the kernel was not ready within {timeout} s: {status}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LiveServer:
    """`sluicegate serve WORKSPACE` (uvicorn) on 127.0.0.1 and a free port, in a subprocess."""

    def __init__(self, workspace: Path, *, watch: bool = False) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/ws"
        env = {**os.environ, "PYTHONPATH": str(REPO / "server")}
        args = [
            sys.executable,
            "-m",
            "sluicegate",
            "serve",
            str(workspace),
            "--port",
            str(self.port),
            "--token",
            TOKEN,
        ]
        # A file, not a pipe (a full pipe would block the server); closed in stop().
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115
        self.process = subprocess.Popen(
            [*args, *([] if watch else ["--no-watch"])],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            text=True,
        )
        self.http = httpx.Client(base_url=self.base, timeout=30, headers=AUTH)

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                pytest.fail(f"the server exited: {self.log.read()[-3000:]}")
            try:
                if self.http.get("/api/kernel").json()["status"] == "ready":
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        pytest.fail(f"the server on port {self.port} was not ready within {timeout} s")

    def stop(self) -> None:
        self.http.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()


@contextlib.contextmanager
def live_server(workspace: Path) -> Iterator[LiveServer]:
    server = LiveServer(workspace)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()
