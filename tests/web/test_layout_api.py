"""Node positions over HTTP: a drag is saved to layout.yaml, comes back with the pipeline,
and a bad body is refused with a message naming the block."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient


def test_saved_positions_come_back_with_the_pipeline(client: TestClient, workspace: Path) -> None:
    version = client.get("/api/pipelines/seed_stream").json()["version"]

    saved = client.put(
        "/api/pipelines/seed_stream/layout", json={"positions": {"B": {"x": 320.6, "y": 48}}}
    )

    assert saved.status_code == 200, saved.text
    assert saved.json() == {"positions": {"B": {"x": 321.0, "y": 48.0}}}
    data = client.get("/api/pipelines/seed_stream").json()
    assert data["layout"] == {"B": {"x": 321, "y": 48}}
    assert data["version"] == version  # pipeline.yaml untouched: open edits stay valid
    assert (workspace / "pipelines/seed_stream/layout.yaml").is_file()
    assert client.get("/api/pipelines/seed_stream/layout").json()["positions"]["B"]["x"] == 321


def test_a_position_out_of_range_is_a_422_naming_the_block(client: TestClient) -> None:
    answer = client.put(
        "/api/pipelines/seed_stream/layout", json={"positions": {"C": {"x": 5e9, "y": 0}}}
    )
    assert answer.status_code == 422
    assert "block 'C'" in answer.text


def test_an_unknown_pipeline_is_a_404(client: TestClient) -> None:
    answer = client.put("/api/pipelines/nope/layout", json={"positions": {}})
    assert answer.status_code == 404
