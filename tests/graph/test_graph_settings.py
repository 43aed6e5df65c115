"""Every port setting comes with its source, in the precedence of SPEC §4.5."""

from __future__ import annotations

from pathlib import Path

import pytest

from sluicegate.graph.build import load_pipeline
from sluicegate.graph.settings import with_mode
from sluicegate.graph.topology import Resolved, RunSettings

SOURCES = [
    "edge config",
    "pipeline config (apply_to J.x)",
    "block ports",
    "pipeline",
    "workspace",
    "env KERNEL_ROWS_PER_BUFFER",
]


@pytest.mark.parametrize("first", range(len(SOURCES) + 1))
def test_precedence_first_level_set_wins(workspace: Path, make_pipeline, first: int) -> None:
    """Level i sets rows_per_buffer = i + 1; with levels before `first` removed, `first` wins."""
    on = [i >= first for i in range(len(SOURCES))]
    make_pipeline(
        f"""
        buffers: {{rows_per_buffer: {4 if on[3] else "null"}}}
        blocks:
          - name: A
          - name: J
            ports: {{x: {{rows_per_buffer: {3 if on[2] else "null"}}}}}
        edges:
          - {{from: A, to: J.x{", rows_per_buffer: 1" if on[0] else ""}}}
        config:
          - {{apply_to: J.x{", rows_per_buffer: 2" if on[1] else ""}}}
        """
    )
    if on[4]:
        (workspace / "sluicegate.yaml").write_text("buffers: {rows_per_buffer: 5}\n")
    environ = {"KERNEL_ROWS_PER_BUFFER": "6"} if on[5] else {}
    edge = load_pipeline(workspace, "p", environ=environ).edges["A.out->J.x"]
    if first < len(SOURCES):
        assert edge.config.rows_per_buffer == Resolved(first + 1, SOURCES[first])
    else:
        assert edge.config.rows_per_buffer == Resolved(None, "default")


def test_each_key_resolves_on_its_own(workspace: Path, make_pipeline) -> None:
    make_pipeline(
        """
        buffers: {sizer: deep}
        blocks: [{name: A}, {name: B}]
        edges: [{from: A, to: B, bytes_per_row_buffer: 1024}]
        """
    )
    (workspace / "sluicegate.yaml").write_text("buffers: {full_mem_budget_bytes: 1048576}\n")
    config = load_pipeline(workspace, "p", environ={}).edges["A.out->B.A"].config
    assert config.bytes_per_row_buffer == Resolved(1024, "edge config")
    assert config.sizer == Resolved("deep", "pipeline")
    assert config.full_mem_budget_bytes == Resolved(1048576, "workspace")
    assert config.rows_per_buffer == Resolved(None, "default")
    assert config.buffering_mode == Resolved("limited", "default")
    assert config.exchange == Resolved("pipelined", "pipeline mode")


def test_defaults(workspace: Path, make_pipeline) -> None:
    make_pipeline("blocks: [{name: A}, {name: B}]\nedges: [{from: A, to: B}]\n")
    config = load_pipeline(workspace, "p", environ={}).edges["A.out->B.A"].config
    assert config.bytes_per_row_buffer == Resolved(65536, "default")
    assert config.full_mem_budget_bytes == Resolved(64 * 1024 * 1024, "default")
    assert config.sizer == Resolved("auto", "default")


def test_last_matching_config_rule_wins(workspace: Path, make_pipeline) -> None:
    make_pipeline(
        """
        blocks: [{name: A}, {name: J, blocking_class: fully_blocking}]
        edges: [{from: A, to: J.x}]
        config:
          - {apply_to: "*.x", sizer: deep, bytes_per_row_buffer: 1}
          - {apply_to: {blocking_class: fully_blocking}, bytes_per_row_buffer: 2}
        """
    )
    config = load_pipeline(workspace, "p", environ={}).edges["A.out->J.x"].config
    assert config.bytes_per_row_buffer == Resolved(
        2, "pipeline config (apply_to blocking_class=fully_blocking)"
    )
    assert config.sizer == Resolved("deep", "pipeline config (apply_to *.x)")


def test_rule_matching_nothing_is_a_warning(workspace: Path, make_pipeline) -> None:
    make_pipeline(
        """
        blocks: [{name: A}, {name: B}]
        edges: [{from: A, to: B}]
        config: [{apply_to: "*.nope", sizer: deep}]
        """
    )
    (warning,) = load_pipeline(workspace, "p", environ={}).warnings
    assert warning.code == "config"
    assert "matches no input port" in warning.message


def test_env_buffering_mode(workspace: Path, make_pipeline) -> None:
    make_pipeline("blocks: [{name: A}, {name: B}]\nedges: [{from: A, to: B}]\n")
    topology = load_pipeline(workspace, "p", environ={"KERNEL_BUFFERING_MODE": "full"})
    mode = topology.edges["A.out->B.A"].config.buffering_mode
    assert mode == Resolved("full", "env KERNEL_BUFFERING_MODE")


JOIN = """
blocks:
  - {name: S}
  - {name: B}
  - {name: J%s}
edges:
  - {from: S, to: J.left}
  - {from: S, to: B}
  - {from: B, to: J.right}
"""


def test_default_full_for_dependent_multi_input(workspace: Path, make_pipeline) -> None:
    make_pipeline(JOIN % "")
    topology = load_pipeline(workspace, "p", environ={})
    for port in ("left", "right"):
        mode = topology.blocks["J"].inputs[0 if port == "left" else 1].config.buffering_mode
        assert mode == Resolved("full", "default: dependent multi-input")
    assert topology.edges["S.out->B.S"].config.buffering_mode == Resolved("limited", "default")
    assert topology.warnings == ()


def test_default_limited_for_independent_inputs(workspace: Path, make_pipeline) -> None:
    make_pipeline(JOIN % ", inputs: independent")
    topology = load_pipeline(workspace, "p", environ={})
    assert topology.edges["B.out->J.right"].config.buffering_mode == Resolved("limited", "default")
    assert topology.warnings == ()


def test_explicit_default_overrides_a_limited_pipeline(workspace: Path, make_pipeline) -> None:
    make_pipeline(
        "buffers: {buffering_mode: limited}\n"
        + JOIN % ", ports: {right: {buffering_mode: default}}"
    )
    topology = load_pipeline(workspace, "p", environ={})
    right = topology.edges["B.out->J.right"].config.buffering_mode
    assert right == Resolved("full", "default: dependent multi-input")
    assert topology.edges["S.out->J.left"].config.buffering_mode == Resolved("limited", "pipeline")


def test_default_full_for_start_constraint(workspace: Path, make_pipeline) -> None:
    make_pipeline(
        """
        blocks:
          - {name: X}
          - {name: A}
          - {name: Y}
          - {name: J, start_constraint: A.succeeded}
        edges:
          - {from: X, to: A}
          - {from: X, to: J}
          - {from: Y, to: A.y}
        """
    )
    topology = load_pipeline(workspace, "p", environ={})
    assert topology.edges["X.out->J.X"].config.buffering_mode == Resolved(
        "full", "default: start constraint"
    )
    assert topology.edges["X.out->A.X"].config.buffering_mode.value == "full"  # A has 2 inputs


def test_default_full_for_dynamic_and_error_outputs(workspace: Path, make_pipeline) -> None:
    make_pipeline(
        """
        blocks: [{name: D, dynamic: true}, {name: C}, {name: E}]
        edges: [{from: D, to: C}, {from: C.error, to: E}]
        """
    )
    edges = load_pipeline(workspace, "p", environ={}).edges
    assert edges["D.out->C.D"].config.buffering_mode == Resolved("full", "default: dynamic output")
    assert edges["C.error->E.C"].config.buffering_mode == Resolved("full", "default: error output")


def test_batch_mode_makes_blocking_full_edges(workspace: Path, make_pipeline) -> None:
    make_pipeline(
        """
        mode: batch
        blocks: [{name: A}, {name: B}, {name: C}]
        edges:
          - {from: A, to: B, buffering_mode: limited}
          - {from: B, to: C, exchange: pipelined}
        """
    )
    topology = load_pipeline(workspace, "p", environ={})
    ab, bc = topology.edges["A.out->B.A"].config, topology.edges["B.out->C.B"].config
    assert (ab.exchange, ab.buffering_mode) == (
        Resolved("blocking", "pipeline mode"),
        Resolved("full", "blocking exchange"),
    )
    assert ab.buffering_mode.value == "full"
    assert bc.exchange == Resolved("pipelined", "edge config")
    assert bc.buffering_mode == Resolved("limited", "default")
    assert topology.settings.mode == "batch"


def test_with_mode_switches_edges_without_override(workspace: Path, make_pipeline) -> None:
    make_pipeline(
        """
        blocks: [{name: S}, {name: B}, {name: J}, {name: K}, {name: Z}]
        edges:
          - {from: S, to: J.left}
          - {from: S, to: B}
          - {from: B, to: J.right}
          - {from: J, to: K, exchange: pipelined}
          - {from: S.c, to: Z, buffering_mode: limited}
        """
    )
    stream = load_pipeline(workspace, "p", environ={})
    batch = with_mode(stream, "batch")
    assert batch.settings.mode == "batch"
    assert batch.edges["S.out->B.S"].config.exchange == Resolved("blocking", "run mode")
    assert batch.edges["S.c->Z.S"].config.buffering_mode.source == "blocking exchange"
    assert batch.edges["J.out->K.J"].config.exchange == Resolved("pipelined", "edge config")
    assert batch.blocks["K"].inputs[0] is batch.edges["J.out->K.J"]
    assert batch.blocks["B"].outputs[0] is batch.edges["B.out->J.right"]
    back = with_mode(batch, "stream")
    for key, edge in stream.edges.items():
        assert back.edges[key].config.buffering_mode == edge.config.buffering_mode
    assert back.edges["S.c->Z.S"].config.buffering_mode == Resolved("limited", "edge config")
    assert back.edges["S.out->B.S"].config.exchange == Resolved("pipelined", "run mode")


def test_run_settings_pipeline_over_workspace_over_defaults(workspace: Path, make_pipeline) -> None:
    make_pipeline("mode: batch\nsettings: {fail_fast: false, max_running: 4}\n")
    (workspace / "sluicegate.yaml").write_text(
        "settings: {max_running: 8, cancel_grace_s: 2, on_deadlock: promote_full}\n"
    )
    settings = load_pipeline(workspace, "p", environ={}).settings
    assert settings == RunSettings(
        mode="batch", fail_fast=False, max_running=4, cancel_grace_s=2.0, on_deadlock="promote_full"
    )


def test_block_defaults_from_workspace_and_env(workspace: Path, make_pipeline) -> None:
    make_pipeline("blocks: [{name: A}, {name: B, keep_outputs: none, max_children: 3}]\n")
    (workspace / "sluicegate.yaml").write_text("keep_outputs: sample\n")
    topology = load_pipeline(workspace, "p", environ={"KERNEL_DYNAMIC_MAX_CHILDREN": "50"})
    a, b = topology.blocks["A"], topology.blocks["B"]
    assert (a.keep_outputs, a.max_children) == ("sample", 50)
    assert (b.keep_outputs, b.max_children) == ("none", 3)
