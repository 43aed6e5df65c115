"""Pipelines, blocks and edges over HTTP: what the editor reads, and every change it makes,
written to the workspace files, or refused with a message that says why and files untouched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from api_helpers import start_run, wait_run
from fastapi.testclient import TestClient

EXAMPLES = {"deadlock_diamond", "etl_sort_join", "memory_generator", "seed_stream"}


def snapshot_files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_list_shows_every_example_with_its_last_run(client: TestClient) -> None:
    run_id = start_run(client, "flaky")
    wait_run(client, run_id)

    listed = {p["name"]: p for p in client.get("/api/pipelines").json()}

    assert set(listed) >= EXAMPLES
    assert listed["seed_stream"]["blocks"] == 4
    assert listed["seed_stream"]["description"].startswith("Dynamic blocks in stream mode")
    assert listed["seed_stream"]["last_run"] is None
    assert listed["flaky"]["last_run"]["id"] == run_id
    assert listed["flaky"]["last_run"]["status"] == "succeeded"
    assert all(p["error"] is None for p in listed.values())


def test_read_gives_spec_code_edges_and_the_diamond_warning(client: TestClient) -> None:
    data = client.get("/api/pipelines/deadlock_diamond").json()

    assert [b["name"] for b in data["spec"]["blocks"]] == ["S", "B", "J"]
    assert "def join(left, right" in data["blocks"]["J"]["code"]
    assert {e["id"] for e in data["edges"]} == {"S.out->J.left", "S.out->B.S", "B.out->J.right"}
    (warning,) = data["warnings"]
    assert (warning["code"], warning["block"], warning["port"]) == ("diamond", "J", "right")
    assert "buffering_mode: full" in warning["message"]
    assert data["error"] is None


def test_read_one_block(client: TestClient) -> None:
    block = client.get("/api/pipelines/seed_stream/blocks/A").json()
    assert block["spec"] == {"name": "A", "dynamic": True}
    assert "yield {'id': i}" in block["code"]


def test_create_rename_and_delete_a_pipeline(client: TestClient, workspace: Path) -> None:
    created = client.post("/api/pipelines", json={"name": "fresh", "description": "a new one"})
    assert created.status_code == 201
    assert (workspace / "pipelines/fresh/pipeline.yaml").read_text() == "description: a new one\n"
    again = client.post("/api/pipelines", json={"name": "fresh"})
    assert again.status_code == 409
    assert "already exists" in again.json()["error"]["message"]

    renamed = client.patch("/api/pipelines/fresh", json={"name": "fresher"})
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "fresher"
    assert not (workspace / "pipelines/fresh").exists()
    assert "fresher" in {p["name"] for p in client.get("/api/pipelines").json()}

    assert client.delete("/api/pipelines/fresher").status_code == 204
    assert client.get("/api/pipelines/fresher").status_code == 404
    assert list((workspace / ".sluicegate/trash").iterdir()), "a deleted pipeline goes to the trash"


def test_build_a_pipeline_block_by_block(client: TestClient, workspace: Path) -> None:
    folder = workspace / "pipelines/built"
    client.post("/api/pipelines", json={"name": "built"})
    loader = client.post("/api/pipelines/built/blocks", json={"name": "src", "kind": "data_loader"})
    assert loader.status_code == 201
    assert "@data_loader" in (folder / "src.py").read_text()
    code = "@transformer\ndef double(x, *args, **kwargs):\n    return x\n"
    assert (
        client.post("/api/pipelines/built/blocks", json={"name": "t", "code": code}).status_code
        == 201
    )
    edge = client.post("/api/pipelines/built/edges", json={"src": "src", "dst": "t"})
    assert edge.status_code == 201
    assert [e["id"] for e in edge.json()["edges"]] == ["src.out->t.src"]

    new_code = code.replace("return x", "return x * 2")
    updated = client.put("/api/pipelines/built/blocks/t/code", json={"code": new_code})
    assert updated.json()["blocks"]["t"]["code"] == new_code
    assert (folder / "t.py").read_text() == new_code

    patched = client.patch(
        "/api/pipelines/built/blocks/t", json={"settings": {"keep_outputs": "none"}}
    )
    assert {"name": "t", "keep_outputs": "none"} in patched.json()["spec"]["blocks"]

    renamed = client.patch("/api/pipelines/built/blocks/t", json={"name": "double"}).json()
    assert set(renamed["blocks"]) == {"src", "double"}
    assert [e["id"] for e in renamed["edges"]] == ["src.out->double.src"]
    assert (folder / "double.py").read_text() == new_code and not (folder / "t.py").exists()

    removed = client.delete("/api/pipelines/built/edges/src.out->double.src").json()
    assert removed["edges"] == []
    deleted = client.delete("/api/pipelines/built/blocks/double").json()
    assert set(deleted["blocks"]) == {"src"}
    assert not (folder / "double.py").exists()
    assert "double" not in (folder / "pipeline.yaml").read_text()


def test_validate_reports_errors_and_warnings(client: TestClient, workspace: Path) -> None:
    diamond = client.post("/api/pipelines/deadlock_diamond/validate").json()
    assert diamond["ok"] is True and diamond["errors"] == []
    assert [(w["code"], w["block"], w["port"]) for w in diamond["warnings"]] == [
        ("diamond", "J", "right")
    ]

    broken = workspace / "pipelines/broken"
    broken.mkdir()
    (broken / "pipeline.yaml").write_text("blocks:\n  - name: a\nedges:\n  - {from: a, to: b}\n")
    (broken / "a.py").write_text("@data_loader\ndef a(*args, **kwargs):\n    return 1\n")
    result = client.post("/api/pipelines/broken/validate").json()
    assert result["ok"] is False
    (error,) = result["errors"]
    assert "unknown block 'b'" in error["message"]
    assert error["field"] == "edges[0].to"


REFUSED: list[tuple[str, str, str, dict[str, Any], str]] = [
    ("cycle", "POST", "/edges", {"src": "D", "dst": "A"}, "cycle A -> B -> D -> A"),
    ("unknown block in an edge", "POST", "/edges", {"src": "Z", "dst": "A"}, "unknown block 'Z'"),
    ("bad block setting", "PATCH", "/blocks/D", {"settings": {"match": "sometimes"}}, "'match'"),
    (
        "bad number",
        "PATCH",
        "/blocks/D",
        {"settings": {"max_concurrent_children": "lots"}},
        "integer",
    ),
    ("bad buffer", "PATCH", "", {"buffers": {"rows_per_buffer": -3}}, "rows_per_buffer"),
    ("bad block name", "POST", "/blocks", {"name": "bad name!"}, "must match"),
    ("taken block name", "POST", "/blocks", {"name": "A"}, "already has a block 'A'"),
    (
        "unknown block",
        "PATCH",
        "/blocks/Q",
        {"settings": {"match": "product"}},
        "block 'Q' not found",
    ),
    ("unknown edge", "DELETE", "/edges/A.out->Q.A", {}, "did you mean 'A.out->B.A'"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "says"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED]
)
def test_a_refused_change_says_why_and_leaves_the_files_alone(
    client: TestClient, workspace: Path, method: str, path: str, body: dict[str, Any], says: str
) -> None:
    folder = workspace / "pipelines/seed_stream"
    before = snapshot_files(folder)

    response = client.request(method, f"/api/pipelines/seed_stream{path}", json=body or None)

    assert 400 <= response.status_code < 500
    assert says in response.json()["error"]["message"]
    assert snapshot_files(folder) == before


def test_a_setting_refused_by_the_request_model_says_why_too(
    client: TestClient, workspace: Path
) -> None:
    before = snapshot_files(workspace / "pipelines/seed_stream")

    response = client.patch("/api/pipelines/seed_stream", json={"mode": "fast"})

    assert response.status_code == 422
    assert snapshot_files(workspace / "pipelines/seed_stream") == before
    assert "mode" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/pipelines/nope"),
        ("POST", "/api/pipelines/nope/validate"),
        ("PATCH", "/api/pipelines/nope/blocks/A"),
        ("DELETE", "/api/pipelines/nope"),
        ("POST", "/api/pipelines/nope/runs"),
        ("GET", "/api/pipelines/seed_stream/blocks/nope"),
    ],
)
def test_unknown_pipeline_or_block_is_404(client: TestClient, method: str, path: str) -> None:
    body = {"settings": {}} if method == "PATCH" else ({} if method == "POST" else None)
    response = client.request(method, path, json=body)
    assert response.status_code == 404
    assert "'nope'" in response.json()["error"]["message"]


def test_edge_settings_and_config_rules_can_be_edited(client: TestClient) -> None:
    edge = "B.out->J.right"
    updated = client.patch(
        f"/api/pipelines/deadlock_diamond/edges/{edge}",
        json={"settings": {"buffering_mode": "full"}},
    )
    assert updated.status_code == 200, updated.text
    rules = client.patch("/api/pipelines/deadlock_diamond", json={"config": []})
    assert rules.status_code == 200, rules.text
    plan = client.get("/api/pipelines/deadlock_diamond/plan").json()
    assert plan["edges"][edge]["buffering_mode"] == {"value": "full", "source": "edge config"}
