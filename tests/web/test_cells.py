"""Running one notebook cell: the block's output preview, what it printed and logged, or its
traceback with the failing line for the editor."""

from __future__ import annotations

from api_helpers import start_run, wait_run
from fastapi.testclient import TestClient

CHECK_THAT_DIVIDES_BY_ZERO = """\
if "transformer" not in globals():
    from mage_ai.data_preparation.decorators import transformer


@transformer
def check(rows, *args, **kwargs):
    total = sum(row["x"] for row in rows)
    return [row["x"] / (total - total) for row in rows]
"""


def test_a_cell_returns_its_preview_stdout_and_logs(client: TestClient) -> None:
    response = client.post("/api/pipelines/flaky/blocks/load/run", json={})

    assert response.status_code == 200
    cell = response.json()
    assert (cell["pipeline"], cell["block"], cell["status"]) == ("flaky", "load", "succeeded")
    (table,) = cell["preview"]["items"]
    assert table["columns"] == ["x", "y"]
    assert table["rows"][:3] == [[0, 0], [1, 1], [2, 4]]
    assert cell["stdout"] == "load: printing to stdout\n"
    assert [(line["level"], line["message"]) for line in cell["logs"]] == [("INFO", "load ran")]
    assert cell["error"] is None
    cells = client.get("/api/runs", params={"kind": "cell"}).json()["items"]
    assert [(c["pipeline"], c["status"]) for c in cells] == [("flaky", "succeeded")]
    assert client.get("/api/runs").json()["total"] == 0, "a cell run is not a pipeline run"


def test_a_cell_reads_its_upstream_from_the_last_run(client: TestClient) -> None:
    wait_run(client, start_run(client, "flaky", rows=3))

    cell = client.post("/api/pipelines/flaky/blocks/check/run", json={}).json()

    assert cell["status"] == "succeeded"
    (table,) = cell["preview"]["items"]
    assert table["columns"] == ["x", "y", "ok"]
    assert table["total_rows"] == 3, "the rows the last run's `load` stored"
    assert [line["message"] for line in cell["logs"]] == ["check ran"]
    assert cell["stdout"] == "", "load was not run again"


def test_a_failing_cell_gives_its_traceback_and_line(client: TestClient) -> None:
    client.put("/api/pipelines/flaky/blocks/check/code", json={"code": CHECK_THAT_DIVIDES_BY_ZERO})

    cell = client.post("/api/pipelines/flaky/blocks/check/run", json={"run_upstream": True}).json()

    assert cell["status"] == "failed"
    assert cell["preview"] is None
    error = cell["error"]
    assert (error["type"], error["message"]) == ("ZeroDivisionError", "division by zero")
    assert "pipelines/flaky/check.py" in error["traceback"]
    assert 'row["x"] / (total - total)' in error["traceback"]
    assert error["line"] == 8
    detail = client.get(f"/api/runs/{cell['run_id']}").json()
    assert detail["run"]["kind"] == "cell" and detail["run"]["status"] == "failed"


def test_a_cell_with_variables_fails_where_its_code_raises(client: TestClient) -> None:
    cell = client.post(
        "/api/pipelines/flaky/blocks/check/run", json={"variables": {"fail": True}}
    ).json()

    assert cell["status"] == "failed"
    assert cell["error"]["line"] == 9
    assert 'raise ValueError("check was told to fail")' in cell["error"]["traceback"]
    assert [line["message"] for line in cell["logs"]] == ["check ran"]


def test_a_cell_whose_code_does_not_compile_names_the_line(client: TestClient) -> None:
    code = "@transformer\ndef check(rows, *args, **kwargs):\n    return [row for row in rows\n"
    client.put("/api/pipelines/flaky/blocks/check/code", json={"code": code})

    cell = client.post("/api/pipelines/flaky/blocks/check/run", json={}).json()

    assert cell["status"] == "failed"
    assert "syntax error at line 3" in cell["error"]["message"]


def test_a_cell_whose_code_does_not_compile_gives_the_line_to_the_editor(
    client: TestClient,
) -> None:
    code = "@transformer\ndef check(rows, *args, **kwargs):\n    return [row for row in rows\n"
    client.put("/api/pipelines/flaky/blocks/check/code", json={"code": code})

    cell = client.post("/api/pipelines/flaky/blocks/check/run", json={}).json()

    assert cell["error"]["line"] == 3
    assert cell["error"]["traceback"] and "check.py" in cell["error"]["traceback"]


def test_an_unknown_cell_is_404(client: TestClient) -> None:
    response = client.post("/api/pipelines/flaky/blocks/nope/run", json={})
    assert response.status_code == 404
    assert "no block 'nope'" in response.json()["error"]["message"]


def test_a_cell_shows_only_its_own_stdout_when_upstreams_run_too(client: TestClient) -> None:
    cell = client.post("/api/pipelines/flaky/blocks/check/run", json={"run_upstream": True}).json()
    assert "load: printing to stdout" not in cell["stdout"], (
        "upstream prints stay with the upstream"
    )
