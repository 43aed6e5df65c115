"""Creating, renaming, deleting and configuring pipelines; reading them, broken or not."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from workspace_helpers import fingerprint

from sluicegate.errors import Conflict, NotFound, PlanError
from sluicegate.graph.build import load_pipeline
from sluicegate.workspace import WorkspaceEditor

ETL = Path("pipelines/etl")


def test_create_writes_an_empty_pipeline(editor: WorkspaceEditor, workspace: Path) -> None:
    state = editor.create_pipeline("sales-2024", description="Monthly sales")
    saved = yaml.safe_load((workspace / "pipelines/sales-2024/pipeline.yaml").read_text())
    assert saved == {"description": "Monthly sales"}
    assert state["spec"] == saved and state["blocks"] == {} and state["error"] is None
    assert editor.list_pipelines() == ["etl", "sales-2024"]
    assert load_pipeline(workspace, "sales-2024", environ={}).blocks == {}


@pytest.mark.parametrize(
    ("name", "error", "match"),
    [
        ("etl", Conflict, "pipeline 'etl' already exists"),
        ("../etl2", PlanError, "no path separators"),
        ("a/b", PlanError, "no path separators"),
    ],
)
def test_create_refusals_change_nothing(
    editor: WorkspaceEditor, workspace: Path, name: str, error: type[Exception], match: str
) -> None:
    before = fingerprint(workspace)
    with pytest.raises(error, match=match):
        editor.create_pipeline(name)
    assert fingerprint(workspace) == before
    assert sorted(p.name for p in (workspace / "pipelines").iterdir()) == ["etl"]


def test_rename_moves_the_folder(editor: WorkspaceEditor, workspace: Path) -> None:
    editor.rename_pipeline("etl", "etl_v2")
    assert editor.list_pipelines() == ["etl_v2"]
    assert (workspace / "pipelines/etl_v2/clean.py").is_file()
    assert load_pipeline(workspace, "etl_v2", environ={}).pipeline == "etl_v2"


def test_rename_updates_a_name_key(editor: WorkspaceEditor, workspace: Path) -> None:
    yaml_file = workspace / ETL / "pipeline.yaml"
    yaml_file.write_text("name: etl\n" + yaml_file.read_text())
    editor.rename_pipeline("etl", "etl_v2")
    assert editor.read_pipeline("etl_v2")["spec"]["name"] == "etl_v2"
    assert load_pipeline(workspace, "etl_v2", environ={}).pipeline == "etl_v2"


def test_rename_refusals_change_nothing(editor: WorkspaceEditor, workspace: Path) -> None:
    editor.create_pipeline("other")
    before = fingerprint(workspace)
    with pytest.raises(Conflict, match="already exists; choose another name"):
        editor.rename_pipeline("etl", "other")
    with pytest.raises(NotFound, match="pipeline 'nope' not found"):
        editor.rename_pipeline("nope", "fresh")
    with pytest.raises(PlanError, match="no path separators"):
        editor.rename_pipeline("etl", "x/y")
    assert fingerprint(workspace) == before


def test_delete_moves_the_pipeline_to_the_trash(editor: WorkspaceEditor, workspace: Path) -> None:
    code = (workspace / ETL / "clean.py").read_bytes()
    where = editor.delete_pipeline("etl")
    assert editor.list_pipelines() == []
    assert where.parent == workspace / ".sluicegate" / "trash"
    assert where.name.startswith("etl-")
    assert (where / "clean.py").read_bytes() == code
    with pytest.raises(NotFound):
        editor.delete_pipeline("etl")
    editor.create_pipeline("etl")
    assert len(list(editor.delete_pipeline("etl").parent.iterdir())) == 2  # nothing overwritten


def test_update_pipeline_settings(editor: WorkspaceEditor, workspace: Path) -> None:
    state = editor.update_pipeline_settings(
        "etl",
        {"mode": "batch", "variables": {"limit": 3}, "settings": {"fail_fast": False}},
    )
    assert state["spec"]["mode"] == "batch"
    topology = load_pipeline(workspace, "etl", environ={})
    assert topology.variables == {"limit": 3}
    assert topology.settings.mode == "batch" and topology.settings.fail_fast is False
    editor.update_pipeline_settings("etl", {"description": None, "mode": None})
    spec = editor.read_pipeline("etl")["spec"]
    assert "description" not in spec and "mode" not in spec  # back to the defaults


@pytest.mark.parametrize(
    ("patch", "match"),
    [
        ({"mode": "fast"}, r"field 'mode': invalid value 'fast' \(allowed: stream, batch\)"),
        ({"blocks": []}, "'blocks' is not a top-level setting that can be changed here"),
        ({"settngs": {}}, "did you mean 'settings'"),
        ({"buffers": {"rows_per_buffer": 0}}, "rows_per_buffer"),
        ({"config": [{"apply_to": "nope.x", "rows_per_buffer": 2}]}, "unknown block 'nope'"),
    ],
)
def test_invalid_settings_change_nothing(
    editor: WorkspaceEditor, workspace: Path, patch: dict[str, object], match: str
) -> None:
    before = fingerprint(workspace)
    with pytest.raises(PlanError, match=match) as info:
        editor.update_pipeline_settings("etl", patch)
    assert info.value.status == 422
    assert fingerprint(workspace) == before


def test_read_pipeline(editor: WorkspaceEditor) -> None:
    state = editor.read_pipeline("etl")
    assert list(state["blocks"]) == ["load", "clean", "report"]
    assert state["blocks"]["report"]["file"] == "save_report.py"
    assert "@data_exporter" in state["blocks"]["report"]["code"]
    assert [e["id"] for e in state["edges"]] == ["load.out->clean.load", "clean.out->report.clean"]
    assert state["yaml"].startswith("# The pipeline the workspace editor tests change")
    assert state["error"] is None and state["warnings"] == []
    with pytest.raises(NotFound, match="pipeline 'nope' not found"):
        editor.read_pipeline("nope")


def test_a_pipeline_with_a_plan_error_is_still_readable(
    editor: WorkspaceEditor, workspace: Path
) -> None:
    yaml_file = workspace / ETL / "pipeline.yaml"
    bad = "  - {from: claen, to: report.extra}"
    text = yaml_file.read_text().replace("config:", f"{bad}\nconfig:")
    yaml_file.write_text(text)
    state = editor.read_pipeline("etl")
    assert state["spec"]["edges"][-1] == {"from": "claen", "to": "report.extra"}
    assert state["blocks"]["clean"]["code"].startswith("if 'transformer'")
    error = state["error"]
    assert "unknown block 'claen'; did you mean 'clean'?" in error["message"]
    assert error["where"] == "pipelines/etl/pipeline.yaml"
    assert error["field"] == "edges[2].from"
    assert error["line"] == text.splitlines().index(bad) + 1


def test_a_pipeline_whose_yaml_does_not_parse_is_still_readable(
    editor: WorkspaceEditor, workspace: Path
) -> None:
    (workspace / ETL / "pipeline.yaml").write_text("blocks:\n  - name: load\n   bad: [\n")
    state = editor.read_pipeline("etl")
    assert state["spec"] is None
    assert state["yaml"].startswith("blocks:")
    assert "invalid YAML at line 3" in state["error"]["message"]
    assert state["error"]["line"] == 3


def test_replace_pipeline_yaml_keeps_the_text(editor: WorkspaceEditor, workspace: Path) -> None:
    yaml_file = workspace / ETL / "pipeline.yaml"
    text = yaml_file.read_text().replace("mode: stream", "mode: batch  # for the report")
    editor.replace_pipeline_yaml("etl", text)
    assert yaml_file.read_text() == text
    before = fingerprint(workspace)
    with pytest.raises(PlanError, match="edges form a cycle"):
        cycle = text.replace("config:", "  - {from: report, to: load}\nconfig:")
        editor.replace_pipeline_yaml("etl", cycle)
    with pytest.raises(PlanError, match="invalid YAML at line 2"):
        editor.replace_pipeline_yaml("etl", "mode: [\n")
    assert fingerprint(workspace) == before


def test_a_broken_pipeline_can_be_edited_and_fixed(
    editor: WorkspaceEditor, workspace: Path
) -> None:
    yaml_file = workspace / ETL / "pipeline.yaml"
    yaml_file.write_text(
        yaml_file.read_text().replace("config:", "  - {from: audit, to: report.raw}\nconfig:")
    )
    state = editor.update_pipeline_settings("etl", {"variables": {"limit": 5}})  # same error
    assert "unknown block 'audit'" in state["error"]["message"]
    before = fingerprint(workspace)
    with pytest.raises(PlanError, match="did you mean 'dynamic'"):  # a new first error
        editor.update_block_settings("etl", "clean", {"dynamc": True})
    assert fingerprint(workspace) == before
    assert editor.add_block("etl", "audit", kind="data_loader")["error"] is None
