"""B5: what watching a run costs the run: 20 websocket clients connected and reading vs none.

B3's pipeline (`benchmarks/pipelines/pass_through`: 1,000,000 small items through four
per-item pass-through blocks, `keep_outputs: none`), run by the real server
(`sluicegate serve` on 127.0.0.1 and a free port, in a subprocess, with its kernel process)
on a copy of the pipeline in a temporary workspace. Runs with 20 clients (each reading and
parsing every frame on its own thread) and runs with none alternate, after one warm-up run.

Figure: `ratio` (median `duration_s` with clients / median without, `duration_s` from
GET /api/runs/{id}). Target <= 1.10. `kernel_ratio` is the same from the kernel's own report
(`report.duration_s`), which leaves out the server's handling of the run's end. On a busy
machine the durations swing more than the clients cost: `server_cpu_s_with` and
`server_cpu_s_without` (the server process's CPU seconds per run, from /proc) show the cost of
the fan-out itself, and `load_avg` how busy the machine was.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import _bench

ITEMS = 1_000_000
QUICK_ITEMS = 20_000
CLIENTS = 20
TARGET = 1.10
TERMINAL = ("succeeded", "failed", "cancelled", "interrupted")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LiveServer:
    """`sluicegate serve WORKSPACE --no-watch` on a free port, in a subprocess."""

    def __init__(self, workspace: Path) -> None:
        import httpx

        self.port = free_port()
        self.ws_url = f"ws://127.0.0.1:{self.port}/ws"
        # A file, not a pipe (a full pipe would block the server); closed in __exit__.
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115
        env = {**os.environ, "PYTHONPATH": str(_bench.SERVER)}
        command = [sys.executable, "-m", "sluicegate", "serve", str(workspace)]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port), "--no-watch", "--token", _bench.TOKEN],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        base = f"http://127.0.0.1:{self.port}"
        self.http = httpx.Client(base_url=base, timeout=60, headers=_bench.AUTH)

    def __enter__(self) -> LiveServer:
        import httpx

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise SystemExit(f"the server exited: {self.log.read()[-2000:]}")
            try:
                if self.http.get("/api/kernel").json()["status"] == "ready":
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise SystemExit("the server was not ready within 60 s")

    def __exit__(self, *exc: object) -> None:
        self.http.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()

    def run(self, pipeline: str, variables: dict[str, Any]) -> dict[str, Any]:
        """Start a run and poll until it ends; its detail (GET /api/runs/{id})."""
        response = self.http.post(f"/api/pipelines/{pipeline}/runs", json={"variables": variables})
        if response.status_code != 201:
            raise SystemExit(f"could not start {pipeline}: {response.text}")
        return self.wait(response.json()["run_id"])

    def wait(self, run_id: str, timeout: float = 600) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            detail: dict[str, Any] = self.http.get(f"/api/runs/{run_id}").json()
            if detail["run"]["status"] in TERMINAL:
                return detail
            time.sleep(0.05)
        raise SystemExit(f"run {run_id} did not end within {timeout} s")


class Reader(threading.Thread):
    """One websocket client that reads and parses every frame, as a browser tab would."""

    def __init__(self, url: str) -> None:
        from websockets.sync.client import connect

        super().__init__(daemon=True)
        self.ws = connect(url, max_size=None, additional_headers=_bench.AUTH)
        self.frames = 0

    def run(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            for message in self.ws:
                json.loads(message)
                self.frames += 1
        except ConnectionClosed:
            pass

    def close(self) -> None:
        self.ws.close()
        self.join(timeout=10)


def settle(readers: list[Reader], timeout: float = 30) -> None:
    """Wait until every client has its hello and the snapshots of recent runs (connecting is
    not what is measured), then count only the frames of the run."""
    deadline = time.monotonic() + timeout
    while any(r.frames == 0 for r in readers) and time.monotonic() < deadline:
        time.sleep(0.01)
    if readers:
        time.sleep(0.3)
    for reader in readers:
        reader.frames = 0


def workspace_with(folder: Path, *pipelines: Path) -> Path:
    """A temporary workspace holding copies of `pipelines` (nothing is written to the repo)."""
    for source in pipelines:
        shutil.copytree(source, folder / "pipelines" / source.name)
    return folder


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of process `pid` so far (Linux /proc; 0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_run(server: LiveServer, variables: dict[str, Any], clients: int) -> dict[str, float]:
    readers = [Reader(server.ws_url) for _ in range(clients)]
    for reader in readers:
        reader.start()
    settle(readers)
    cpu_before = cpu_seconds(server.process.pid)
    try:
        detail = server.run("pass_through", variables)
    finally:
        for reader in readers:
            reader.close()
    server_cpu = cpu_seconds(server.process.pid) - cpu_before
    run = detail["run"]
    out = run["report"]["blocks"]["p4"]["items_out"] if run["report"] else None
    if run["status"] != "succeeded" or out != variables["items"]:
        raise SystemExit(f"pass_through {run['status']} ({out} items out): {run['error']}")
    frames = [r.frames for r in readers]
    return {
        "duration_s": float(run["duration_s"]),
        "kernel_s": float(run["report"]["duration_s"]),
        "server_cpu_s": server_cpu,
        "frames_per_client": _bench.median([float(f) for f in frames]) if frames else 0.0,
    }


def main() -> None:
    args = _bench.parser(__doc__.splitlines()[0]).parse_args()
    _bench.use_server()
    items = QUICK_ITEMS if args.quick else ITEMS
    variables = {"items": items}
    watched: list[dict[str, float]] = []
    alone: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="sluicegate-b5-") as tmp:
        workspace = workspace_with(Path(tmp), _bench.WORKSPACE / "pipelines" / "pass_through")
        with LiveServer(workspace) as server:
            timed_run(server, {"items": QUICK_ITEMS}, 0)  # warm-up: imports, first store
            for i in range(args.runs):
                order = (0, CLIENTS) if i % 2 == 0 else (CLIENTS, 0)
                for clients in order:
                    (watched if clients else alone).append(timed_run(server, variables, clients))
                _bench.show_run(
                    i,
                    with_clients_s=watched[-1]["duration_s"],
                    without_s=alone[-1]["duration_s"],
                    ratio=watched[-1]["duration_s"] / alone[-1]["duration_s"],
                    frames_per_client=watched[-1]["frames_per_client"],
                )
    with_s = _bench.median([r["duration_s"] for r in watched])
    without_s = _bench.median([r["duration_s"] for r in alone])
    ratio = with_s / without_s
    kernel_ratio = _bench.median([r["kernel_s"] for r in watched]) / _bench.median(
        [r["kernel_s"] for r in alone]
    )
    _bench.emit(
        {
            "benchmark": "b5_telemetry_overhead",
            "runs": args.runs,
            "quick": args.quick,
            "items": items,
            "clients": CLIENTS,
            "with_clients_s": round(with_s, 4),
            "without_clients_s": round(without_s, 4),
            "ratio": round(ratio, 3),
            "kernel_ratio": round(kernel_ratio, 3),
            "frames_per_client": _bench.median([r["frames_per_client"] for r in watched]),
            "server_cpu_s_with": round(_bench.median([r["server_cpu_s"] for r in watched]), 3),
            "server_cpu_s_without": round(_bench.median([r["server_cpu_s"] for r in alone]), 3),
            "load_avg": round(os.getloadavg()[0], 2),
            "target_max": TARGET,
            "target_met": ratio <= TARGET,
            "with_clients_s_runs": [round(r["duration_s"], 4) for r in watched],
            "without_clients_s_runs": [round(r["duration_s"], 4) for r in alone],
        }
    )


if __name__ == "__main__":
    main()
