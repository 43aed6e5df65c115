"""Stale cells (GET /api/pipelines/{p}/stale): a block is stale when its code, or an upstream
block's code or stored output, changed since its last run; and a cell run reads each upstream
block's newest output, whichever run made it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from api_helpers import open_client, start_run, wait_run
from fastapi.testclient import TestClient

LINE = Path(__file__).parents[1] / "fixtures" / "cells_ws" / "pipelines" / "line"


def add_line(workspace: Path) -> Path:
    folder = workspace / "pipelines" / "line"
    shutil.copytree(LINE, folder)
    return folder


def stale(client: TestClient) -> dict[str, Any]:
    response = client.get("/api/pipelines/line/stale")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def reasons(data: dict[str, Any], block: str) -> list[tuple[str, str]]:
    return [(r["kind"], r["block"]) for r in data["blocks"][block]["reasons"]]


def run_cell(client: TestClient, block: str) -> dict[str, Any]:
    response = client.post(f"/api/pipelines/line/blocks/{block}/run", json={})
    assert response.status_code == 200, response.text
    cell: dict[str, Any] = response.json()
    assert cell["status"] == "succeeded", cell
    return cell


def test_nothing_is_stale_before_a_run_or_after_a_pipeline_run(workspace: Path) -> None:
    add_line(workspace)
    with open_client(workspace) as client:
        before = stale(client)
        assert before["stale"] == []
        assert {b: m["last_run"] for b, m in before["blocks"].items()} == dict.fromkeys(
            ["load", "double", "total"]
        )
        run_id = start_run(client, "line")
        wait_run(client, run_id)
        after = stale(client)
        assert after["stale"] == []
        assert {m["last_run"] for m in after["blocks"].values()} == {run_id}


def test_a_code_change_marks_the_block_and_its_downstream_until_they_run(
    workspace: Path,
) -> None:
    folder = add_line(workspace)
    with open_client(workspace) as client:
        wait_run(client, start_run(client, "line"))
        code = (folder / "double.py").read_text()
        (folder / "double.py").write_text(code.replace("* 2", "* 10"))

        marks = stale(client)
        assert marks["stale"] == ["double", "total"]  # graph order: the order to run them in
        assert reasons(marks, "double") == [("code", "double")]
        assert reasons(marks, "total") == [("upstream", "double")]
        assert "double's code changed" in marks["blocks"]["total"]["reasons"][0]["message"]
        assert marks["blocks"]["load"]["stale"] is False

        run_cell(client, "double")
        marks = stale(client)
        assert marks["stale"] == ["total"]
        assert reasons(marks, "total") == [("output", "double")]

        # total reads double's newest output (the cell run's), not the pipeline run's.
        cell = run_cell(client, "total")
        assert cell["preview"]["rows"] == [[60]]  # (0+1+2+3) * 10
        assert stale(client)["stale"] == []

    # The marks live on the server: a new server on the same workspace gives the same.
    (folder / "load.py").write_text((folder / "load.py").read_text().replace("4", "5"))
    with open_client(workspace) as client:
        marks = stale(client)
        assert marks["stale"] == ["load", "double", "total"]
        assert reasons(marks, "load") == [("code", "load")]
        assert reasons(marks, "double") == [("upstream", "load")]


def test_a_code_change_undone_is_not_stale(workspace: Path) -> None:
    folder = add_line(workspace)
    with open_client(workspace) as client:
        wait_run(client, start_run(client, "line"))
        code = (folder / "total.py").read_text()
        (folder / "total.py").write_text(code + "\n# a comment\n")
        assert stale(client)["stale"] == ["total"]
        (folder / "total.py").write_text(code)
        assert stale(client)["stale"] == []


def test_an_unknown_pipeline_is_404(client: TestClient) -> None:
    response = client.get("/api/pipelines/nope/stale")
    assert response.status_code == 404
    assert "nope" in response.json()["error"]["message"]
