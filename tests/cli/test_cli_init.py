"""`sluicegate init`, `--version` and the help a user reads."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sluicegate

if TYPE_CHECKING:
    from tests.cli.conftest import Cli


def test_init_creates_a_workspace_that_runs(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "new"

    result = cli.run("init", target)

    assert result.returncode == 0, result.stderr
    assert (target / "pipelines" / "seed_stream" / "pipeline.yaml").is_file()
    assert "seed_stream" in result.stdout
    assert f"sluicegate run {target} seed_stream" in result.stdout
    assert cli.run("run", target, "seed_stream", "--quiet").returncode == 0


def test_init_refuses_a_folder_that_is_not_empty(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")

    result = cli.run("init", tmp_path)

    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {tmp_path} is not an empty folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_init_from_another_workspace(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "mine"
    cli.write_pipeline(
        source, "one", "blocks:\n  - name: a\n", {"a": "@data_loader\ndef a():\n  return 1\n"}
    )

    result = cli.run("init", tmp_path / "copy", "--from", source)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "copy" / "pipelines" / "one" / "a.py").is_file()


def test_version(cli: Cli) -> None:
    result = cli.run("--version")

    assert result.returncode == 0
    assert result.stdout.strip() == f"sluicegate {sluicegate.__version__}"


def test_help_documents_every_command_and_option(cli: Cli) -> None:
    top = cli.run("--help").stdout
    run = cli.run("run", "--help").stdout
    init = cli.run("init", "--help").stdout

    assert "run" in top and "init" in top and "exit codes" in top
    for option in ("--mode", "--var", "--report", "--no-store", "--quiet", "WORKSPACE", "PIPELINE"):
        assert option in run
    assert "130" in run  # the exit codes
    assert "--from" in init and "examples" in init


def test_no_command_is_a_usage_error(cli: Cli) -> None:
    result = cli.run()

    assert result.returncode == 2
    assert "usage: sluicegate" in result.stderr
