"""Structured edits through the API change only the lines they mean to change in pipeline.yaml:
comments, key order, quoting and explicit default values stay byte for byte. Every example
pipeline and a pipeline written by `import-mage` get each kind of edit, one after another,
and each save is diffed against the file before it. An edit plans the new pipeline in memory:
no temporary folder, no copy of the workspace."""

from __future__ import annotations

import difflib
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sluicegate.workspace.mage_import import import_mage

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from api_helpers import make_workspace, open_client

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p.name for p in (REPO / "examples" / "pipelines").iterdir() if p.is_dir())
MAGE_PROJECT = REPO / "tests" / "fixtures" / "mage_project"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "ws")


@pytest.fixture
def client(workspace: Path) -> Iterator[TestClient]:
    with open_client(workspace) as client:
        yield client


def text_of(workspace: Path, pipeline: str) -> str:
    return (workspace / "pipelines" / pipeline / "pipeline.yaml").read_text()


def changes(before: str, after: str) -> tuple[list[str], list[str]]:
    """(removed lines, added lines) between two versions of a file."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")]


def comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if "#" in line]


class Editor:
    """Applies one edit through the API and returns the lines it removed and added."""

    def __init__(self, client: TestClient, workspace: Path, pipeline: str) -> None:
        self.client, self.workspace, self.pipeline = client, workspace, pipeline
        self.base = f"/api/pipelines/{pipeline}"

    def __call__(self, method: str, path: str, body: Any = None) -> tuple[list[str], list[str]]:
        before = text_of(self.workspace, self.pipeline)
        response = self.client.request(method, self.base + path, json=body)
        assert response.status_code < 300, response.text
        after = text_of(self.workspace, self.pipeline)
        for line in comments(before):  # a comment goes only with the line it is on
            assert line in after.splitlines() or line.split("#")[0].strip(), line
        return changes(before, after)

    def spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = self.client.get(self.base).json()["spec"]
        return spec


def edit_every_way(client: TestClient, workspace: Path, pipeline: str) -> None:
    edit = Editor(client, workspace, pipeline)
    original = text_of(workspace, pipeline)
    first = edit.spec()["blocks"][0]["name"]

    assert edit("PATCH", "", {"mode": "batch"}) == (
        [line for line in original.splitlines() if line.startswith("mode:")],
        ["mode: batch"],
    )
    removed, added = edit("POST", "/blocks", {"name": "added_block"})
    assert removed == [] and [a.strip() for a in added] == ["- name: added_block"]

    removed, added = edit("PATCH", "/blocks/added_block", {"name": "renamed_block"})
    assert [r.strip() for r in removed] == ["- name: added_block"]
    assert [a.strip() for a in added] == ["- name: renamed_block"]

    removed, added = edit("PATCH", "/blocks/renamed_block", {"settings": {"description": "new"}})
    assert removed == [] and [a.strip() for a in added] == ["description: new"]

    removed, added = edit("POST", "/edges", {"src": first, "dst": "renamed_block"})
    assert removed == [] and len(added) in (1, 2)  # `{from: a, to: b}` or two lines
    assert first in " ".join(added) and "renamed_block" in " ".join(added)

    removed, added = edit(
        "PATCH", f"/blocks/renamed_block/ports/{first}", {"settings": {"rows_per_buffer": 8}}
    )
    assert removed == [] and [a.strip() for a in added] == [
        "ports:",
        f"{first}:",
        "rows_per_buffer: 8",
    ]

    rules = edit.spec().get("config", [])
    rule = {"apply_to": f"renamed_block.{first}", "bytes_per_row_buffer": 4096}
    removed, added = edit("PATCH", "", {"config": [*rules, rule]})
    assert removed == []
    assert [a.strip().lstrip("- ") for a in added if a.strip() != "config:"] == [
        f"apply_to: renamed_block.{first}",
        "bytes_per_row_buffer: 4096",
    ]

    variables = edit.spec().get("variables", {})
    removed, added = edit("PATCH", "", {"variables": {**variables, "added_var": 7}})
    assert removed == [] and [a.strip() for a in added if a.strip() != "variables:"] == [
        "added_var: 7"
    ]

    removed, added = edit("DELETE", f"/edges/{first}.out->renamed_block.{first}")
    assert added == []
    edge_lines = 2 if "- from:" in original else 1
    # the edge, its port's settings, the rule on that port (and `config:` if it was the only one)
    assert len(removed) == edge_lines + 3 + 2 + (0 if rules else 1)

    removed, added = edit("DELETE", "/blocks/renamed_block")
    assert added == [] and [r.strip() for r in removed] == [
        "- name: renamed_block",
        "description: new",
    ]

    removed, added = edit("PATCH", "", {"variables": variables or None, "config": rules or None})
    expected = {"added_var: 7"} | ({"variables:"} if not variables else set())
    assert added == [] and {r.strip() for r in removed} == expected
    edit("PATCH", "", {"mode": "stream"})
    after = text_of(workspace, pipeline)
    removed, added = changes(original, after)
    assert removed == added or removed == [
        line for line in original.splitlines() if line.startswith("mode:")
    ], (removed, added)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("pipeline", EXAMPLES)
def test_every_edit_of_an_example_changes_only_its_lines(
    client: TestClient, workspace: Path, pipeline: str
) -> None:
    edit_every_way(client, workspace, pipeline)


@pytest.mark.timeout(120)
def test_every_edit_of_an_imported_mage_pipeline_changes_only_its_lines(tmp_path: Path) -> None:
    target = tmp_path / "imported"
    import_mage(MAGE_PROJECT, target)
    shutil.rmtree(target / "pipelines" / "with_sql")  # its SQL block is left out: no edges
    with open_client(target) as client:
        edit_every_way(client, target, "etl_demo")


def test_a_settings_edit_keeps_every_comment_of_etl_sort_join(
    client: TestClient, workspace: Path
) -> None:
    before = text_of(workspace, "etl_sort_join")
    assert len(comments(before)) >= 35
    response = client.patch("/api/pipelines/etl_sort_join", json={"settings": {"max_running": 2}})
    assert response.status_code == 200, response.text
    after = text_of(workspace, "etl_sort_join")
    assert comments(after) == comments(before)
    assert changes(before, after) == ([], ["settings:", "  max_running: 2"])


def test_explicit_defaults_quoting_and_yaml_1_1_values_survive(
    client: TestClient, workspace: Path
) -> None:
    path = workspace / "pipelines" / "seed_stream" / "pipeline.yaml"
    text = path.read_text().replace("  a_sleep: 0\n", "  a_sleep: 0\n  flag: yes\n  quoted: 'x'\n")
    text = text.replace("  - name: B\n", "  - name: B\n    match: product   # the default\n")
    path.write_text(text)
    response = client.patch(
        "/api/pipelines/seed_stream/blocks/C", json={"settings": {"collect": True}}
    )
    assert response.status_code == 200, response.text
    assert changes(text, path.read_text()) == ([], ["    collect: true"])
    response = client.patch(
        "/api/pipelines/seed_stream", json={"variables": {"a_sleep": 0, "word": "yes"}}
    )
    assert response.status_code == 200, response.text
    removed, added = changes(text, path.read_text())
    assert removed[:2] == ["  flag: yes", "  quoted: 'x'"] and "  word: 'yes'" in added
    read = client.get("/api/pipelines/seed_stream").json()["spec"]["variables"]
    assert read["word"] == "yes"  # a string, not True


def test_a_removed_key_takes_its_comments_and_leaves_the_others(
    client: TestClient, workspace: Path
) -> None:
    path = workspace / "pipelines" / "etl_sort_join" / "pipeline.yaml"
    before = path.read_text()
    response = client.delete("/api/pipelines/etl_sort_join/edges/sort_orders.out->join.left")
    assert response.status_code == 200, response.text
    removed, added = changes(before, path.read_text())
    assert added == [] and [r.strip() for r in removed] == [
        "- {from: sort_orders, to: join.left}         # first edge into join: its first argument"
    ]


def test_a_refused_edit_writes_nothing(client: TestClient, workspace: Path) -> None:
    path = workspace / "pipelines" / "etl_sort_join" / "pipeline.yaml"
    before = path.read_bytes()
    response = client.post(
        "/api/pipelines/etl_sort_join/edges", json={"src": "report", "dst": "orders"}
    )
    assert response.status_code == 422 and "cycle" in response.text
    assert path.read_bytes() == before


def test_an_edit_makes_no_temporary_folder_and_copies_nothing(
    client: TestClient, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an edit made a temporary folder or copied the workspace")

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    monkeypatch.setattr(tempfile, "TemporaryDirectory", refuse)
    monkeypatch.setattr(shutil, "copytree", refuse)
    monkeypatch.setattr(shutil, "copy2", refuse)
    base = "/api/pipelines/etl_sort_join"
    for method, path, body, status in [
        ("POST", "/blocks", {"name": "extra"}, 201),
        ("POST", "/edges", {"src": "report", "dst": "extra"}, 201),
        ("PATCH", "/blocks/extra", {"name": "extra2"}, 200),
        ("POST", "/edges", {"src": "extra2", "dst": "orders"}, 422),  # refused: a cycle
        ("PATCH", "", {"mode": "batch"}, 200),
        ("DELETE", "/blocks/extra2", None, 200),
    ]:
        response = client.request(method, base + path, json=body)
        assert response.status_code == status, response.text
    assert "extra" not in text_of(workspace, "etl_sort_join")
