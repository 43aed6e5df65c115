"""`sluicegate run` prints every block run's log (`print()` output and `logger` lines), each
line prefixed with its block run, on a terminal and in plain mode; `--quiet` prints none."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tests.cli.test_cli_terminal import ANSI_CODE, _run_on_a_terminal

if TYPE_CHECKING:
    from tests.cli.conftest import Cli

FIXTURES = Path(__file__).parents[1] / "fixtures" / "kernel_ws"
EXPECTED = [
    "[S] hello from S",
    "[S] S to stderr",
    "[S] INFO S made 3 items",
    "[S] WARNING a warning from the logging module",
    "[S] no newline at the end",
    "[B:0] child sees 1",
    "[B:0] WARNING child 1 warns",
    "[B:2] child sees 3",
]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(FIXTURES / "pipelines" / "logs", target / "pipelines" / "logs")
    return target


def test_plain_mode_prints_each_log_line_prefixed_with_its_block_run(
    cli: Cli, workspace: Path
) -> None:
    done = cli.run("run", workspace, "logs")

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for line in EXPECTED:
        assert line in lines, done.stdout
    # the order a block run wrote its lines in is kept
    s_lines = [line for line in lines if line.startswith("[S] ")]
    assert s_lines[:3] == EXPECTED[:3]


def test_the_stored_log_is_the_one_printed(cli: Cli, workspace: Path) -> None:
    done = cli.run("run", workspace, "logs")

    run_id = re.search(r"run id: (\S+)", done.stdout)
    assert run_id, done.stdout
    log = workspace / ".sluicegate" / "runs" / run_id.group(1) / "log.jsonl"
    stored = [json.loads(line) for line in log.read_text().splitlines()]
    printed = {line for line in done.stdout.splitlines() if line.startswith("[")}
    assert len(stored) == 11
    for line in stored:
        level = "" if line["stream"] in ("stdout", "stderr") else f"{line['level']} "
        assert f"[{line['uuid']}] {level}{line['text']}" in printed


def test_quiet_prints_no_log_lines(cli: Cli, workspace: Path) -> None:
    done = cli.run("run", workspace, "logs", "--quiet", "--no-store")

    assert done.returncode == 0, done.stderr
    assert "hello from S" not in done.stdout + done.stderr
    assert "[B:0]" not in done.stdout + done.stderr


def test_a_flood_prints_the_kept_lines_and_the_note(cli: Cli, workspace: Path) -> None:
    done = cli.run("run", workspace, "logs", "--var", "flood=5000000", "--no-store")

    assert done.returncode == 0, done.stderr
    flood = [line for line in done.stdout.splitlines() if line.startswith("[F:0] ")]
    assert len(flood) == 10_001  # 10,000 kept lines, then the note
    assert re.match(r"\[F:0\] WARNING … \d+ more bytes not kept", flood[-1]), flood[-1]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_the_live_display_prints_log_lines_above_the_table(cli: Cli, workspace: Path) -> None:
    code, screen = _run_on_a_terminal(cli, "run", workspace, "logs", "--no-store")

    assert code == 0, screen
    text = ANSI_CODE.sub("", screen).replace("\r", "")
    for line in EXPECTED:
        assert line in text, text
