"""Node positions in `pipelines/<p>/layout.yaml`: read leniently, written reviewably (one line
per block, comments kept), only for blocks the pipeline has, never into a Mage project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sluicegate.errors import Conflict, PlanError
from sluicegate.graph.build import load_pipeline
from sluicegate.workspace import WorkspaceEditor
from sluicegate.workspace.layout import LAYOUT_FILE, read_layout, write_layout

ROOT = Path(__file__).parents[2]


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    ignore = shutil.ignore_patterns(".sluicegate")
    shutil.copytree(ROOT / "examples", tmp_path / "ws", ignore=ignore)
    return tmp_path / "ws"


def test_a_new_file_has_one_line_per_block_and_reads_back(ws: Path) -> None:
    saved = write_layout(ws, "seed_stream", {"A": {"x": 40.4, "y": 120}}, ["A", "B", "C", "D"])

    text = (ws / "pipelines/seed_stream" / LAYOUT_FILE).read_text()
    assert saved == {"A": {"x": 40, "y": 120}}
    assert "A: {x: 40, y: 120}" in text
    assert text.startswith("# Where the graph editor draws each block")
    assert read_layout(ws, "seed_stream") == {"A": {"x": 40, "y": 120}}


def test_a_second_drag_merges_keeps_comments_and_drops_removed_blocks(ws: Path) -> None:
    path = ws / "pipelines/seed_stream" / LAYOUT_FILE
    path.write_text(
        "# placed by hand\npositions:\n  A: {x: 1, y: 2}  # the source\n  gone: {x: 5, y: 5}\n"
    )

    write_layout(ws, "seed_stream", {"B": {"x": 300, "y": 10}}, ["A", "B", "C", "D"])

    text = path.read_text()
    assert "# placed by hand" in text and "# the source" in text
    assert "gone" not in text
    assert read_layout(ws, "seed_stream") == {"A": {"x": 1, "y": 2}, "B": {"x": 300, "y": 10}}


def test_a_malformed_file_reads_as_no_positions_and_is_replaced_on_save(ws: Path) -> None:
    path = ws / "pipelines/seed_stream" / LAYOUT_FILE
    path.write_text("positions: [not, a, mapping\n")
    assert read_layout(ws, "seed_stream") == {}
    path.write_text("positions:\n  A: {x: one, y: 2}\n  B: {x: 3, y: 4}\n")
    assert read_layout(ws, "seed_stream") == {"B": {"x": 3, "y": 4}}

    write_layout(ws, "seed_stream", {"A": {"x": 9, "y": 9}}, ["A", "B"])
    assert read_layout(ws, "seed_stream") == {"A": {"x": 9, "y": 9}, "B": {"x": 3, "y": 4}}


def test_a_coordinate_out_of_range_is_refused_and_the_file_untouched(ws: Path) -> None:
    with pytest.raises(PlanError, match="position of block 'A'"):
        write_layout(ws, "seed_stream", {"A": {"x": 1e12, "y": 0}}, ["A"])
    assert not (ws / "pipelines/seed_stream" / LAYOUT_FILE).exists()


def test_the_kernel_plan_is_the_same_with_a_layout_file(ws: Path) -> None:
    before = load_pipeline(ws, "seed_stream")
    write_layout(ws, "seed_stream", {"A": {"x": 1, "y": 1}}, ["A"])
    after = load_pipeline(ws, "seed_stream")
    assert list(after.blocks) == list(before.blocks)
    assert list(after.edges) == list(before.edges)


def test_nothing_is_written_into_a_mage_project(tmp_path: Path) -> None:
    project = tmp_path / "mage"
    shutil.copytree(ROOT / "tests/fixtures/mage_project", project)
    name = next(p.name for p in (project / "pipelines").iterdir() if p.is_dir())
    with pytest.raises(Conflict, match="not saved"):
        write_layout(project, name, {"x": {"x": 1, "y": 1}}, ["x"])
    assert not (project / "pipelines" / name / LAYOUT_FILE).exists()


def test_a_renamed_block_keeps_its_place(ws: Path) -> None:
    write_layout(ws, "seed_stream", {"C": {"x": 7, "y": 8}}, ["A", "B", "C", "D"])
    WorkspaceEditor(ws).rename_block("seed_stream", "C", "C2")
    assert read_layout(ws, "seed_stream") == {"C2": {"x": 7, "y": 8}}
