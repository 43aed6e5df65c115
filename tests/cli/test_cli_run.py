"""`sluicegate run` on the examples: exit codes, the JSON report, the plain progress lines."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

ANSI = "\x1b["  # the start of every colour or cursor code

if TYPE_CHECKING:
    from tests.cli.conftest import Cli


REPORT_KEYS = {
    "run_id",
    "pipeline",
    "mode",
    "status",
    "duration_s",
    "peak_rss_bytes",
    "bottleneck",
    "error",
    "blocks",
    "ports",
}
BLOCK_KEYS = {
    "phase",
    "items_in",
    "items_out",
    "first_output_s",
    "finished_s",
    "children",
    "error",
    "executor",
    "ran_on",
    "retried",
}
PORT_KEYS = {
    "mode",
    "mode_source",
    "exchange",
    "rows_per_buffer",
    "rows_per_buffer_source",
    "capacity_items",
    "max_fill_items",
    "max_fill_bytes",
    "bp_s",
    "items",
    "discarded",
}


def test_seed_stream_succeeds_and_reports_every_documented_field(
    cli: Cli, examples: Path, tmp_path: Path
) -> None:
    report_file = tmp_path / "out" / "report.json"
    result = cli.run("run", examples, "seed_stream", "--report", report_file)

    assert result.returncode == 0, result.stderr
    report = json.loads(report_file.read_text())
    assert set(report) == REPORT_KEYS
    assert report["status"] == "succeeded"
    assert report["mode"] == "stream"
    assert all(set(block) == BLOCK_KEYS for block in report["blocks"].values())
    assert all(set(port) == PORT_KEYS for port in report["ports"].values())
    assert report["blocks"]["D"]["children"]["spawned"] == 100
    assert report["blocks"]["D"]["children"]["succeeded"] == 100
    assert f"run id: {report['run_id']}" in result.stdout.splitlines()[-1]


def test_plain_output_has_phase_lines_and_no_ansi_codes(cli: Cli, examples: Path) -> None:
    result = cli.run("run", examples, "seed_stream", "--var", "a_sleep=0.25", "--no-store")

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert ANSI not in out and ANSI not in result.stderr
    assert re.search(r"^\s*\d+\.\ds  A\s+running$", out, re.M), out
    assert re.search(r"^\s*\d+\.\ds  A\s+succeeded$", out, re.M), out
    assert re.search(r"^\s*\d+\.\ds  D\s+children final: 100 expected$", out, re.M), out
    assert re.search(r"^\s*\d+\.\ds  progress  A running", out, re.M), out  # a 2.5 s run
    assert re.search(r"^\s+D\s+succeeded\s+200\s+100\s+100/100$", out, re.M), out  # summary


def test_deadlock_exits_1_with_the_whole_message(cli: Cli, examples: Path, tmp_path: Path) -> None:
    report_file = tmp_path / "report.json"
    result = cli.run("run", examples, "deadlock_diamond", "--report", report_file)

    assert result.returncode == 1
    assert "Deadlock" in result.stderr and "Fix:" in result.stderr
    assert "J.right" in result.stderr  # the message names the edge to change
    report = json.loads(report_file.read_text())  # written on failure too
    assert report["status"] == "failed"
    assert "Fix:" in report["error"]


def test_batch_mode_is_recorded_in_the_report(cli: Cli, examples: Path, tmp_path: Path) -> None:
    report_file = tmp_path / "report.json"
    result = cli.run("run", examples, "seed_stream", "--mode", "batch", "--report", report_file)

    assert result.returncode == 0, result.stderr
    report = json.loads(report_file.read_text())
    assert report["mode"] == "batch"
    assert {port["exchange"] for port in report["ports"].values()} == {"blocking"}


def test_quiet_prints_only_the_run_id(cli: Cli, examples: Path) -> None:
    result = cli.run(
        "run", examples, "seed_stream", "--quiet", "--no-store", "--report", examples / "r.json"
    )

    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"run id: seed_stream-\S+\n", result.stdout), result.stdout
    assert not (examples / ".sluicegate").exists()
