"""The topology the kernel runs: order, inputs, paths, variables, every setting carried over."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sluicegate.graph.build import load_pipeline
from sluicegate.graph.spec import BlockSpec, RunSettingsSpec
from sluicegate.graph.topology import BlockNode, RunSettings


def test_blocks_in_topological_order(workspace: Path, make_pipeline) -> None:
    make_pipeline(
        """
        blocks: [{name: sink}, {name: join}, {name: b}, {name: a}, {name: c}]
        edges:
          - {from: join, to: sink}
          - {from: b, to: join.right}
          - {from: a, to: join.left}
          - {from: a, to: b}
          - {from: c, to: sink.extra}
        """
    )
    topology = load_pipeline(workspace, "p", environ={})
    assert list(topology.blocks) == ["a", "b", "join", "c", "sink"]
    assert [e.dst_port for e in topology.blocks["join"].inputs] == ["right", "left"]
    assert topology.upstream("join") == ["b", "a"]
    assert topology.downstream("a") == ["join", "b"]
    assert list(topology.edges) == [
        "join.out->sink.join",
        "b.out->join.right",
        "a.out->join.left",
        "a.out->b.a",
        "c.out->sink.extra",
    ]
    assert topology.blocks["a"].kind == "source"
    assert topology.blocks["join"].kind == "transform"
    assert topology.blocks["sink"].kind == "sink"


def test_fixture_pipeline(examples: Path) -> None:
    topology = load_pipeline(examples, "seed_stream", environ={})
    assert topology.pipeline == "seed_stream"
    assert topology.root == examples.resolve()
    assert topology.variables == {"a_sleep": 0}
    assert list(topology.blocks) == ["A", "B", "C", "D", "E"]
    e = topology.blocks["E"]
    assert e.path.is_absolute()
    assert e.path == (examples / "pipelines" / "seed_stream" / "sink.py").resolve()
    d = topology.blocks["D"]
    assert (d.match, d.reduce_output, d.inputs_mode) == ("lineage", True, "dependent")


def test_every_block_setting_reaches_the_block_node(workspace: Path, make_pipeline) -> None:
    make_pipeline(
        """
        blocks:
          - name: P
            dynamic: true
          - name: C
            file: code/c.py
            description: a child
            reduce_output: true
            match: zip_index
            collect: true
            stream: true
            explode: true
            inputs: independent
            blocking_class: fully_blocking
            start_constraint: P.succeeded
            eager_start: true
            keep_outputs: sample
            max_concurrent_children: 2
            max_pending_children: 5
            max_children: 7
            on_max_children: truncate
            on_child_failure: none_fill
            drain_on_upstream_error: true
        edges: [{from: P, to: C, tolerate_upstream_error: true}]
        """
    )
    topology = load_pipeline(workspace, "p", environ={})
    c = topology.blocks["C"]
    assert c == BlockNode(
        name="C",
        path=(workspace / "pipelines" / "p" / "code" / "c.py").resolve(),
        inputs=c.inputs,
        reduce_output=True,
        match="zip_index",
        collect=True,
        stream=True,
        explode=True,
        inputs_mode="independent",
        blocking_class="fully_blocking",
        start_constraint="P.succeeded",
        eager_start=True,
        keep_outputs="sample",
        max_concurrent_children=2,
        max_pending_children=5,
        max_children=7,
        on_max_children="truncate",
        on_child_failure="none_fill",
        drain_on_upstream_error=True,
    )
    assert c.inputs[0].tolerate_upstream_error is True


def test_spec_covers_every_block_and_run_setting() -> None:
    """A setting added to the topology must be added to the saved spec too."""
    node_fields = {f.name for f in dataclasses.fields(BlockNode)} - {"path", "outputs"}
    spec_fields = set(BlockSpec.model_fields) - {"file", "description", "ports"}
    assert node_fields - {"inputs_mode"} == spec_fields
    run_fields = {f.name for f in dataclasses.fields(RunSettings)} - {"mode"}
    assert run_fields == set(RunSettingsSpec.model_fields)


def test_empty_pipeline(workspace: Path, make_pipeline) -> None:
    make_pipeline("")
    topology = load_pipeline(workspace, "p", environ={})
    assert (topology.blocks, topology.edges, topology.settings) == ({}, {}, RunSettings())
