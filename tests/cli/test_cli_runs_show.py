"""`sluicegate runs` lists the stored runs newest first; `sluicegate show` prints a run's summary,
a block's children, items and log, one child's, and errors naming what is missing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.cli.conftest import Cli

REPO = Path(__file__).resolve().parents[2]

FAILING_YAML = """\
blocks:
  - {name: split, dynamic: true}
  - {name: check}
edges:
  - {from: split, to: check}
"""
FAILING_BLOCKS = {
    "split": """\
    @data_loader
    def split(*args, **kwargs):
        yield from (1, 2, 3)
    """,
    "check": """\
    @transformer
    def check(n, *args, **kwargs):
        print(f"checking {n}")
        if n == 2:
            raise ValueError(f"item {n} is bad")
        return {"n": n}
    """,
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: Any) -> tuple[Path, dict[str, str]]:
    """A workspace with runs of outputs_mix (twice) and of a pipeline whose child 1 fails;
    the run ids by name."""
    ws = tmp_path_factory.mktemp("ws")
    shutil.copytree(REPO / "tests" / "fixtures" / "store_ws" / "pipelines", ws / "pipelines")
    folder = ws / "pipelines" / "failing"
    folder.mkdir()
    (folder / "pipeline.yaml").write_text(FAILING_YAML)
    for block, code in FAILING_BLOCKS.items():
        (folder / f"{block}.py").write_text(textwrap.dedent(code))
    env = {**os.environ, "PYTHONPATH": str(REPO / "server")}
    ids = {}
    for name, pipeline, code in (
        ("first", "outputs_mix", 0),
        ("failing", "failing", 1),
        ("last", "outputs_mix", 0),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "sluicegate", "run", str(ws), pipeline, "--quiet"],
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
        )
        assert result.returncode == code, result.stderr
        found = re.search(r"run id: (\S+)", result.stdout)
        assert found, result.stdout
        ids[name] = found.group(1)
    return ws, ids


def test_runs_lists_newest_first_and_by_pipeline(
    cli: Cli, workspace: tuple[Path, dict[str, str]]
) -> None:
    ws, ids = workspace
    result = cli.run("runs", "-w", ws)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["RUN", "PIPELINE", "STATUS", "STARTED", "DURATION"]
    rows = [line.split() for line in lines[1:]]
    assert [r[0] for r in rows] == [ids["last"], ids["failing"], ids["first"]]
    assert [r[1:3] for r in rows] == [
        ["outputs_mix", "succeeded"],
        ["failing", "failed"],
        ["outputs_mix", "succeeded"],
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", r[3]) and r[5].endswith("s") for r in rows)

    only = cli.run("runs", "failing", "-w", ws, "-n", "5")
    assert [line.split()[0] for line in only.stdout.splitlines()[1:]] == [ids["failing"]]
    limited = cli.run("runs", "-w", ws, "--limit", "1")
    assert len(limited.stdout.splitlines()) == 3 and "2 older runs" in limited.stdout
    none = cli.run("runs", "nope", "-w", ws)
    assert none.returncode == 0 and "no runs of nope" in none.stdout
    assert "runs of: failing, outputs_mix" in none.stdout


def test_show_run_block_and_child(cli: Cli, workspace: tuple[Path, dict[str, str]]) -> None:
    ws, ids = workspace
    run = cli.run("show", ids["last"][:-2], "-w", ws)  # a unique prefix is enough
    assert run.returncode == 0, run.stderr
    assert f"run {ids['last']}: pipeline outputs_mix, succeeded" in run.stdout
    assert re.search(r"^scaled\s+succeeded\s+6\s+3/3\s+6$", run.stdout, re.M)

    block = cli.run("show", ids["last"], "scaled", "-w", ws, "--items", "2")
    assert block.returncode == 0, block.stderr
    assert re.search(r"^scaled:1\s+succeeded\s+2\s+2$", block.stdout, re.M)
    assert "items (6 stored, first 2):" in block.stdout
    assert "[0] {'n': 1, 'j': 0, 'value': 10}" in block.stdout
    assert "[2]" not in block.stdout
    assert "[scaled:2] child 3" in block.stdout

    child = cli.run("show", ids["last"], "scaled:2", "-w", ws, "--log", "5")
    assert child.returncode == 0, child.stderr
    assert "child scaled:2 of block scaled" in child.stdout and "3 items, 3 stored" in child.stdout
    assert "[2] {'n': 3, 'j': 2, 'value': 32}" in child.stdout
    assert "child 3" in child.stdout and "child 1" not in child.stdout


def test_show_prints_a_failed_childs_error_and_log(
    cli: Cli, workspace: tuple[Path, dict[str, str]]
) -> None:
    ws, ids = workspace
    result = cli.run("show", ids["failing"], "check", "-w", ws)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^check:1\s+failed\s+0\s+0$", result.stdout, re.M)
    assert "error in check:1: ValueError: item 2 is bad" in result.stdout
    assert 'raise ValueError(f"item {n} is bad")' in result.stdout  # the traceback
    assert "[check:1] checking 2" in result.stdout


def test_show_names_what_is_missing(cli: Cli, workspace: tuple[Path, dict[str, str]]) -> None:
    ws, ids = workspace
    unknown = cli.run("show", "nope", "-w", ws)
    assert unknown.returncode == 2
    assert "No run `nope`" in unknown.stderr and ids["last"] in unknown.stderr
    ambiguous = cli.run("show", "outputs_mix", "-w", ws)
    assert ambiguous.returncode == 2 and "ambiguous" in ambiguous.stderr
    block = cli.run("show", ids["last"], "scaledd", "-w", ws)
    assert block.returncode == 2 and "did you mean 'scaled'" in block.stderr
    child = cli.run("show", ids["last"], "scaled:7", "-w", ws)
    assert child.returncode == 2 and "has no child `scaled:7`" in child.stderr
    empty = cli.run("runs", "-w", ws / "pipelines")
    assert empty.returncode == 0 and "no runs stored" in empty.stdout


def test_runs_and_show_read_a_store_made_by_sluicegate_0_1_0(cli: Cli, tmp_path: Path) -> None:
    old = REPO / "tests" / "fixtures" / "store_0_1_0" / "runs"
    shutil.copytree(old, tmp_path / ".sluicegate" / "runs")
    listed = cli.run("runs", "-w", tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "outputs_mix-20261202-034633-6ea2c1  outputs_mix  succeeded" in listed.stdout
    shown = cli.run("show", "outputs_mix-2026", "frame", "-w", tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "items (1 stored):" in shown.stdout and "20.5" in shown.stdout
