"""`sluicegate run` prints the bottleneck verdict after its summary and puts it in the report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.cli.conftest import Cli

FIXTURES = Path(__file__).parents[1] / "fixtures" / "kernel_ws"


def test_summary_names_the_bottleneck_and_the_setting_to_change(cli: Cli, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(FIXTURES, workspace)
    report_file = tmp_path / "report.json"
    result = cli.run("run", workspace, "bottleneck_concurrency", "--report", report_file)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    verdict = next(i for i, line in enumerate(lines) if "bottleneck:" in line)
    assert "fetch ran 16 children at most 1 at a time" in lines[verdict]
    assert "-> set max_concurrent_children: 8 on block fetch in " in lines[verdict + 1]
    assert "pipelines/bottleneck_concurrency/pipeline.yaml" in lines[verdict + 1]
    report = json.loads(report_file.read_text())
    assert report["bottleneck"]["block"] == "fetch"
    assert report["bottleneck"]["reason"] == "concurrency_limit"
