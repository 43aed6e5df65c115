"""A lifecycle hook that fails (here `--metrics` to a path that cannot be written) is reported
once and switched off; the run completes, and deadlock detection still works."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.cli.conftest import Cli


def unwritable(tmp_path: Path) -> Path:
    """A metrics path no one can write, root included: its folder is a regular file."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file, not a folder\n")
    return blocker / "x.prom"


def test_a_metrics_file_that_cannot_be_written_is_reported_once_and_the_run_completes(
    cli: Cli, examples: Path, tmp_path: Path
) -> None:
    report_file = tmp_path / "report.json"
    metrics = unwritable(tmp_path)

    result = cli.run(
        "run", examples, "seed_stream", "--metrics", metrics, "--report", report_file, "--no-store"
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(report_file.read_text())["status"] == "succeeded"
    output = result.stdout + result.stderr
    assert output.count("run hook MetricsFile failed") == 2, output  # the log and the warning
    assert "switched off" in output
    assert "not-a-folder" in output, "the message names the path"
    assert not metrics.exists()


def test_deadlock_is_still_detected_with_a_failing_metrics_hook(
    cli: Cli, examples: Path, tmp_path: Path
) -> None:
    result = cli.run(
        "run", examples, "deadlock_diamond", "--metrics", unwritable(tmp_path), timeout=60
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Deadlock" in result.stderr and "Fix:" in result.stderr
    assert "run hook MetricsFile failed" in result.stdout + result.stderr
