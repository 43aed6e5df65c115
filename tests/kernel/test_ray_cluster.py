"""A two-node Ray cluster on loopback (`ray.cluster_utils.Cluster`, one CPU per node):
children spread over both nodes, and a node lost mid-run has its block runs retried as
`retries:` says. The cluster and the kernel (`sluicegate run --ray-address`) run in child
processes, apart from the test session's own local cluster."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

if os.environ.get("SLUICEGATE_REQUIRE_RAY") != "1":  # `make test` installs Ray
    pytest.importorskip("ray")

SCRIPT = r"""
import json, subprocess, sys, time
from pathlib import Path
from ray.cluster_utils import Cluster

workspace, marks, lose = sys.argv[1], Path(sys.argv[2]), sys.argv[3] == "lose"
cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
worker = cluster.add_node(num_cpus=1)
cluster.wait_for_nodes()
report = Path(marks.parent, "report.json")
run = subprocess.Popen([sys.executable, "-m", "sluicegate", "run", workspace, "ray_spread",
                        "--ray-address", cluster.address, "--report", str(report),
                        "--var", f"marks={marks}", "--var", f"sleep={1.5 if lose else 0.3}",
                        "--no-store", "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
if lose:
    deadline = time.monotonic() + 120
    while len(list(marks.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    cluster.remove_node(worker, allow_graceful=False)
out, err = run.communicate(timeout=300)
cluster.shutdown()
print(json.dumps({"code": run.returncode, "stderr": err[-3000:],
                  "report": json.loads(report.read_text()) if report.exists() else None}))
"""


def _run(workspace: Path, tmp_path: Path, mode: str) -> dict:  # type: ignore[type-arg]
    marks = tmp_path / "marks"
    marks.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(workspace), str(marks), mode],
        capture_output=True,
        text=True,
        timeout=420,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "server")},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict = json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[type-arg]
    return result


def test_children_spread_over_both_nodes(workspace: Path, tmp_path: Path):
    result = _run(workspace, tmp_path, "spread")
    assert result["code"] == 0, result["stderr"]
    slow = result["report"]["blocks"]["slow"]
    assert slow["executor"] == "ray"
    assert slow["children"]["succeeded"] == 8
    nodes = slow["ran_on"]
    assert len(nodes) == 2 and all(name.startswith("ray node ") for name in nodes), nodes
    assert sum(nodes.values()) == 8


def test_a_lost_node_has_its_block_runs_retried(workspace: Path, tmp_path: Path):
    result = _run(workspace, tmp_path, "lose")
    assert result["code"] == 0, result["stderr"]
    slow = result["report"]["blocks"]["slow"]
    assert slow["children"]["succeeded"] == 8
    assert slow["retried"] >= 1, "the children of the lost node ran again (retries: 1)"
