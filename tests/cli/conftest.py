"""Command-line tier: every test runs `python -m sluicegate` as a subprocess, as a user
would, on a copy of the examples or on a small pipeline written into tmp_path."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


class Cli:
    """Runs the `sluicegate` command with the checkout's package on PYTHONPATH."""

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
        env["PYTHONPATH"] = str(REPO / "server")
        return env

    def command(self, *args: str | Path) -> list[str]:
        return [sys.executable, "-m", "sluicegate", *map(str, args)]

    def run(self, *args: str | Path, timeout: float = 90) -> subprocess.CompletedProcess[str]:
        """Run to the end with stdout and stderr captured (so stdout is not a terminal)."""
        return subprocess.run(
            self.command(*args), env=self.env(), capture_output=True, text=True, timeout=timeout
        )

    def popen(self, *args: str | Path, **kwargs: Any) -> subprocess.Popen[str]:
        return subprocess.Popen(self.command(*args), env=self.env(), text=True, **kwargs)

    @staticmethod
    def write_pipeline(workspace: Path, name: str, yaml_text: str, blocks: dict[str, str]) -> None:
        """`pipelines/<name>/pipeline.yaml` and one `<block>.py` per entry of `blocks`."""
        folder = workspace / "pipelines" / name
        folder.mkdir(parents=True)
        (folder / "pipeline.yaml").write_text(textwrap.dedent(yaml_text))
        for block, code in blocks.items():
            (folder / f"{block}.py").write_text(textwrap.dedent(code))


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    """A copy of the example workspace."""
    target = tmp_path / "ws"
    shutil.copytree(REPO / "examples", target, ignore=shutil.ignore_patterns(".sluicegate"))
    return target
