"""Run-level behaviour: cancellation, matching, constraints, failure policies, promotion."""

from __future__ import annotations

from pathlib import Path

from sluicegate.graph.build import load_pipeline
from sluicegate.kernel.api import LocalKernel


def test_batch_mode_gives_the_same_children_as_stream_mode(run_fixture):
    stream = run_fixture("seed_product")
    batch = run_fixture("seed_product", mode="batch")
    assert stream.result.ok and batch.result.ok, batch.result.error
    assert batch.report["blocks"]["D"]["children"]["spawned"] == 100
    assert batch.report["mode"] == "batch"
    assert batch.report["ports"]["A.out->B.A"]["exchange"] == "blocking"
    # batch: B starts only after A succeeded
    assert (
        batch.report["blocks"]["B"]["first_output_s"] >= batch.report["blocks"]["A"]["finished_s"]
    )


def test_zip_index_pairs_by_emission_order_and_counts_unmatched(run_fixture):
    out = run_fixture("zip_pairs")
    assert out.result.ok, out.result.error
    assert out.report["blocks"]["Z"]["children"]["spawned"] == 4
    snapshot = out.live.snapshot()
    assert snapshot.blocks["Z"].children.unmatched == 2  # type: ignore[union-attr]


def test_unsatisfiable_start_constraint_skips_the_block(run_fixture):
    out = run_fixture("constraint_skip")
    assert out.result.ok, out.result.error
    assert out.report["blocks"]["J"]["phase"] == "skipped"
    assert any(
        m.to == "skipped" and m.reason == "constraint_unsatisfiable"
        for m in out.sink.of_type("phase")
    )  # type: ignore[union-attr]


def test_promote_full_resolves_the_deadlock_at_run_time(run_fixture):
    out = run_fixture("promote")
    assert out.result.ok, out.result.error
    deadlock = out.sink.of_type("deadlock")
    assert deadlock and deadlock[0].action == "promote_full"  # type: ignore[union-attr]
    assert out.report["ports"]["B.out->J.right"]["mode"] == "full"
    assert out.report["blocks"]["J"]["items_out"] == 1000


def test_without_fail_fast_independent_branches_finish(run_fixture):
    out = run_fixture("independent_branches")
    assert out.result.status == "failed"
    blocks = out.report["blocks"]
    assert blocks["bad"]["phase"] == "failed"
    assert blocks["after_bad"]["phase"] == "upstream_failed"
    assert blocks["good"]["phase"] == "succeeded"
    assert blocks["good"]["items_out"] == 10


def test_nested_dynamic_children_and_reduce_per_level(run_fixture, workspace: Path):
    from sluicegate.kernel.store_port import StoreAdapter
    from sluicegate.store import OutputStore

    store = OutputStore(workspace / "runs")
    out = run_fixture("nested_dynamic", store=StoreAdapter(store.start_run("n1", {}), 1 << 26))
    assert out.result.ok, out.result.error
    assert out.report["blocks"]["C"]["children"]["spawned"] == 6
    assert sorted(out.phases("C")) == ["C:0:0", "C:1:0", "C:1:1", "C:2:0", "C:2:1", "C:2:2"]
    reader = store.reader("n1")
    assert reader.items("E", "E:2") == [[(2, 0), (2, 1), (2, 2)]]
    # E:0 returns a one-element list: a dynamic child passes its element on, as in Mage
    assert reader.items("E", "E:0") == [(0, 0)]


def test_max_children_fails_the_parent_with_a_fix(run_fixture):
    out = run_fixture("too_many_children")
    assert out.result.status == "failed"
    assert "max_children=3" in (out.result.error or "")
    assert "on_max_children: truncate" in (out.result.error or "")


def test_resolved_port_settings_are_logged_with_their_source(run_fixture):
    out = run_fixture("diamond_default")
    lines = [line for line in out.recorder.ports if "port=right" in line]
    assert lines
    assert "mode=full(default: dependent multi-input)" in lines[0]
    assert "rows_per_buffer=16(pipeline" in lines[0]


def test_rerun_from_failed_blocks_reuses_stored_outputs(workspace: Path, recorder):  # type: ignore[no-untyped-def]
    from sluicegate.kernel.store_port import StoreAdapter
    from sluicegate.store import OutputStore
    from sluicegate.store.reuse import reusable_outputs

    store = OutputStore(workspace / "runs")
    topology = load_pipeline(workspace, "flaky")
    first = LocalKernel().run(
        topology, variables={"fail": True}, store=StoreAdapter(store.start_run("f1", {}), 1 << 26)
    )
    assert first.status == "failed"
    second = LocalKernel().run(
        topology,
        store=StoreAdapter(store.start_run("f2", {}), 1 << 26),
        replay=reusable_outputs(store.reader("f1")),
        hooks=[recorder],
    )
    assert second.ok, second.error
    assert not any(message == "S ran" for _, message in recorder.logs), "S was reused, not run"
    assert store.reader("f2").items("T", "T") == [0, 2, 4, 6, 8]


def test_a_busy_stream_of_large_batches_is_never_taken_for_a_deadlock():
    """Regression: a woken-but-not-resumed consumer once looked starved next to a full edge."""
    root = Path(__file__).parents[2] / "examples"
    topology = load_pipeline(root, "memory_generator")
    for _ in range(3):
        result = LocalKernel().run(topology, variables={"batches": 150, "batch_rows": 100_000})
        assert result.ok, result.error


def test_counters_as_prometheus_text(run_fixture):  # type: ignore[no-untyped-def]
    from sluicegate.kernel.metrics import prometheus_text

    out = run_fixture("seed_product")
    snapshot = out.live.snapshot()
    blocks = {k: v.model_dump() for k, v in snapshot.blocks.items()}
    edges = {k: v.model_dump() for k, v in snapshot.edges.items()}
    text = prometheus_text([(out.result.run_id, blocks, edges)])
    run = out.result.run_id
    # read back as Prometheus reads it (label order and number spelling are not meaningful)
    from prometheus_client.parser import text_string_to_metric_families

    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    assert samples[("sluicegate_block_items_out_total", (("block", "D"), ("run", run)))] == 100
    children = (("block", "D"), ("phase", "succeeded"), ("run", run))
    assert samples[("sluicegate_block_children", children)] == 100
    port = (("block", "C"), ("edge", "B.out->C.B"), ("port", "B"), ("run", run))
    assert samples[("sluicegate_port_items_total", port)] == 10
    assert "# TYPE sluicegate_port_fill_items gauge" in text
    assert "# TYPE sluicegate_block_items_out_total counter" in text


def test_a_dynamic_block_without_downstream_blocks_is_never_held_back(run_fixture):  # type: ignore[no-untyped-def]
    """Its items make no children, so none is pending: more than max_pending_children items
    (50 > 10) must not back-pressure it forever (a notebook cell of a dynamic block too)."""
    ran = run_fixture("dynamic_sink")
    assert ran.result.ok, ran.result.error
    assert ran.report["blocks"]["emit"]["items_out"] == 50


def test_max_pending_children_counts_items_with_two_downstream_blocks(run_fixture):  # type: ignore[no-untyped-def]
    ran = run_fixture("dynamic_two_consumers")
    assert ran.result.ok, ran.result.error
    for block in ("left", "right"):
        children = ran.report["blocks"][block]["children"]
        assert children["spawned"] == children["succeeded"] == 40
