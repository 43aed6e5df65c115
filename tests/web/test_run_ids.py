"""Run ids that cannot be runs (`..`, `/`, NUL bytes, over-long) get a 4xx with a message from
every route that takes one, never a 500, and never read anything outside the output store."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sluicegate.store import OutputStore

BAD_IDS = {
    "dot-dot": "..",
    "dot": ".",
    "slash": "a/b",
    "up and out": "../../etc",
    "backslash": "..\\..\\etc",
    "nul": "run\x00id",
    "newline": "run\nid",
    "long": "r" * 5000,
    "long in bytes": "é" * 150,
}
OTHER_PARAMS = {"block": "B", "uuid": "B"}
# The run view's HTML page only puts the id in its template (the page then asks the API).
PAGES = ["/runs/{run_id}"]


def _encode(value: str) -> str:
    """Percent-encode every byte but letters and digits, dots too (so no client folds `..`)."""
    return "".join(c if c.isascii() and c.isalnum() else _bytes(c) for c in value)


def _bytes(c: str) -> str:
    return "".join(f"%{b:02X}" for b in c.encode())


def _run_id_routes(client: TestClient) -> list[tuple[str, str]]:
    paths: dict[str, Any] = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    routes = [
        (method.upper(), path)
        for path, item in paths.items()
        if "{run_id}" in path
        for method in item
    ]
    assert ("GET", "/api/runs/{run_id}/outputs/{block}/{uuid}") in routes
    assert len(routes) >= 9
    return routes


def _plant_a_run_outside_the_store(workspace: Path, tmp_path: Path) -> Path:
    """A real stored run's files in the store's parent folder, where `..` would point."""
    store = OutputStore(tmp_path / "elsewhere")
    run = store.start_run("r", {})
    out = run.open("B", "B", (), keep="all", budget_bytes=1 << 20)
    out.add([{"secret": 42}], 8, exact=True)
    out.finish("done")
    run.finish_run("done", {})
    parent = workspace / ".sluicegate"
    parent.mkdir(exist_ok=True)
    shutil.copy(tmp_path / "elsewhere" / "r" / "run.json", parent / "run.json")
    shutil.copytree(tmp_path / "elsewhere" / "r" / "blocks", parent / "blocks")
    return parent


@pytest.mark.parametrize("name", list(BAD_IDS))
def test_bad_run_ids_get_a_4xx_from_every_route(
    client: TestClient, workspace: Path, tmp_path: Path, name: str
) -> None:
    _plant_a_run_outside_the_store(workspace, tmp_path)
    run_id = BAD_IDS[name]
    for method, path in _run_id_routes(client):
        url = path.format(run_id=_encode(run_id), **OTHER_PARAMS)
        body = {} if method == "POST" else None
        response = client.request(method, url, json=body)
        where = f"{method} {path} with run id {name}"
        assert 400 <= response.status_code < 500, f"{where}: {response.status_code}"
        assert "secret" not in response.text, where
        body = response.json()  # ours names the problem; with a `/` no route matches at all
        assert body.get("error", {}).get("message") or body == {"detail": "Not Found"}, where
    for page in PAGES:
        response = client.get(page.format(run_id=_encode(run_id)))
        assert response.status_code < 500 and "secret" not in response.text, page


def test_the_outputs_route_explains_a_bad_run_id(client: TestClient) -> None:
    response = client.get(f"/api/runs/{_encode('..')}/outputs/B/B")
    assert response.status_code == 404
    message = response.json()["error"]["message"]
    assert "'..'" in message and "GET /api/runs" in message
