"""The server never runs user code: stored outputs are never unpickled in the server process.

The `trap` pipeline (tests/web/fixtures/trap/) outputs objects whose unpickling appends the
unpickling process's pid to a marker file. The kernel pickles them when it stores them, and
may unpickle them when it copies a value for a second consumer (value isolation) or replays
stored outputs (a notebook cell on stored upstreams); the server must not, whatever route is
asked.
"""

from __future__ import annotations

import _pickle
import json
import pickle
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_helpers import live_server, make_workspace, start_run, wait_kernel_ready, wait_run
from fastapi.testclient import TestClient

from sluicegate.store import OutputStore

TRAP = Path(__file__).resolve().parent / "fixtures" / "trap"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = make_workspace(tmp_path / "ws")
    shutil.copytree(TRAP, ws / "pipelines" / "trap")
    return ws


def _every_read_route(http: TestClient | httpx.Client, run_id: str) -> list[dict[str, Any]]:
    """Ask every route that reads the run or its outputs; the output pages."""
    detail = http.get(f"/api/runs/{run_id}").json()
    assert detail["run"]["status"] == "succeeded", detail
    pages = []
    children = http.get(f"/api/runs/{run_id}/blocks/wrap/children", params={"limit": 10})
    uuids = [("make", "make")] + [("wrap", c["uuid"]) for c in children.json()["items"]]
    assert len(uuids) == 4, children.text
    for block, uuid in uuids:
        assert http.get(f"/api/runs/{run_id}/block_runs/{uuid}").status_code == 200
        for params in ({}, {"offset": 1, "limit": 1}, {"offset": 0, "limit": 200}):
            page = http.get(f"/api/runs/{run_id}/outputs/{block}/{uuid}", params=params)
            assert page.status_code == 200, page.text
            pages.append(page.json())
    for path in ("logs", "events", "timeline", "blocks/make/children"):
        assert http.get(f"/api/runs/{run_id}/{path}").status_code == 200, path
    for path in ("/api/runs", f"/runs/{run_id}", "/metrics", "/api/kernel"):
        assert http.get(path).status_code == 200, path
    return pages


def _lines(marker: Path) -> list[str]:
    return marker.read_text().split() if marker.exists() else []


def _pids(marker: Path) -> set[int]:
    return {int(x) for x in marker.read_text().split()} if marker.exists() else set()


def test_a_real_server_never_unpickles_stored_outputs(workspace: Path, tmp_path: Path) -> None:
    marker = tmp_path / "unpickled-by.txt"
    with live_server(workspace) as server:
        http = server.http
        kernel_pid = wait_kernel_ready(http)["pid"]
        run_id = start_run(http, "trap", marker=str(marker))
        wait_run(http, run_id)
        during_run = _lines(marker)
        assert _pids(marker) <= {kernel_pid}, f"unpickled by {_pids(marker)}"
        pages = _every_read_route(http, run_id)
        assert _lines(marker) == during_run, (
            f"a read route unpickled: {_pids(marker)}; server {server.process.pid}"
        )

        # The pages show the kernel's reprs of the objects, taken when it stored them.
        make = pages[0]["preview"]
        assert make["kind"] == "table" and make["columns"] == ["i", "trap"]
        assert [row[1] for row in make["rows"]] == ["Trap(0)", "Trap(1)", "Trap(2)"]
        child = pages[3]["preview"]
        assert child["kind"] == "list"
        assert child["items"][0]["text"] == "[Trap(0), {'i': 0, 'trap': Trap(0)}]"

        # A notebook cell on the stored upstream: the kernel replays (unpickles) it, not us.
        cell = http.post(
            "/api/pipelines/trap/blocks/wrap/run", json={"variables": {"marker": str(marker)}}
        )
        assert cell.status_code == 200, cell.text
        assert "[None, {'i': 0, 'trap': None}]" in str(cell.json()["preview"])  # the traps ran
        _every_read_route(http, run_id)
        assert _pids(marker) == {kernel_pid}
        assert server.process.pid != kernel_pid

    # The trap is real: unpickling the stored data here runs it in this process.
    reader = OutputStore(workspace / ".sluicegate" / "runs").reader(run_id)
    assert reader.items("make", "make")[0]["trap"] is None  # exec(...) returned None
    assert pytest.importorskip("os").getpid() in _pids(marker)


def test_the_server_process_never_calls_an_unpickler(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every way into the unpickler, refused in the server process while it serves reads."""
    from api_helpers import open_client

    with open_client(workspace) as client:
        wait_kernel_ready(client)
        run_id = start_run(client, "trap", marker=str(tmp_path / "marker.txt"))
        wait_run(client, run_id)
        calls: list[str] = []

        def refuse(name: str) -> Any:
            def refused(*args: Any, **kwargs: Any) -> Any:
                calls.append(name)
                raise AssertionError(f"the server called {name}")

            return refused

        for module in (pickle, _pickle):
            for name in ("load", "loads", "Unpickler"):
                monkeypatch.setattr(module, name, refuse(f"{module.__name__}.{name}"))
        monkeypatch.setattr(pickle, "_load", refuse("pickle._load"))
        monkeypatch.setattr(pickle, "_loads", refuse("pickle._loads"))
        pages = _every_read_route(client, run_id)
        monkeypatch.undo()
    assert calls == []
    assert all(page["preview"]["kind"] in ("table", "list") for page in pages)


def test_outputs_stored_by_an_older_version_get_a_notice_not_data(
    client: TestClient, workspace: Path, tmp_path: Path
) -> None:
    """Runs stored before views existed: their pages say so; the server does not unpickle."""
    wait_kernel_ready(client)
    marker = tmp_path / "marker.txt"
    run_id = start_run(client, "trap", marker=str(marker))
    wait_run(client, run_id)
    during_run = _lines(marker)  # the kernel's own copies, if any
    for block in (workspace / ".sluicegate" / "runs" / run_id / "blocks").iterdir():
        index = block / "index.jsonl"
        lines = [json.loads(line) for line in index.read_text().splitlines()]
        index.write_text("".join(json.dumps({**x, "view": None}) + "\n" for x in lines))
        (block / "views.jsonl").unlink()
    page = client.get(f"/api/runs/{run_id}/outputs/make/make")
    assert page.status_code == 200, page.text
    assert page.json()["preview"]["kind"] == "notice"
    assert "older version" in page.json()["preview"]["text"]
    assert page.json()["total"] == 3 and page.json()["meta"]["count"] == 3
    assert _lines(marker) == during_run
