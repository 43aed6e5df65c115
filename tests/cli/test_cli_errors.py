"""Exit code 2 for what stops a run from starting; exit 1, naming the block, when one fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.cli.conftest import Cli


def test_unknown_pipeline_exits_2_and_lists_the_pipelines(cli: Cli, examples: Path) -> None:
    result = cli.run("run", examples, "no_such_pipeline")

    assert result.returncode == 2
    assert result.stderr.startswith("error: pipeline 'no_such_pipeline' not found")
    assert "deadlock_diamond" in result.stderr and "seed_stream" in result.stderr


def test_var_without_equals_is_a_usage_error(cli: Cli, examples: Path) -> None:
    result = cli.run("run", examples, "seed_stream", "--var", "a_sleep")

    assert result.returncode == 2
    assert "usage: sluicegate run" in result.stderr
    assert "'a_sleep' is not KEY=VALUE" in result.stderr


def test_unknown_key_in_pipeline_yaml_names_the_file(cli: Cli, examples: Path) -> None:
    path = examples / "pipelines" / "seed_stream" / "pipeline.yaml"
    path.write_text(path.read_text() + "bogus_key: 1\n")

    result = cli.run("run", examples, "seed_stream")

    assert result.returncode == 2
    assert result.stderr.startswith("error: pipelines/seed_stream/pipeline.yaml")
    assert "bogus_key" in result.stderr
    assert not list((examples / ".sluicegate" / "runs").glob("*"))  # no run was stored


def test_a_block_error_exits_1_naming_the_block_with_its_traceback(
    cli: Cli,
    tmp_path: Path,
) -> None:
    workspace = tmp_path / "ws"
    cli.write_pipeline(
        workspace,
        "boom",
        """\
        blocks:
          - name: rows
          - name: check
        edges:
          - {from: rows, to: check}
        """,
        {
            "rows": "@data_loader\ndef rows(*args, **kwargs):\n    yield from range(5)\n",
            "check": (
                "@transformer\ndef check(n, *args, **kwargs):\n"
                "    if n == 3:\n        raise ValueError(f'bad row {n}')\n    return n\n"
            ),
        },
    )
    report_file = tmp_path / "report.json"

    result = cli.run("run", workspace, "boom", "--report", report_file)

    assert result.returncode == 1
    assert "error: block 'check' failed: ValueError: bad row 3" in result.stderr
    assert "Traceback" in result.stderr and "check.py" in result.stderr
    assert json.loads(report_file.read_text())["blocks"]["check"]["phase"] == "failed"
