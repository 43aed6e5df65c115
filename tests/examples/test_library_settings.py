"""Library blocks declare the block settings they need (`SLUICEGATE = {...}`); adding one
from the Library sets them, so a pipeline built from the Library plans and runs as added."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sluicegate.errors import PlanError
from sluicegate.graph.build import load_pipeline
from sluicegate.workspace import WorkspaceEditor
from sluicegate.workspace.library_settings import declared_settings
from sluicegate.workspace.templates import DEFAULT_LIBRARY, library_blocks

NEEDS = {  # what each block's docstring says it needs, as block settings
    "transforms/sort": {"collect": True, "blocking_class": "fully_blocking"},
    "transforms/aggregate": {"blocking_class": "fully_blocking"},
    "transforms/merge_join": {"blocking_class": "partially_blocking"},
    "sinks/count_rows": {"blocking_class": "fully_blocking"},
}


def saved(data: dict[str, Any], block: str) -> dict[str, Any]:
    """The block's entry of pipeline.yaml, as the pipeline read returns it."""
    return next(b for b in data["spec"]["blocks"] if b["name"] == block)


@pytest.fixture
def editor(tmp_path: Path) -> WorkspaceEditor:
    editor = WorkspaceEditor(tmp_path / "ws")
    (tmp_path / "ws" / "pipelines").mkdir(parents=True)
    editor.create_pipeline("lib")
    return editor


def test_every_library_block_declares_what_its_docstring_needs() -> None:
    for name in library_blocks(DEFAULT_LIBRARY):
        code = (DEFAULT_LIBRARY / f"{name}.py").read_text(encoding="utf-8")
        assert declared_settings(code, name) == NEEDS.get(name, {}), name


@pytest.mark.parametrize("name", library_blocks(DEFAULT_LIBRARY))
def test_every_library_block_plans_with_its_declared_settings(
    editor: WorkspaceEditor, name: str
) -> None:
    group, stem = name.split("/")
    if group != "sources":
        editor.add_block("lib", "src", from_library="sources/range_rows")
        editor.add_block("lib", "src2", from_library="sources/range_rows")
    data = editor.add_block("lib", stem, from_library=name)
    if group != "sources":
        editor.add_edge("lib", "src", stem, dst_port="left")
        if stem == "merge_join":
            editor.add_edge("lib", "src2", stem, dst_port="right")
    assert saved(data, stem) == {"name": stem, **NEEDS.get(name, {})}
    node = load_pipeline(editor.root, "lib", environ={}).blocks[stem]
    for key, value in NEEDS.get(name, {}).items():
        assert getattr(node, key) == value


def test_range_rows_sort_count_rows_from_the_library_runs(
    editor: WorkspaceEditor, run_workspace: Callable[..., Any]
) -> None:
    for block, name in [
        ("range_rows", "sources/range_rows"),
        ("sort", "transforms/sort"),
        ("count_rows", "sinks/count_rows"),
    ]:
        editor.add_block("lib", block, from_library=name)
    editor.add_edge("lib", "range_rows", "sort")
    editor.add_edge("lib", "sort", "count_rows")
    ran = run_workspace(editor.root, "lib", {"rows": 500})
    assert ran.report["status"] == "succeeded", ran.report
    assert ran.output("count_rows") == [{"rows": 500}]
    keys = [row["key"] for row in ran.output("sort")]
    assert keys == sorted(keys) and len(keys) == 500


def test_the_callers_settings_win_and_none_leaves_a_declared_one_out(
    editor: WorkspaceEditor,
) -> None:
    editor.add_block("lib", "src", from_library="sources/range_rows")
    data = editor.add_block(
        "lib", "s", from_library="transforms/sort", settings={"blocking_class": None}
    )
    assert saved(data, "s") == {"name": "s", "collect": True}


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("SLUICEGATE = {'collekt': True}\n", "SLUICEGATE.collekt"),
        ("SLUICEGATE = {'collect': 'yes'}\n", "SLUICEGATE.collect"),
        ("SLUICEGATE = {'name': 'x'}\n", "cannot set 'name'"),
        ("SLUICEGATE = dict(collect=True)\n", "dict literal"),
    ],
)
def test_a_bad_declaration_names_the_file_and_the_key(code: str, problem: str) -> None:
    with pytest.raises(PlanError) as info:
        declared_settings(code, "blocks/transforms/mine.py")
    assert problem in str(info.value)
    assert info.value.where == "blocks/transforms/mine.py"
