"""Adding and removing edges, and their settings; every refusal leaves the files as they were."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from workspace_helpers import fingerprint

from sluicegate.errors import Conflict, NotFound, PlanError
from sluicegate.graph.build import load_pipeline
from sluicegate.workspace import WorkspaceEditor

ETL = Path("pipelines/etl")


def edges(workspace: Path) -> list[dict[str, Any]]:
    data: dict[str, Any] = yaml.safe_load((workspace / ETL / "pipeline.yaml").read_text())
    return list(data["edges"])


def test_add_edge(editor: WorkspaceEditor, workspace: Path) -> None:
    editor.add_block("etl", "audit", kind="data_exporter", settings={"collect": True})
    state = editor.add_edge("etl", "load", "audit")
    editor.add_edge("etl", "clean", "audit", src_port="rejected", dst_port="bad")
    assert edges(workspace)[2:] == [
        {"from": "load", "to": "audit"},
        {"from": "clean.rejected", "to": "audit.bad"},
    ]
    assert "load.out->audit.load" in [e["id"] for e in state["edges"]]
    topology = load_pipeline(workspace, "etl", environ={})
    assert {"load.out->audit.load", "clean.rejected->audit.bad"} <= set(topology.edges)


def test_a_second_multi_item_input_of_a_per_item_block_is_refused(
    editor: WorkspaceEditor, workspace: Path
) -> None:
    editor.add_block("etl", "audit", kind="data_exporter")  # called once per item
    editor.add_edge("etl", "load", "audit")
    before = fingerprint(workspace)
    with pytest.raises(PlanError, match="block 'audit' has 2 multi-item inputs"):
        editor.add_edge("etl", "clean", "audit", src_port="rejected", dst_port="bad")
    assert fingerprint(workspace) == before


@pytest.mark.parametrize(
    ("src", "dst", "kwargs", "error", "match"),
    [
        ("report", "load", {}, PlanError, r"edges form a cycle load -> clean -> report -> load"),
        ("claen", "report", {"dst_port": "x"}, PlanError, "unknown block 'claen'; did you mean"),
        ("load", "nope", {}, PlanError, "unknown block 'nope'"),
        ("load", "clean", {}, Conflict, "edge load.out->clean.load already exists"),
        ("load", "report", {"dst_port": "clean"}, PlanError, "two inputs are named 'clean'"),
        ("load", "report", {"dst_port": "a/b"}, PlanError, "must be `block` or `block.port`"),
    ],
)
def test_add_edge_refusals_change_nothing(
    editor: WorkspaceEditor,
    workspace: Path,
    src: str,
    dst: str,
    kwargs: dict[str, Any],
    error: type,
    match: str,
) -> None:
    before = fingerprint(workspace)
    with pytest.raises(error, match=match):
        editor.add_edge("etl", src, dst, **kwargs)
    assert fingerprint(workspace) == before


def test_remove_edge_drops_its_port_settings(editor: WorkspaceEditor, workspace: Path) -> None:
    state = editor.remove_edge("etl", "load.out->clean.load")
    assert [e["id"] for e in state["edges"]] == ["clean.out->report.clean"]
    clean = next(b for b in state["spec"]["blocks"] if b["name"] == "clean")
    assert "ports" not in clean  # `ports: {load: ...}` belonged to the removed edge
    assert [r["apply_to"] for r in state["spec"]["config"]] == [{"block": "report"}]
    assert state["error"] is None


def test_remove_an_unknown_edge(editor: WorkspaceEditor, workspace: Path) -> None:
    before = fingerprint(workspace)
    with pytest.raises(NotFound, match=r"edge 'load->clean' not found .*did you mean"):
        editor.remove_edge("etl", "load->clean")
    assert fingerprint(workspace) == before


def test_update_edge_settings(editor: WorkspaceEditor, workspace: Path) -> None:
    editor.update_edge_settings("etl", "clean.out->report.clean", {"tolerate_upstream_error": True})
    assert edges(workspace)[1] == {"from": "clean", "to": "report", "tolerate_upstream_error": True}
    before = fingerprint(workspace)
    with pytest.raises(PlanError, match="invalid value 'often'"):
        editor.update_edge_settings("etl", "clean.out->report.clean", {"exchange": "often"})
    with pytest.raises(PlanError, match="remove the edge and add another"):
        editor.update_edge_settings("etl", "clean.out->report.clean", {"to": "load"})
    assert fingerprint(workspace) == before
