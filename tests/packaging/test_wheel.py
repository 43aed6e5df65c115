"""The wheel stands alone: built with `python -m build`, installed with pip into a fresh
virtualenv (no source checkout on sys.path, commands run from an empty folder), it creates
workspaces, runs every example pipeline and serves the browser app.

Slow by nature (a build, a venv, 30-odd packages from the package index; pip's download
cache makes reruns faster): one module-scoped build and install shared by every test.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "server", "examples", "blocks")
NOT_COPIED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".sluicegate")
BUNDLE = REPO / "server" / "sluicegate" / "web" / "static" / "dist" / "app.js"

TOKEN = "sluicegate-wheel-test-token"
AUTH = {"Authorization": f"token {TOKEN}"}

pytestmark = pytest.mark.timeout(600)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Installed:
    wheel: Path
    sdist: Path
    venv: Path
    home: Path  # an empty folder: the working directory of every command
    timings: dict[str, float] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        env["XDG_DATA_HOME"] = str(self.home / "xdg")
        env["PATH"] = f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        return env

    def sluicegate(
        self, *args: str | Path, timeout: float = 90
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.venv / "bin" / "sluicegate"), *map(str, args)],
            cwd=self.home,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def _timed(timings: dict[str, float], name: str, args: list[str], cwd: Path) -> None:
    start = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=400)
    timings[name] = round(time.perf_counter() - start, 1)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    if not BUNDLE.is_file():
        pytest.fail(f"{BUNDLE} is missing: build the browser app first (`make frontend`)")
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"  # the files a fresh clone has, without caches and run data
    source.mkdir()
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=NOT_COPIED)
        else:
            shutil.copy2(path, source / name)
    timings: dict[str, float] = {}
    out = root / "dist"
    # --no-isolation: setuptools from the dev extra, not a fresh download per build (the
    # wheel is still built from the sdist, so a file missing from the sdist fails here)
    build = [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out)]
    _timed(timings, "build_s", build, source)
    (wheel,) = out.glob("sluicegate-*.whl")
    (sdist,) = out.glob("sluicegate-*.tar.gz")
    venv = root / "venv"
    _timed(timings, "venv_s", [sys.executable, "-m", "venv", "--without-pip", str(venv)], root)
    # the test run's pip installs into the new venv (pip --python): no pip bootstrap per venv
    python = str(venv / "bin" / "python")
    pip = [
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--disable-pip-version-check",
    ]
    # [examples]: numpy, which the memory_generator example imports
    _timed(timings, "install_s", [*pip, f"{wheel}[examples]"], root)
    home = root / "home"
    home.mkdir()
    yield Installed(wheel=wheel, sdist=sdist, venv=venv, home=home, timings=timings)
    print(f"\nwheel: {wheel.stat().st_size / 1e6:.2f} MB, timings {timings}")


def test_wheel_and_sdist_carry_the_app_the_examples_and_the_library(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    assert "sluicegate/web/static/dist/app.js" in names
    assert "sluicegate/web/static/dist/app.css" in names
    assert "sluicegate/web/static/dist/elk-worker.js" in names  # the graph layout's worker
    assert [n for n in names if n.startswith("sluicegate/web/static/dist/chunk-")]  # pages' code
    assert "sluicegate/_data/examples/pipelines/seed_stream/pipeline.yaml" in names
    assert "sluicegate/_data/blocks/transforms/sort.py" in names
    assert not [n for n in names if n.endswith(".map") or "__pycache__" in n or ".sluicegate" in n]
    with tarfile.open(installed.sdist) as sdist:
        top = f"{installed.sdist.name.removesuffix('.tar.gz')}/"
        members = {m.name.removeprefix(top) for m in sdist.getmembers()}
    assert "setup.py" in members and "examples/pipelines/seed_stream/pipeline.yaml" in members
    assert "blocks/transforms/sort.py" in members
    assert "server/sluicegate/web/static/dist/app.js" in members


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Installed) -> None:
    result = subprocess.run(
        [
            str(installed.venv / "bin" / "python"),
            "-c",
            "import sluicegate; print(sluicegate.__file__)",
        ],
        cwd=installed.home,
        env=installed.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).is_relative_to(installed.venv)


def test_init_then_run_every_example_pipeline(installed: Installed) -> None:
    result = installed.sluicegate("init", "ws")
    assert result.returncode == 0, result.stderr
    assert "sluicegate run ws seed_stream" in result.stdout
    pipelines = sorted(p.name for p in (installed.home / "ws" / "pipelines").iterdir())
    assert pipelines == ["deadlock_diamond", "etl_sort_join", "memory_generator", "seed_stream"]

    for name in pipelines:
        result = installed.sluicegate("run", "ws", name, "--quiet")
        if name == "deadlock_diamond":  # the example of a deadlock and the message that fixes it
            assert result.returncode == 1 and "Fix:" in result.stderr, result.stderr
        else:
            assert result.returncode == 0, f"{name}: {result.stderr}"
            assert result.stdout.startswith(f"run id: {name}-"), result.stdout


def test_serve_without_a_workspace_serves_a_copy_of_the_examples(installed: Installed) -> None:
    port = free_port()
    log = installed.home / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(installed.venv / "bin" / "sluicegate"), "serve", "--port", str(port)],
            cwd=installed.home,
            env={**installed.env(), "SLUICEGATE_TOKEN": TOKEN},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=AUTH, timeout=30) as http:
            deadline = time.monotonic() + 60
            while True:
                assert server.poll() is None, log.read_text()
                try:
                    if http.get("/api/kernel").json()["status"] == "ready":
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            page = http.get("/")
            entry = http.get("/static/dist/app.js")
            chunks = re.findall(r"\./(chunk-[A-Z0-9]+\.js)", entry.text)
            assets = [f"/static/dist/{name}" for name in (*chunks, "app.css", "elk-worker.js")]
            served = {path: http.get(path).status_code for path in assets}
            pipelines = http.get("/api/pipelines").json()
            refused = httpx.get(f"http://127.0.0.1:{port}/api/pipelines", timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=20)

    copy = installed.home / "xdg" / "sluicegate" / "examples"
    assert f"copied the example workspace to {copy}" in log.read_text()
    assert (copy / "pipelines" / "seed_stream" / "pipeline.yaml").is_file()
    assert page.status_code == 200 and '<script type="module" src="/static/dist/app.js' in page.text
    assert entry.status_code == 200 and chunks, entry.text[:300]
    assert set(served.values()) == {200}, served
    assert "seed_stream" in str(pipelines)
    assert refused.status_code in (401, 403)  # the token is still required
