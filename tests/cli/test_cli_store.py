"""A run's outputs are stored under WORKSPACE/.sluicegate/runs/<run_id>/, and `--var`
values reach the blocks typed as YAML scalars."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.cli.conftest import Cli

from sluicegate.store.outputs import OutputStore

ECHO_YAML = """\
variables:
  rate: 1
blocks:
  - name: echo
"""
ECHO_BLOCK = """\
@data_loader
def echo(*args, **kwargs):
    return {k: (type(kwargs[k]).__name__, kwargs[k]) for k in ('rate', 'flag', 'who', 'day')}
"""


def test_stored_outputs_are_readable_from_another_process(cli: Cli, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    cli.write_pipeline(workspace, "echo", ECHO_YAML, {"echo": ECHO_BLOCK})

    result = cli.run(
        "run",
        workspace,
        "echo",
        "--var",
        "rate=0.2",
        "--var",
        "flag=true",
        "--var",
        "who=ada",
        "--var",
        "day=",
    )

    assert result.returncode == 0, result.stderr
    run_id = re.search(r"^run id: (\S+)$", result.stdout, re.M)
    assert run_id, result.stdout
    run_dir = workspace / ".sluicegate" / "runs" / run_id[1]
    assert f"outputs: {run_dir}" in result.stdout
    reader = OutputStore(workspace / ".sluicegate" / "runs").reader(run_id[1])
    assert reader.info()["status"] == "succeeded"
    [item] = reader.items("echo", "echo")
    assert item == {
        "rate": ("float", 0.2),
        "flag": ("bool", True),
        "who": ("str", "ada"),
        "day": ("str", ""),
    }


def test_an_undeclared_var_is_warned_about_but_passed(cli: Cli, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    cli.write_pipeline(workspace, "echo", ECHO_YAML, {"echo": ECHO_BLOCK})

    result = cli.run(
        "run",
        workspace,
        "echo",
        "--no-store",
        "--var",
        "flag=no",
        "--var",
        "who=1",
        "--var",
        "day=2024-x",
    )

    assert result.returncode == 0, result.stderr
    assert "warning: --var day, flag, who not among the pipeline's variables (rate)" in (
        result.stderr
    )
