"""Helpers for the command-line tests: every test runs `python -m sluicegate` as a
subprocess, as a user would, on a copy of the examples or on a small pipeline in tmp_path."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ANSI = "\x1b["


def cli_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    env["PYTHONPATH"] = str(REPO / "server")
    return env


def cli_command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "sluicegate", *map(str, args)]


def run_cli(*args: str | Path, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    """Run the CLI with stdout and stderr captured (so stdout is not a terminal)."""
    return subprocess.run(
        cli_command(*args), env=cli_env(), capture_output=True, text=True, timeout=timeout
    )


def write_pipeline(workspace: Path, name: str, yaml_text: str, blocks: dict[str, str]) -> None:
    folder = workspace / "pipelines" / name
    folder.mkdir(parents=True)
    (folder / "pipeline.yaml").write_text(textwrap.dedent(yaml_text))
    for block, code in blocks.items():
        (folder / f"{block}.py").write_text(textwrap.dedent(code))


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    """A copy of the example workspace."""
    target = tmp_path / "ws"
    shutil.copytree(REPO / "examples", target, ignore=shutil.ignore_patterns(".sluicegate"))
    return target
