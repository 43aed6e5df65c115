"""The workspace on disk: listing, creating from examples, saving pipelines atomically."""

from __future__ import annotations

from pathlib import Path

import pytest

from sluicegate.errors import Conflict, NotFound, PlanError
from sluicegate.graph.build import load_pipeline
from sluicegate.graph.spec import PipelineSpec
from sluicegate.workspace import (
    init_workspace,
    list_pipelines,
    pipeline_dir,
    read_pipeline_spec,
    write_pipeline_yaml,
)


def test_init_copies_the_examples(examples: Path, tmp_path: Path) -> None:
    target = tmp_path / "new"
    assert init_workspace(target, examples) == ["diamond", "seed_stream"]
    assert list_pipelines(target) == ["diamond", "seed_stream"]
    assert (target / "pipelines" / "seed_stream" / "sink.py").is_file()
    assert load_pipeline(target, "diamond", environ={}).pipeline == "diamond"


def test_init_into_an_empty_folder(examples: Path, tmp_path: Path) -> None:
    assert init_workspace(tmp_path, examples) == ["diamond", "seed_stream"]


def test_init_refuses_a_non_empty_target(examples: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(Conflict, match="is not an empty folder; choose a new or empty folder"):
        init_workspace(tmp_path, examples)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_init_refuses_a_file_target(examples: Path, tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    with pytest.raises(Conflict):
        init_workspace(tmp_path / "f", examples)


def test_init_needs_a_source_with_pipelines(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="has no pipelines/ folder"):
        init_workspace(tmp_path / "new", tmp_path)


def test_list_pipelines_skips_folders_without_a_pipeline(workspace: Path, make_pipeline) -> None:
    make_pipeline("", name="b")
    make_pipeline("", name="a-1")
    (workspace / "pipelines" / "scratch").mkdir()
    (workspace / "pipelines" / ".hidden").mkdir()
    (workspace / "pipelines" / ".hidden" / "pipeline.yaml").write_text("")
    assert list_pipelines(workspace) == ["a-1", "b"]
    assert list_pipelines(workspace / "nowhere") == []


def test_pipeline_dir_rejects_path_separators(workspace: Path) -> None:
    assert pipeline_dir(workspace, "p") == workspace / "pipelines" / "p"
    with pytest.raises(PlanError, match="no path separators"):
        pipeline_dir(workspace, "../p")


def test_write_round_trips(examples: Path, workspace: Path) -> None:
    spec = read_pipeline_spec(examples, "seed_stream")
    path = write_pipeline_yaml(workspace, "seed_stream", spec)
    assert path == workspace / "pipelines" / "seed_stream" / "pipeline.yaml"
    assert read_pipeline_spec(workspace, "seed_stream") == spec
    assert [p.name for p in path.parent.iterdir()] == ["pipeline.yaml"]


def test_write_round_trips_every_kind_of_setting(workspace: Path) -> None:
    spec = PipelineSpec.model_validate(
        {
            "description": "all: the: things\nover two lines",
            "mode": "batch",
            "variables": {"a_sleep": 0.5, "names": ["x", "y"], "nested": {"k": None}},
            "settings": {"fail_fast": False, "cancel_grace_s": 2.5},
            "buffers": {"buffering_mode": "default", "sizer": "deep"},
            "blocks": [
                {"name": "A", "dynamic": True, "start_constraint": "B.succeeded or not B.failed"},
                {"name": "B", "ports": {"A": {"buffering_mode": "full", "rows_per_buffer": 8}}},
            ],
            "edges": [{"from": "A.out", "to": "B", "exchange": "pipelined"}],
            "config": [
                {"apply_to": "B.*", "bytes_per_row_buffer": 1024},
                {"apply_to": {"blocking_class": "fully_blocking"}, "buffering_mode": "full"},
            ],
        }
    )
    path = write_pipeline_yaml(workspace, "p", spec)
    text = path.read_text()
    assert text.index("from:") < text.index("to:") < text.index("exchange:")
    assert "dynamic: false" not in text  # defaults are left out
    assert read_pipeline_spec(workspace, "p") == spec
    write_pipeline_yaml(workspace, "p", spec)  # replacing works too
    assert read_pipeline_spec(workspace, "p") == spec


def test_write_refuses_a_different_name(workspace: Path) -> None:
    with pytest.raises(PlanError, match="differs from the folder name"):
        write_pipeline_yaml(workspace, "p", PipelineSpec(name="q"))
