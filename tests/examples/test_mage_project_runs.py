"""Every pipeline of the Mage-layout fixture project, run with `sluicegate run` on the project
as it is, gives the results Mage's documentation gives for its pattern: a plain pandas ETL, a
dynamic block returning a list (one child per element, reduced into a list), `[items,
metadata]` with `block_uuid` naming the children, nested dynamic blocks, a replicated block,
a sensor, a condition that skips a block, callbacks, global variables and their per-environment
overrides."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sluicegate.store import OutputStore, RunReader

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "mage_project"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "demo_project"
    shutil.copytree(FIXTURE, target)
    return target


class Ran:
    def __init__(self, project: Path, result: subprocess.CompletedProcess[str]) -> None:
        self.result = result
        found = re.search(r"run id: (\S+)", result.stdout)
        assert found, result.stdout + result.stderr
        self.reader: RunReader = OutputStore(project / ".sluicegate" / "runs").reader(
            found.group(1)
        )

    def runs(self, block: str) -> list[dict[str, Any]]:
        return self.reader.block_runs(block, limit=1000)

    def outputs(self, block: str) -> list[Any]:
        """Every item every run (and child) of `block` stored, in the order they finished."""
        return [
            item
            for run in self.runs(block)
            for item in self.reader.items(block, run["uuid"], limit=1000)
        ]


def sluicegate_run(project: Path, pipeline: str, *args: str, **env: str) -> Ran:
    environ = {k: v for k, v in os.environ.items() if k not in ("ENV", "FORCE_COLOR")}
    environ["PYTHONPATH"] = str(REPO / "server")
    result = subprocess.run(
        [sys.executable, "-m", "sluicegate", "run", str(project), pipeline, *args],
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return Ran(project, result)


def test_etl_with_pandas_and_a_utils_helper(project: Path) -> None:
    ran = sluicegate_run(project, "etl_demo")
    assert ran.outputs("export_summary") == [{"orders": 4, "revenue": 62.5}]
    assert ran.outputs("largest_order") == [40.0]
    frame = ran.outputs("add_totals")[0]
    assert list(frame.columns) == ["order_id", "qty", "unit_price", "total"]


def test_variables_per_environment_and_from_the_command_line(project: Path) -> None:
    prod = sluicegate_run(project, "etl_demo", ENV="prod")  # overrides.prod.variables
    assert prod.outputs("export_summary") == [{"orders": 1, "revenue": 5.0}]
    given = sluicegate_run(project, "etl_demo", "--var", "min_qty=3")
    assert given.outputs("export_summary") == [{"orders": 2, "revenue": 12.5}]


def test_a_dynamic_block_returning_a_list_makes_one_child_per_element(project: Path) -> None:
    ran = sluicegate_run(project, "dynamic_list")
    assert sorted(ran.outputs("times_ten")) == [10, 20, 30]
    assert len(ran.runs("times_ten")) == 3
    assert ran.outputs("sum_all") == [{"values": [10, 20, 30], "sum": 60}]


def test_items_and_metadata_name_the_children(project: Path) -> None:
    ran = sluicegate_run(project, "dynamic_metadata")
    assert ran.outputs("collect_greetings") == [["hello ann", "hello bob", "hello cy"]]
    names = " ".join(str(run) for run in ran.runs("greet"))
    assert all(f"user_{i}" in names for i in (1, 2, 3)), names


def test_nested_dynamic_blocks_reduce_every_grandchild(project: Path) -> None:
    ran = sluicegate_run(project, "nested_dynamic")
    assert sorted(ran.outputs("square")) == [100, 121, 400, 441]
    totals = ran.outputs("total")
    assert sorted(v for t in totals for v in t["values"]) == [100, 121, 400, 441]
    assert sum(t["sum"] for t in totals) == 1062


def test_a_replicated_block_runs_the_same_code_again(project: Path) -> None:
    ran = sluicegate_run(project, "replicated")
    assert ran.outputs("double_it") == [6]
    assert ran.outputs("double_again") == [12]
    assert ran.outputs("export_value") == [12]


def test_a_false_condition_skips_the_block_and_the_run_succeeds(project: Path) -> None:
    ran = sluicegate_run(project, "guarded")
    assert ran.outputs("upper_items") == [["A", "B", "C"]]
    assert ran.outputs("export_items") == []
    enabled = sluicegate_run(project, "guarded", "--var", "exports_enabled=true")
    assert enabled.outputs("export_items") == ["A,B,C"]


def test_callbacks_and_prints_reach_the_run_output(project: Path) -> None:
    ran = sluicegate_run(project, "guarded")
    printed = ran.result.stdout + ran.result.stderr
    assert "upper_items got 3 items" in printed
    assert "callback: upper_items succeeded" in printed


def test_what_cannot_run_is_left_out_and_the_rest_runs(project: Path) -> None:
    ran = sluicegate_run(project, "with_sql")
    assert ran.outputs("count_rows") == [2]
    assert "warning: Mage block 'sql_totals'" in ran.result.stderr
    streaming = sluicegate_run(project, "streaming_demo")
    assert "warning: Mage block 'kafka_source'" in streaming.result.stderr
