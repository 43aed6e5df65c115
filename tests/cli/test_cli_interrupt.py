"""Ctrl-C: the first cancels the run and waits for it (exit 130, report written); a second
exits at once, even while a block is stuck in user code."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.cli.conftest import Cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _wait_for_line(proc: subprocess.Popen[str], needle: str) -> list[str]:
    assert proc.stdout is not None
    seen: list[str] = []
    for line in proc.stdout:
        seen.append(line)
        if needle in line:
            return seen
    raise AssertionError(f"{needle!r} never printed; got {seen}")


def test_ctrl_c_cancels_the_run_and_exits_130(cli: Cli, examples: Path, tmp_path: Path) -> None:
    report_file = tmp_path / "report.json"
    proc = cli.popen(
        "run",
        examples,
        "seed_stream",
        "--var",
        "a_sleep=0.3",
        "--report",
        report_file,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _wait_for_line(proc, "A  running")

    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)

    assert proc.returncode == 130, err
    assert "cancelling the run" in out
    assert "cancelled" in err
    report = json.loads(report_file.read_text())
    assert report["status"] == "cancelled"
    assert report["blocks"]["A"]["phase"] == "cancelled"
    assert report["blocks"]["A"]["items_out"] < 10


STUCK_CODE = "import time\n@data_loader\ndef stuck(*args, **kwargs):\n    time.sleep(60)\n"


def test_forced_cancel_ends_the_process_without_waiting_for_user_code(
    cli: Cli, tmp_path: Path
) -> None:
    """`cancel_grace_s: 1`, a block in `time.sleep(60)`, one Ctrl-C: the run is cancelled by
    force and the process exits (130, no traceback) instead of waiting for the sleep; the
    report and the stored run say `cancelled`."""
    workspace = tmp_path / "ws"
    yaml_text = "settings: {cancel_grace_s: 1}\nblocks:\n  - name: stuck\n"
    cli.write_pipeline(workspace, "stuck", yaml_text, {"stuck": STUCK_CODE})
    report_file = tmp_path / "report.json"
    proc = cli.popen(
        "run",
        workspace,
        "stuck",
        "--report",
        report_file,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _wait_for_line(proc, "stuck  running")

    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=50)
    elapsed = time.monotonic() - started

    assert proc.returncode == 130, err
    assert elapsed < 16, f"the process waited {elapsed:.1f} s for the stuck block"  # 1.6 s
    assert "Traceback" not in err
    assert "cancelled (forced)" in out
    report = json.loads(report_file.read_text())
    assert report["status"] == "cancelled"
    assert report["blocks"]["stuck"]["phase"] == "cancelled"
    run_json = workspace / ".sluicegate" / "runs" / report["run_id"] / "run.json"
    assert json.loads(run_json.read_text())["status"] == "cancelled"


@pytest.mark.parametrize(
    "yaml_text",
    [
        "blocks:\n  - name: stuck\n",  # the default cancel_grace_s
        "settings: {cancel_grace_s: 30}\nblocks:\n  - name: stuck\n",
    ],
)
def test_second_ctrl_c_exits_at_once_quietly(cli: Cli, tmp_path: Path, yaml_text: str) -> None:
    """Two Ctrl-C in a row on a stuck block: exit 130 at once, one line, no traceback."""
    workspace = tmp_path / "ws"
    cli.write_pipeline(workspace, "stuck", yaml_text, {"stuck": STUCK_CODE})
    proc = cli.popen(
        "run", workspace, "stuck", "--no-store", stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    _wait_for_line(proc, "stuck  running")
    proc.send_signal(signal.SIGINT)
    _wait_for_line(proc, "cancelling the run")
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=20)

    assert proc.returncode == 130
    assert time.monotonic() - started < 5
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert err.strip().splitlines() == ["interrupted: exiting without waiting for the run to stop"]
