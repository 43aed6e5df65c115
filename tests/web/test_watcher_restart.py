"""The file watcher never dies silently: a file it cannot read is reported as an error of its
pipeline, and a failure of the watcher itself is logged with its cause and the watcher starts
again, so the next edit still reaches the browser."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_helpers import LiveSocket, live_socket, open_client, receive_until
from fastapi.testclient import TestClient

from sluicegate.workspace.watch import WorkspaceTracker

B = "pipelines/seed_stream/B.py"


def edit(workspace: Path, marker: str) -> str:
    """Write B.py with a new comment, as another editor would; returns the code."""
    path = workspace / B
    code = path.read_text(encoding="utf-8", errors="replace").split("# edit")[0]
    code += f"# edit {marker}\n"
    path.write_text(code, encoding="utf-8")
    return code


def test_a_non_utf8_file_is_reported_and_the_next_edit_arrives(
    client: TestClient, live: LiveSocket, workspace: Path
) -> None:
    receive_until(live, "hello", timeout=5)
    time.sleep(0.3)  # the watch is in place a quarter of a second after start
    yaml = workspace / "pipelines/seed_stream/pipeline.yaml"
    good = yaml.read_bytes()

    yaml.write_bytes(good + b"\ndescription: caf\xe9\n")
    broken = receive_until(live, "pipeline_changed", timeout=5)
    yaml.write_bytes(good)
    fixed = receive_until(live, "pipeline_changed", timeout=5)
    code = edit(workspace, "after the fix")
    changed = receive_until(live, lambda f: f.get("code") == code, timeout=5)

    assert "not UTF-8" in broken["error"]["message"]
    assert broken["error"]["where"] == "pipelines/seed_stream/pipeline.yaml"
    assert fixed["error"] is None
    assert (changed["pipeline"], changed["block"]) == ("seed_stream", "B")


@pytest.fixture
def failing_once(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The tracker's first batch of changes raises, as an unexpected bug would."""
    calls: list[int] = []
    real = WorkspaceTracker.changes

    def changes(self: WorkspaceTracker, paths: object) -> object:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the watcher broke on purpose")
        return real(self, paths)  # type: ignore[arg-type]

    monkeypatch.setattr(WorkspaceTracker, "changes", changes)
    yield calls


def test_the_watcher_restarts_after_a_failure(
    workspace: Path, failing_once: list[int], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="sluicegate.workspace.watch")
    with open_client(workspace, watch=True) as client, live_socket(client) as live:
        receive_until(live, "hello", timeout=5)
        time.sleep(0.3)
        edit(workspace, "lost")  # the watcher fails on this one
        deadline = time.monotonic() + 5
        while not caplog.records and time.monotonic() < deadline:
            time.sleep(0.05)
        # The new watch reports every pipeline once when it is in place (the resync).
        receive_until(live, "pipeline_changed", timeout=10)
        code = edit(workspace, "after the restart")
        changed = receive_until(live, lambda f: f.get("code") == code, timeout=10)

    assert (changed["pipeline"], changed["block"]) == ("seed_stream", "B")
    failure = caplog.records[0]
    assert "restarting it in" in failure.getMessage()
    assert failure.exc_info is not None and "broke on purpose" in str(failure.exc_info[1])
