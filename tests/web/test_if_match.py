"""No lost updates: every read gives a version (ETag), a write that names an old one (If-Match)
is refused with 412 and the current version, and nothing is written; a client that sends no
If-Match is not checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

BLOCK = "/api/pipelines/seed_stream/blocks/B"
PIPELINE = "/api/pipelines/seed_stream"
ON_DISK = "# edited in another editor\n"


def quoted(version: str) -> str:
    return f'"{version}"'


def test_reads_give_the_version_of_each_file(client: TestClient, workspace: Path) -> None:
    pipeline = client.get(PIPELINE)
    data = pipeline.json()
    assert pipeline.headers["ETag"] == quoted(data["version"])
    versions = {name: block["version"] for name, block in data["blocks"].items()}
    assert len(set(versions.values()) | {data["version"]}) == 5, "one version per file"

    block = client.get(BLOCK)
    assert block.headers["ETag"] == quoted(versions["B"]) == quoted(block.json()["version"])

    code = workspace / "pipelines/seed_stream/B.py"
    code.write_text(code.read_text() + ON_DISK)
    again = client.get(PIPELINE).json()
    assert again["blocks"]["B"]["version"] != versions["B"]
    assert again["blocks"]["A"]["version"] == versions["A"]
    assert again["version"] == data["version"], "a code edit leaves the pipeline's version"


def test_a_code_save_based_on_the_current_version_answers_the_new_one(
    client: TestClient, workspace: Path
) -> None:
    etag = client.get(BLOCK).headers["ETag"]
    saved = client.put(f"{BLOCK}/code", json={"code": "x = 1\n"}, headers={"If-Match": etag})

    assert saved.status_code == 200, saved.text
    assert (workspace / "pipelines/seed_stream/B.py").read_text() == "x = 1\n"
    new = saved.headers["ETag"]
    assert new != etag
    assert (
        new == quoted(saved.json()["blocks"]["B"]["version"]) == client.get(BLOCK).headers["ETag"]
    )
    again = client.put(f"{BLOCK}/code", json={"code": "x = 2\n"}, headers={"If-Match": new})
    assert again.status_code == 200, again.text


def test_a_stale_code_save_is_refused_and_the_edit_on_disk_kept(
    client: TestClient, workspace: Path
) -> None:
    etag = client.get(BLOCK).headers["ETag"]
    code = workspace / "pipelines/seed_stream/B.py"
    on_disk = code.read_text() + ON_DISK
    code.write_text(on_disk)

    stale = client.put(f"{BLOCK}/code", json={"code": "x = 1\n"}, headers={"If-Match": etag})

    assert stale.status_code == 412
    assert code.read_text() == on_disk
    error = stale.json()["error"]
    current = client.get(BLOCK).json()["version"]
    assert error["type"] == "PreconditionFailed"
    assert error["version"] == current
    assert stale.headers["ETag"] == quoted(current)
    assert error["where"] == "pipelines/seed_stream/B.py"
    assert "pipelines/seed_stream/B.py changed since you read it" in error["message"]
    assert quoted(current) in error["message"], "the message says how to overwrite"

    overwrite = client.put(
        f"{BLOCK}/code", json={"code": "x = 1\n"}, headers={"If-Match": quoted(current)}
    )
    assert overwrite.status_code == 200
    assert code.read_text() == "x = 1\n"


def test_without_if_match_a_save_writes_as_before(client: TestClient, workspace: Path) -> None:
    code = workspace / "pipelines/seed_stream/B.py"
    code.write_text(code.read_text() + ON_DISK)

    saved = client.put(f"{BLOCK}/code", json={"code": "x = 1\n"})

    assert saved.status_code == 200
    assert code.read_text() == "x = 1\n"
    assert saved.headers["ETag"] == quoted(saved.json()["blocks"]["B"]["version"])


@pytest.mark.parametrize(
    ("if_match", "status"),
    [
        ("*", 200),
        ("W/{etag}", 412),  # If-Match compares strongly: a weak tag never matches
        ('"nope", {etag}', 200),
        ("{version}", 200),  # the bare `version` of a JSON body is accepted too
        ('"nope"', 412),
    ],
)
def test_if_match_forms(client: TestClient, if_match: str, status: int) -> None:
    read = client.get(BLOCK)
    header = if_match.format(etag=read.headers["ETag"], version=read.json()["version"])
    response = client.put(f"{BLOCK}/code", json={"code": "x = 1\n"}, headers={"If-Match": header})
    assert response.status_code == status, response.text


def test_if_match_any_needs_the_file_to_exist(client: TestClient, workspace: Path) -> None:
    (workspace / "pipelines/seed_stream/B.py").unlink()

    response = client.put(f"{BLOCK}/code", json={"code": "x = 1\n"}, headers={"If-Match": "*"})

    assert response.status_code == 412
    assert response.json()["error"]["version"] is None
    assert "does not exist any more" in response.json()["error"]["message"]
    assert not (workspace / "pipelines/seed_stream/B.py").exists()


STRUCTURED: list[tuple[str, str, dict[str, Any] | None, int]] = [
    ("post", "/blocks", {"name": "E"}, 201),
    ("patch", "/blocks/B", {"settings": {"dynamic": True}}, 200),
    ("patch", "/blocks/B", {"name": "B2"}, 200),
    ("patch", "/blocks/D/ports/C", {"settings": {"rows_per_buffer": 7}}, 200),
    ("delete", "/blocks/D", None, 200),
    ("post", "/edges", {"src": "A", "dst": "C"}, 201),
    ("patch", "/edges/C.out->D.C", {"settings": {"buffering_mode": "full"}}, 200),
    ("delete", "/edges/C.out->D.C", None, 200),
    ("patch", "", {"description": "changed"}, 200),
    ("delete", "", None, 204),
]


def send(client: TestClient, method: str, path: str, body: Any, etag: str | None) -> Any:
    headers = {"If-Match": etag} if etag else {}
    url = PIPELINE + path
    if body is None:
        return client.request(method, url, headers=headers)
    return client.request(method, url, json=body, headers=headers)


@pytest.mark.parametrize(("method", "path", "body", "ok"), STRUCTURED)
def test_structured_edits_take_the_pipeline_version(
    client: TestClient, workspace: Path, method: str, path: str, body: Any, ok: int
) -> None:
    yaml_file = workspace / "pipelines/seed_stream/pipeline.yaml"
    etag = client.get(PIPELINE).headers["ETag"]
    on_disk = yaml_file.read_text() + "# a comment added on disk\n"
    yaml_file.write_text(on_disk)

    stale = send(client, method, path, body, etag)

    assert stale.status_code == 412, stale.text
    assert yaml_file.read_text() == on_disk
    error = stale.json()["error"]
    assert error["where"] == "pipelines/seed_stream/pipeline.yaml"
    current = client.get(PIPELINE).headers["ETag"]
    assert quoted(error["version"]) == current == stale.headers["ETag"]

    done = send(client, method, path, body, current)

    assert done.status_code == ok, done.text
    if ok == 204:
        assert not yaml_file.exists()
    else:
        assert done.headers["ETag"] == quoted(done.json()["version"]) != current
        assert done.headers["ETag"] == client.get(PIPELINE).headers["ETag"]


def test_saving_code_does_not_make_a_structured_edit_stale(client: TestClient) -> None:
    read = client.get(PIPELINE)
    code_etag = quoted(read.json()["blocks"]["B"]["version"])
    saved = client.put(f"{BLOCK}/code", json={"code": "x = 1\n"}, headers={"If-Match": code_etag})
    assert saved.status_code == 200

    edit = client.patch(
        BLOCK, json={"settings": {"dynamic": True}}, headers={"If-Match": read.headers["ETag"]}
    )

    assert edit.status_code == 200, edit.text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/api/pipelines/nope/blocks/B/code"),
        ("put", f"{BLOCK}x/code"),
        ("delete", "/api/pipelines/nope"),
    ],
)
def test_a_missing_pipeline_or_block_is_404_whatever_if_match_says(
    client: TestClient, method: str, path: str
) -> None:
    body = {"json": {"code": "x = 1\n"}} if method == "put" else {}
    response = client.request(method, path, headers={"If-Match": '"stale"'}, **body)
    assert response.status_code == 404, response.text
