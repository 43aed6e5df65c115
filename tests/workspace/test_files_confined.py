"""Edits and reads follow one symlink policy (resolve, then confine); block code is bounded
in size, and checking it never costs the server more than 10 times its size in memory."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from sluicegate.errors import PlanError, TooLarge
from sluicegate.workspace import WorkspaceEditor
from sluicegate.workspace.code_check import MAX_CODE_BYTES, code_error

ETL = Path("pipelines/etl")
CODE = "@transformer\ndef transform(row, *args, **kwargs):\n    return row + 1\n"


def test_an_edit_through_a_symlink_inside_writes_its_target(
    workspace: Path, editor: WorkspaceEditor
) -> None:
    shared = workspace / "shared" / "clean.py"
    shared.parent.mkdir()
    (workspace / ETL / "clean.py").rename(shared)
    (workspace / ETL / "clean.py").symlink_to(shared)

    state = editor.update_block_code("etl", "clean", CODE)

    assert (workspace / ETL / "clean.py").is_symlink()  # still a link
    assert shared.read_text() == CODE
    assert state["blocks"]["clean"]["code"] == CODE and state["error"] is None


def test_an_edit_through_a_symlink_outside_is_refused(
    workspace: Path, editor: WorkspaceEditor, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.py"
    outside.write_text("x = 1\n")
    (workspace / ETL / "clean.py").unlink()
    (workspace / ETL / "clean.py").symlink_to(outside)

    with pytest.raises(PlanError) as info:
        editor.update_block_code("etl", "clean", CODE)

    assert info.value.status == 422 and info.value.field == "file"
    assert "outside the workspace" in info.value.message
    assert "nothing was saved" in info.value.message
    assert outside.read_text() == "x = 1\n"
    assert (workspace / ETL / "clean.py").is_symlink()


def test_a_block_file_outside_is_not_shown(
    workspace: Path, editor: WorkspaceEditor, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.py"
    secret.write_text("password = 'hunter2'\n")
    (workspace / ETL / "clean.py").unlink()
    (workspace / ETL / "clean.py").symlink_to(secret)

    state = editor.read_pipeline("etl")

    block = state["blocks"]["clean"]
    assert block["code"] is None and "hunter2" not in str(state)
    assert block["error"]["field"] == "file"
    assert state["error"]["block"] == "clean" and state["error"]["field"] == "file"


def test_a_pipeline_yaml_linked_from_outside_is_not_read(
    workspace: Path, editor: WorkspaceEditor, tmp_path: Path
) -> None:
    outside = tmp_path / "pipeline.yaml"
    (workspace / ETL / "pipeline.yaml").rename(outside)
    (workspace / ETL / "pipeline.yaml").symlink_to(outside)

    state = editor.read_pipeline("etl")

    assert state["yaml"] == "" and state["spec"] is None
    assert "outside the workspace" in state["error"]["message"]
    with pytest.raises(PlanError, match="outside the workspace"):
        editor.update_pipeline_settings("etl", {"description": "changed"})
    assert "changed" not in outside.read_text()


def test_code_over_2_mib_is_refused_and_nothing_is_written(
    workspace: Path, editor: WorkspaceEditor
) -> None:
    before = (workspace / ETL / "clean.py").read_bytes()
    big = "x = 1\n" * (MAX_CODE_BYTES // 6 + 1)

    with pytest.raises(TooLarge) as info:
        editor.update_block_code("etl", "clean", big)
    with pytest.raises(TooLarge):
        editor.add_block("etl", "big", code=big)

    assert info.value.status == 413 and "2,097,152" in str(info.value)
    assert (workspace / ETL / "clean.py").read_bytes() == before
    assert not (workspace / ETL / "big.py").exists()


def test_code_that_cannot_be_saved_as_utf8_is_refused(editor: WorkspaceEditor) -> None:
    with pytest.raises(PlanError, match="cannot be saved as UTF-8"):
        editor.update_block_code("etl", "clean", "x = '\ud800'\n")


def test_a_non_utf8_block_file_is_a_block_error(workspace: Path, editor: WorkspaceEditor) -> None:
    (workspace / ETL / "clean.py").write_bytes(b"x = 1\ny = 'caf\xe9'\n")
    block = editor.read_pipeline("etl")["blocks"]["clean"]
    assert block["error"]["line"] == 2 and "not UTF-8" in block["error"]["message"]
    assert block["code"].startswith("x = 1\n")


def test_a_block_file_over_the_limit_is_not_read(workspace: Path, editor: WorkspaceEditor) -> None:
    (workspace / ETL / "clean.py").write_text("#" * (MAX_CODE_BYTES + 1))
    block = editor.read_pipeline("etl")["blocks"]["clean"]
    assert block["code"] is None and "more than the 2,097,152" in block["error"]["message"]


PATHOLOGICAL = {
    "a long list literal": lambda n: "x = [" + "1," * (n // 2 - 8) + "]\n",
    "a long sum": lambda n: "x = " + "1+" * (n // 2 - 8) + "1\n",
    "a long chain of unary minus": lambda n: "x = " + "-" * (n - 10) + "1\n",
    "many assignments": lambda n: "a = 1\n" * (n // 6),
}


@pytest.mark.parametrize("shape", list(PATHOLOGICAL))
@pytest.mark.parametrize("size", [64 * 1024, MAX_CODE_BYTES - 64])
def test_checking_code_costs_at_most_10_times_its_size(shape: str, size: int) -> None:
    code = PATHOLOGICAL[shape](size)
    tracemalloc.start()
    try:
        error = code_error(code, "pipelines/p/x.py", "x")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10 * len(code), f"{peak:,} bytes to check {len(code):,} bytes of {shape}"
    if shape == "a long chain of unary minus" or shape == "a long sum":
        assert error is not None and "too large or too deeply nested" in error["message"]
    elif shape == "many assignments":
        assert error is None


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("x = " + "-" * 3000 + "1\n", "too deeply nested"),  # MemoryError in the parser
        ("x = " + "(" * 300 + ")" * 300 + "\n", "too many nested parentheses"),
        ("x = 1\0\n", "null bytes"),
    ],
)
def test_small_code_the_parser_refuses_is_a_block_error(code: str, words: str) -> None:
    error = code_error(code, "pipelines/p/x.py", "x")
    assert error is not None and error["field"] == "code" and words in error["message"]
