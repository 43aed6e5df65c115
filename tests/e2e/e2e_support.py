"""Shared by the browser tests: a real server on a free port and screenshot helper."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[2]
CHROMIUM = os.environ.get("SLUICEGATE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
# Every test server uses a token; pages log in once through `?token=` (see conftest's `page`).
TOKEN = "sluicegate-test-token"
AUTH = {"Authorization": f"token {TOKEN}"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SERVE = [sys.executable, "-m", "sluicegate", "serve"]


class Server:
    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT / "server")}
        self.process = subprocess.Popen(
            [*SERVE, str(workspace), "--port", str(self.port), "--token", TOKEN],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                ready = urllib.request.Request(self.url + "/api/kernel", headers=AUTH)
                with urllib.request.urlopen(ready, timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the server did not start within 30 s")

    @property
    def login_url(self) -> str:
        return f"{self.url}/?token={TOKEN}"

    def api(self, method: str, path: str, body: Any = None) -> Any:
        """Call the API with the token (as a script would); the parsed JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        headers = {**AUTH, "content-type": "application/json"}
        request = urllib.request.Request(self.url + path, data, headers, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def run_to_end(self, pipeline: str, variables: dict[str, Any] | None = None) -> Any:
        """Start a run of `pipeline` through the API and wait for it to end; the run."""
        body = {"variables": variables or {}}
        started = self.api("POST", f"/api/pipelines/{pipeline}/runs", body)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            run = self.api("GET", f"/api/runs/{started['run_id']}")["run"]
            if run["status"] not in ("created", "running"):
                return run
            time.sleep(0.1)
        raise AssertionError(f"run {started['run_id']} of {pipeline} did not end within 60 s")

    def log_in(self, context: Any) -> None:
        """Give a browser context the cookies that opening `login_url` would set: the
        session cookie and the XSRF cookie the page's script repeats in a header."""
        from sluicegate.web.security import SecurityOptions, session_cookie_name

        session = SecurityOptions(token=TOKEN).session_value()
        name = session_cookie_name(f"127.0.0.1:{self.port}")
        context.add_cookies(
            [
                {"name": name, "value": session, "url": self.url, "sameSite": "Strict"},
                {"name": "_xsrf", "value": "e2e-xsrf", "url": self.url, "sameSite": "Strict"},
            ]
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def make_workspace(tmp: Path, *, empty: bool = False) -> Path:
    target = tmp / "ws"
    if empty:
        (target / "pipelines").mkdir(parents=True)
    else:
        shutil.copytree(ROOT / "examples", target, ignore=shutil.ignore_patterns(".sluicegate"))
    return target


def shot(page: Any, name: str) -> None:
    """Save a screenshot for a human to look at (SLUICEGATE_SCREENSHOTS=1)."""
    if os.environ.get("SLUICEGATE_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def counts_seen(counter: Any, final: int, timeout: float = 30.0) -> set[int]:
    """Every `data-succeeded` value a child counter showed until it reached `final`: a live
    view draws counts on the way, not only the end."""
    seen: set[int] = set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = counter.get_attribute("data-succeeded") if counter.count() else None
        if value is not None:
            seen.add(int(value))
            if int(value) == final:
                break
        time.sleep(0.05)
    return seen
