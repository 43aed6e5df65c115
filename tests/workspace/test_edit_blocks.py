"""Adding, coding, configuring, renaming and deleting blocks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from workspace_helpers import files, fingerprint

from sluicegate.errors import Conflict, NotFound, PlanError
from sluicegate.graph.build import load_pipeline
from sluicegate.workspace import DEFAULT_LIBRARY, WorkspaceEditor

ETL = Path("pipelines/etl")


def saved(workspace: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((workspace / ETL / "pipeline.yaml").read_text())
    return data


def block(workspace: Path, name: str) -> dict[str, Any]:
    return next(b for b in saved(workspace)["blocks"] if b["name"] == name)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("transformer", "@transformer\ndef transform(data, *args, **kwargs):\n    return data\n"),
        ("data_loader", "@data_loader\ndef load_data(*args, **kwargs):\n    return []\n"),
        ("data_exporter", "@data_exporter\ndef export_data(data, *args, **kwargs):\n"),
        ("custom", "@custom\ndef transform_custom(*args, **kwargs):\n"),
    ],
)
def test_a_new_block_gets_a_template(
    editor: WorkspaceEditor, workspace: Path, kind: str, expected: str
) -> None:
    state = editor.add_block("etl", "extra", kind=kind)
    code = (workspace / ETL / "extra.py").read_text()
    assert expected in code
    assert state["blocks"]["extra"]["code"] == code and state["blocks"]["extra"]["error"] is None
    assert block(workspace, "extra") == {"name": "extra"}
    assert "extra" in load_pipeline(workspace, "etl", environ={}).blocks


def test_add_a_block_with_code_and_settings(editor: WorkspaceEditor, workspace: Path) -> None:
    settings = {"collect": True, "blocking_class": "fully_blocking", "description": None}
    editor.add_block(
        "etl", "total", code="def total(rows):\n    return sum(rows)\n", settings=settings
    )
    assert (workspace / ETL / "total.py").read_text().startswith("def total(rows):")
    assert block(workspace, "total") == {
        "name": "total",
        "collect": True,
        "blocking_class": "fully_blocking",
    }


def test_add_a_block_from_the_library(editor: WorkspaceEditor, workspace: Path) -> None:
    editor.add_block("etl", "twice", from_library="transforms/double")
    assert "return row * 2" in (workspace / ETL / "twice.py").read_text()
    assert editor.library_blocks() == ["transforms/double"]


def test_the_default_library_is_the_built_in_blocks(workspace: Path) -> None:
    editor = WorkspaceEditor(workspace)
    assert "transforms/sort" in editor.library_blocks()
    editor.add_block("etl", "sort", from_library="transforms/sort.py")
    sort = DEFAULT_LIBRARY / "transforms" / "sort.py"
    assert (workspace / ETL / "sort.py").read_bytes() == sort.read_bytes()


def test_add_a_block_for_an_existing_file_keeps_it(
    editor: WorkspaceEditor, workspace: Path
) -> None:
    (workspace / ETL / "mine.py").write_text("def mine(x):\n    return x\n")
    editor.add_block("etl", "mine")
    assert (workspace / ETL / "mine.py").read_text() == "def mine(x):\n    return x\n"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"name": "clean"}, Conflict, "already has a block 'clean'"),
        ({"name": "a/b"}, PlanError, "no path separators"),
        ({"name": "class"}, PlanError, "is a Python keyword"),
        ({"name": "x", "settings": {"dynamc": True}}, PlanError, "did you mean 'dynamic'"),
        ({"name": "x", "settings": {"file": "../../../x.py"}}, PlanError, "outside the workspace"),
        ({"name": "x", "kind": "transfomer"}, PlanError, "did you mean 'transformer'"),
        ({"name": "x", "from_library": "transforms/dubble"}, NotFound, "did you mean"),
        ({"name": "x", "from_library": "../etl"}, PlanError, "without '..'"),
        ({"name": "load", "code": "x = 1\n"}, Conflict, "already has a block"),
        ({"name": "clean2", "settings": {"file": "clean.py"}, "code": "1"}, Conflict, "exists"),
        ({"name": "x", "settings": {"start_constraint": "nope.done"}}, PlanError, "'nope'"),
    ],
)
def test_add_block_refusals_change_nothing(
    editor: WorkspaceEditor, workspace: Path, kwargs: dict[str, Any], error: type, match: str
) -> None:
    before = fingerprint(workspace)
    name = kwargs.pop("name")
    with pytest.raises(error, match=match):
        editor.add_block("etl", name, **kwargs)
    assert fingerprint(workspace) == before


def test_update_code_writes_only_the_block_file(editor: WorkspaceEditor, workspace: Path) -> None:
    before = (workspace / ETL / "pipeline.yaml").read_bytes()
    code = "@transformer\ndef transform(row, *args, **kwargs):\n    return row\r\n"
    editor.update_block_code("etl", "report", code)
    assert (workspace / ETL / "save_report.py").read_bytes() == code.encode()
    assert (workspace / ETL / "pipeline.yaml").read_bytes() == before
    assert files(workspace / ETL) == ["clean.py", "load.py", "pipeline.yaml", "save_report.py"]


def test_code_with_a_syntax_error_is_saved_and_reported(editor: WorkspaceEditor) -> None:
    state = editor.update_block_code("etl", "clean", "def transform(row:\n    return row\n")
    assert state["blocks"]["clean"]["code"] == "def transform(row:\n    return row\n"
    error = state["blocks"]["clean"]["error"]
    assert error["line"] == 1 and error["block"] == "clean"
    assert error["where"] == "pipelines/etl/clean.py"
    assert error["message"].startswith("syntax error at line 1: ")
    # The pipeline cannot run until the block is fixed: it says so, naming the block.
    assert state["error"]["block"] == "clean"
    assert "syntax error at line 1" in state["error"]["message"]


def test_update_code_of_an_unknown_block(editor: WorkspaceEditor, workspace: Path) -> None:
    before = fingerprint(workspace)
    with pytest.raises(NotFound, match="block 'claen' not found in pipeline 'etl'; did you mean"):
        editor.update_block_code("etl", "claen", "x = 1\n")
    with pytest.raises(NotFound, match="pipeline 'nope' not found"):
        editor.update_block_code("nope", "clean", "x = 1\n")
    assert fingerprint(workspace) == before


def test_update_block_settings_merges(editor: WorkspaceEditor, workspace: Path) -> None:
    editor.update_block_settings("etl", "clean", {"dynamic": True, "max_concurrent_children": 4})
    editor.update_block_settings("etl", "clean", {"max_concurrent_children": None})
    assert block(workspace, "clean") == {
        "name": "clean",
        "dynamic": True,
        "ports": {"load": {"buffering_mode": "full"}},
    }
    assert load_pipeline(workspace, "etl", environ={}).blocks["clean"].dynamic


@pytest.mark.parametrize(
    ("settings", "error", "match"),
    [
        ({"dynamic": "yes"}, PlanError, "block 'clean', field 'dynamic'"),
        ({"match": "zip"}, PlanError, "invalid value 'zip'"),
        ({"reduce_output": True}, PlanError, "no upstream block is dynamic"),
        ({"file": "missing.py"}, PlanError, "file 'missing.py' not found"),
        ({"name": "other"}, PlanError, "rename_block"),
    ],
)
def test_invalid_block_settings_change_nothing(
    editor: WorkspaceEditor, workspace: Path, settings: dict[str, Any], error: type, match: str
) -> None:
    before = fingerprint(workspace)
    with pytest.raises(error, match=match):
        editor.update_block_settings("etl", "clean", settings)
    assert fingerprint(workspace) == before


def test_update_port_settings(editor: WorkspaceEditor, workspace: Path) -> None:
    editor.update_port_settings("etl", "report", "clean", {"bytes_per_row_buffer": 64})
    editor.update_port_settings("etl", "clean", "load", {"buffering_mode": None})
    assert block(workspace, "report")["ports"] == {"clean": {"bytes_per_row_buffer": 64}}
    assert "ports" not in block(workspace, "clean")
    topology = load_pipeline(workspace, "etl", environ={})
    assert topology.edges["clean.out->report.clean"].config.bytes_per_row_buffer.value == 64
    before = fingerprint(workspace)
    with pytest.raises(PlanError, match="unknown input port 'claen'; did you mean 'clean'"):
        editor.update_port_settings("etl", "report", "claen", {"rows_per_buffer": 4})
    with pytest.raises(PlanError, match=r"field 'ports\.clean\.sizer'"):
        editor.update_port_settings("etl", "report", "clean", {"sizer": "exact"})
    assert fingerprint(workspace) == before


def test_rename_block_rewrites_every_reference(editor: WorkspaceEditor, workspace: Path) -> None:
    code = (workspace / ETL / "load.py").read_bytes()
    editor.rename_block("etl", "load", "read_rows")
    assert files(workspace / ETL) == ["clean.py", "pipeline.yaml", "read_rows.py", "save_report.py"]
    assert (workspace / ETL / "read_rows.py").read_bytes() == code
    data = saved(workspace)
    assert data["edges"][0] == {"from": "read_rows", "to": "clean"}
    clean = block(workspace, "clean")
    assert clean["ports"] == {"read_rows": {"buffering_mode": "full"}}  # the port is renamed too
    assert data["config"][0]["apply_to"] == "clean.read_rows"
    constraint = block(workspace, "report")["start_constraint"]
    assert constraint == "read_rows.succeeded and not clean.failed"
    topology = load_pipeline(workspace, "etl", environ={})
    assert list(topology.blocks) == ["read_rows", "clean", "report"]
    assert topology.edges["read_rows.out->clean.read_rows"].config.buffering_mode.value == "full"


def test_rename_a_block_with_its_own_file(editor: WorkspaceEditor, workspace: Path) -> None:
    editor.rename_block("etl", "report", "summary")
    assert block(workspace, "summary") == {
        "name": "summary",
        "file": "save_report.py",
        "start_constraint": "load.succeeded and not clean.failed",
    }
    assert saved(workspace)["config"][1]["apply_to"] == {"block": "summary"}
    assert saved(workspace)["edges"][1] == {"from": "clean", "to": "summary"}
    assert (workspace / ETL / "save_report.py").is_file()


@pytest.mark.parametrize(
    ("old", "new", "error", "match"),
    [
        ("load", "clean", Conflict, "already has a block 'clean'"),
        ("load", "save_report", Conflict, "file 'save_report.py' already exists"),
        ("load", "a.b", PlanError, "no path separators"),
        ("lod", "x", NotFound, "did you mean 'load'"),
    ],
)
def test_rename_block_refusals_change_nothing(
    editor: WorkspaceEditor, workspace: Path, old: str, new: str, error: type, match: str
) -> None:
    before = fingerprint(workspace)
    with pytest.raises(error, match=match):
        editor.rename_block("etl", old, new)
    assert fingerprint(workspace) == before


def test_delete_block_moves_its_file_to_the_trash(editor: WorkspaceEditor, workspace: Path) -> None:
    code = (workspace / ETL / "save_report.py").read_bytes()
    editor.delete_block("etl", "report")
    assert files(workspace / ETL) == ["clean.py", "load.py", "pipeline.yaml"]
    data = saved(workspace)
    assert data["edges"] == [{"from": "load", "to": "clean"}]
    assert [r["apply_to"] for r in data["config"]] == ["clean.load"]
    trashed = list((workspace / ".sluicegate" / "trash").rglob("save_report.py"))
    assert [p.read_bytes() for p in trashed] == [code]
    assert list(load_pipeline(workspace, "etl", environ={}).blocks) == ["load", "clean"]


def test_delete_block_named_in_a_start_constraint_is_refused(
    editor: WorkspaceEditor, workspace: Path
) -> None:
    before = fingerprint(workspace)
    with pytest.raises(PlanError, match="block 'report', field 'start_constraint'") as info:
        editor.delete_block("etl", "clean")
    assert "unknown block 'clean'" in info.value.message
    with pytest.raises(NotFound):
        editor.delete_block("etl", "nope")
    assert fingerprint(workspace) == before
