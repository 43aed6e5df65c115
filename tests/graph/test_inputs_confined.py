"""Bounded YAML and confined block files, as `load_pipeline` and `sluicegate run` see them."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sluicegate.cli import main
from sluicegate.errors import PlanError
from sluicegate.graph.build import load_pipeline
from sluicegate.graph.yaml_safe import MAX_BYTES, MAX_DEPTH, load_yaml_text

WHERE = "pipelines/p/pipeline.yaml"
CODE = "@data_loader\ndef load(*args, **kwargs):\n    return [1]\n"


def alias_bomb() -> str:
    """Nine levels of nine aliases each: 9^9 (387 million) strings once expanded."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 9):
        name, previous = chr(97 + i), chr(96 + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\nblocks: []\n"


@pytest.fixture
def pipeline(workspace: Path) -> Callable[[str], Path]:
    def write(text: str) -> Path:
        folder = workspace / "pipelines" / "p"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "pipeline.yaml").write_text(text, encoding="utf-8")
        return folder

    return write


def plan_error(workspace: Path) -> PlanError:
    with pytest.raises(PlanError) as info:
        load_pipeline(workspace, "p", environ={})
    return info.value


def test_an_alias_bomb_is_refused_quickly_naming_the_file(
    workspace: Path, pipeline: Callable[[str], Path]
) -> None:
    pipeline(alias_bomb())
    start = time.monotonic()
    error = plan_error(workspace)
    assert time.monotonic() - start < 1.0  # measured: about 2 ms
    assert error.where == WHERE
    assert "expands to more than 100,000 values" in error.message
    assert "line" in error.message


def test_sluicegate_run_refuses_an_alias_bomb_naming_the_file(
    workspace: Path, pipeline: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    pipeline(alias_bomb())
    start = time.monotonic()
    code = main(["run", str(workspace), "p", "--no-store", "--quiet"])
    elapsed = time.monotonic() - start
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"error: {WHERE}: invalid YAML at line")
    assert elapsed < 1.0  # measured: about 10 ms in process


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a: &a [*a]\n", "refers to a value that contains it"),
        ("x: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n", "nested more than"),
        ("description: " + "9" * 5000 + "\n", "invalid YAML value"),
        ("? [a]\n: 1\n? {b: 1}\n: 2\n", "unhashable"),
        ("mode: stream\nmode: batch\n", "given twice"),
        ("x: \x01\n", "is not allowed"),
    ],
)
def test_yaml_that_cannot_be_read_is_a_plan_error(
    workspace: Path, pipeline: Callable[[str], Path], text: str, words: str
) -> None:
    pipeline(text)
    error = plan_error(workspace)
    assert error.where == WHERE
    assert words in error.message


def test_a_yaml_file_over_the_size_limit_is_not_read(
    workspace: Path, pipeline: Callable[[str], Path]
) -> None:
    pipeline("description: x\n" + "#" * MAX_BYTES + "\n")
    error = plan_error(workspace)
    assert error.where == WHERE and "make it smaller" in error.message
    with pytest.raises(PlanError, match="more than"):
        load_yaml_text("a" * (MAX_BYTES + 1), "--var")


def test_non_utf8_pipeline_yaml_names_the_file_and_line(
    workspace: Path, pipeline: Callable[[str], Path]
) -> None:
    folder = pipeline("")
    (folder / "pipeline.yaml").write_bytes(b"description: ok\nmode: caf\xe9\n")
    error = plan_error(workspace)
    assert error.where == WHERE
    assert "not UTF-8" in error.message and "line 2" in error.message


@pytest.mark.parametrize(
    "file", ["../../../outside.py", "../../../../etc/passwd.py", "/etc/passwd.py"]
)
def test_a_block_file_outside_the_workspace_is_a_plan_error(
    workspace: Path, pipeline: Callable[[str], Path], file: str
) -> None:
    pipeline(f"blocks:\n  - name: load\n    file: {file}\n")
    (workspace.parent / "outside.py").write_text(CODE)
    error = plan_error(workspace)
    assert (error.where, error.block, error.field) == (WHERE, "load", "file")
    assert "outside the workspace" in error.message


def test_a_symlink_out_of_the_workspace_is_a_plan_error(
    workspace: Path, pipeline: Callable[[str], Path]
) -> None:
    folder = pipeline("blocks:\n  - name: load\n")
    (workspace.parent / "secret.py").write_text(CODE)
    (folder / "load.py").symlink_to(workspace.parent / "secret.py")
    error = plan_error(workspace)
    assert (error.where, error.block, error.field) == (WHERE, "load", "file")
    assert "through a symlink outside the workspace" in error.message


def test_a_symlink_inside_the_workspace_and_a_shared_file_plan(
    workspace: Path, pipeline: Callable[[str], Path]
) -> None:
    folder = pipeline("blocks:\n  - name: load\n  - name: other\n    file: ../shared.py\n")
    (workspace / "lib").mkdir()
    (workspace / "lib" / "load.py").write_text(CODE)
    (workspace / "pipelines" / "shared.py").write_text(CODE)
    (folder / "load.py").symlink_to(workspace / "lib" / "load.py")
    topology = load_pipeline(workspace, "p", environ={})
    assert topology.blocks["load"].path == (workspace / "lib" / "load.py").resolve()


@pytest.mark.parametrize("file", ["a\\0.py", "x" * 300 + ".py"])
def test_a_file_name_the_file_system_refuses_is_a_plan_error(
    workspace: Path, pipeline: Callable[[str], Path], file: str
) -> None:
    pipeline(f'blocks:\n  - name: load\n    file: "{file}"\n')
    error = plan_error(workspace)
    assert (error.where, error.block, error.field) == (WHERE, "load", "file")


def test_a_name_over_the_limit_is_a_plan_error(
    workspace: Path, pipeline: Callable[[str], Path]
) -> None:
    pipeline(f"blocks:\n  - name: {'b' * 300}\n")
    error = plan_error(workspace)
    assert error.where == WHERE and "shorter name" in error.message


def test_a_start_constraint_nested_too_deeply_is_a_plan_error(
    workspace: Path, pipeline: Callable[[str], Path]
) -> None:
    folder = pipeline(
        "blocks:\n  - name: a\n  - name: b\n    start_constraint: '" + "not " * 3000 + "a.done'\n"
    )
    (folder / "a.py").write_text(CODE)
    (folder / "b.py").write_text(CODE)
    error = plan_error(workspace)
    assert (error.block, error.field) == ("b", "start_constraint")
