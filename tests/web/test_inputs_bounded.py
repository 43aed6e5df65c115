"""Bounded inputs over the API: an unreadable pipeline is listed with its error, oversized
code is refused with 413, and bad names, paths and files get a 4xx, never a 500."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

API = "/api/pipelines"
BOMB = "\n".join(
    ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [
        f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9) + "]"
        for i in range(1, 9)
    ]
)


def broken(workspace: Path, name: str, content: bytes) -> None:
    folder = workspace / "pipelines" / name
    folder.mkdir(parents=True)
    (folder / "pipeline.yaml").write_bytes(content)


def listed(client: TestClient) -> dict[str, dict[str, Any]]:
    response = client.get(API)
    assert response.status_code == 200, response.text
    return {p["name"]: p for p in response.json()}


def test_the_listing_survives_unreadable_pipelines(client: TestClient, workspace: Path) -> None:
    broken(workspace, "bomb", BOMB.encode())
    broken(workspace, "latin1", b"description: caf\xe9\n")
    broken(workspace, "bad_yaml", b"blocks: [\n")

    start = time.monotonic()
    pipelines = listed(client)
    elapsed = time.monotonic() - start

    assert pipelines["bomb"]["error"].startswith("pipelines/bomb/pipeline.yaml: invalid YAML")
    assert "expands to more than 100,000 values" in pipelines["bomb"]["error"]
    assert "not UTF-8" in pipelines["latin1"]["error"]
    assert pipelines["bad_yaml"]["error"].startswith("pipelines/bad_yaml/pipeline.yaml: ")
    assert pipelines["seed_stream"]["error"] is None  # the others are unaffected
    assert elapsed < 10.0  # every pipeline of the workspace; measured: about 0.3 s


def test_reading_an_alias_bomb_is_an_error_within_a_second(
    client: TestClient, workspace: Path
) -> None:
    broken(workspace, "bomb", BOMB.encode())
    start = time.monotonic()
    response = client.get(f"{API}/bomb")
    assert time.monotonic() - start < 1.0  # measured: about 20 ms
    assert response.status_code == 200
    assert response.json()["error"]["where"] == "pipelines/bomb/pipeline.yaml"
    validated = client.post(f"{API}/bomb/validate").json()
    assert not validated["ok"] and "expands to more" in validated["errors"][0]["message"]
    run = client.post(f"{API}/bomb/runs", json={})
    assert run.status_code == 422 and "pipelines/bomb/pipeline.yaml" in run.text


def test_code_over_2_mib_is_refused_with_413(client: TestClient, workspace: Path) -> None:
    path = workspace / "pipelines" / "seed_stream" / "A.py"
    before = path.read_bytes()
    response = client.put(f"{API}/seed_stream/blocks/A/code", json={"code": "x = 1\n" * 350_000})
    assert response.status_code == 413, response.text
    assert path.read_bytes() == before


def test_non_utf8_files_are_errors_of_the_pipeline(client: TestClient, workspace: Path) -> None:
    (workspace / "pipelines" / "seed_stream" / "B.py").write_bytes(b"x = 'caf\xe9'\n")
    data = client.get(f"{API}/seed_stream").json()
    assert "not UTF-8" in data["blocks"]["B"]["error"]["message"]
    (workspace / "pipelines" / "seed_stream" / "pipeline.yaml").write_bytes(b"mode: \xff\n")
    data = client.get(f"{API}/seed_stream").json()
    assert data["spec"] is None and "not UTF-8" in data["error"]["message"]


LONG = "x" * 300


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", f"{API}/a%00b", None),
        ("get", f"{API}/{LONG}", None),
        ("get", f"{API}/{LONG}/plan", None),
        ("post", API, {"name": LONG}),
        ("post", API, {"name": "a\u0000b"}),
        ("patch", f"{API}/seed_stream", {"name": LONG}),
        ("post", f"{API}/seed_stream/blocks", {"name": LONG}),
        ("post", f"{API}/seed_stream/blocks", {"name": "a\u0000"}),
        ("post", f"{API}/seed_stream/blocks", {"name": "n", "settings": {"file": "a\u0000.py"}}),
        ("post", f"{API}/seed_stream/blocks", {"name": "n", "settings": {"file": LONG + ".py"}}),
        ("post", f"{API}/seed_stream/blocks", {"name": "n", "from_library": LONG}),
        ("put", f"{API}/seed_stream/blocks/a%00/code", {"code": "x = 1\n"}),
        ("put", f"{API}/seed_stream/blocks/{LONG}/code", {"code": "x = 1\n"}),
        ("patch", f"{API}/seed_stream/blocks/A", {"name": LONG}),
        ("patch", f"{API}/seed_stream/blocks/A", {"settings": {"file": "../../../../x.py"}}),
        ("patch", f"{API}/seed_stream/blocks/A/ports/{LONG}", {"settings": {"sizer": "deep"}}),
        ("delete", f"{API}/{LONG}", None),
    ],
)
def test_bad_names_and_paths_get_a_4xx(
    client: TestClient, method: str, path: str, body: dict[str, Any] | None
) -> None:
    kwargs: dict[str, Any] = {} if body is None else {"json": body}
    response = client.request(method.upper(), path, **kwargs)
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert response.json()["error"]["message"]


def test_an_edit_through_a_symlink_out_of_the_workspace_is_a_4xx(
    client: TestClient, workspace: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("x = 1\n")
    block = workspace / "pipelines" / "seed_stream" / "A.py"
    block.unlink()
    block.symlink_to(outside)

    response = client.put(f"{API}/seed_stream/blocks/A/code", json={"code": "x = 2\n"})

    assert response.status_code == 422
    assert "outside the workspace" in response.json()["error"]["message"]
    assert outside.read_text() == "x = 1\n" and block.is_symlink()


def test_code_with_a_lone_surrogate_is_a_4xx(client: TestClient, workspace: Path) -> None:
    before = (workspace / "pipelines" / "seed_stream" / "A.py").read_bytes()
    response = client.put(
        f"{API}/seed_stream/blocks/A/code",
        content=b'{"code": "x = \'\\ud800\'"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert "cannot be saved as UTF-8" in response.json()["error"]["message"]
    assert (workspace / "pipelines" / "seed_stream" / "A.py").read_bytes() == before
