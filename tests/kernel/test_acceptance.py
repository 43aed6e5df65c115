"""SPEC §4.15: the acceptance cases that pin the dataflow contract."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_linear_slow_consumer_backpressures_the_source(run_fixture):  # case 1
    out = run_fixture("linear_slow")
    assert out.result.ok, out.result.error
    for edge_id in ("S.out->T.S", "T.out->K.T"):
        port = out.report["ports"][edge_id]
        assert port["max_fill_items"] <= port["capacity_items"] + 1
    late = out.recorder.samples[len(out.recorder.samples) // 2 :]
    assert any(
        b["S"]["activity"] == "backpressured" and b["S"]["bp_level"] == "HIGH" for b, _ in late
    )
    assert any(b["K"]["frac"]["busy"] > 0.9 for b, _ in late)


def test_oversize_item_enters_an_empty_limited_edge(run_fixture):  # case 2
    out = run_fixture("oversize")
    assert out.result.ok, out.result.error
    assert out.report["ports"]["S.out->K.S"]["items"] == 3
    assert not out.sink.of_type("deadlock")


def test_diamond_with_forced_limited_port_deadlocks_naming_the_cycle(run_fixture):  # case 3
    out = run_fixture("diamond_limited")
    assert out.result.status == "failed"
    message = out.result.error or ""
    assert message.startswith("Deadlock: wait-for cycle")
    for hop in (
        "S is blocked writing",
        "B is blocked writing B.out -> J.right",
        "J waits for input on S.out -> J.left",
    ):
        assert hop in message
    assert "Fix: J reads its inputs in a dependent order" in message
    assert "mode=limited" in message
    deadlock = out.sink.of_type("deadlock")[0]
    assert deadlock.suggestion.edge == "B.out->J.right"  # type: ignore[union-attr]
    assert out.report["blocks"]["J"]["phase"] == "failed"
    assert out.report["blocks"]["J"]["error"]["type"] == "Deadlock"


def test_diamond_default_resolves_the_join_port_to_full_and_succeeds(run_fixture):  # case 3
    out = run_fixture("diamond_default")
    assert out.result.ok, out.result.error
    port = out.report["ports"]["B.out->J.right"]
    assert (port["mode"], port["mode_source"]) == ("full", "default: dependent multi-input")
    assert out.report["blocks"]["J"]["items_out"] == 1000


def test_lookup_read_first_behaves_like_the_diamond(run_fixture):  # case 4
    failed = run_fixture("lookup_limited")
    assert failed.result.status == "failed"
    assert "Deadlock" in (failed.result.error or "")
    assert "J.main" in (failed.result.error or "")
    ok = run_fixture("lookup_default")
    assert ok.result.ok, ok.result.error
    assert ok.report["blocks"]["J"]["items_out"] == 1000


def test_start_constraint_on_an_ancestor_edge(run_fixture, workspace: Path):  # case 5
    from sluicegate.graph.build import check_pipeline

    errors, warnings = check_pipeline(workspace, "constraint_limited")
    assert not errors
    assert any(w.code == "constraint" for w in warnings)
    ok = run_fixture("constraint_default")
    assert ok.result.ok, ok.result.error
    assert ok.report["ports"]["X.out->J.X"]["mode"] == "full"
    failed = run_fixture("constraint_limited")
    assert failed.result.status == "failed"
    assert "start constraint `A.succeeded`" in (failed.result.error or "")
    assert "remove the start_constraint of J" in (failed.result.error or "")


def test_full_edge_spills_past_its_budget_in_fifo_order(run_fixture, workspace: Path):  # case 6
    out = run_fixture("spill")
    assert out.result.ok, out.result.error
    spilled = [e["S.out->K.S"]["spilled"]["bytes"] for _, e in out.recorder.samples]
    assert max(spilled) > 10 * (1 << 20)
    assert out.report["blocks"]["K"]["items_out"] == 50
    assert not list((workspace / ".spill").glob("*")), "spill files are removed when the run ends"


def test_seed_stream_children_start_before_the_parent_finishes(run_fixture):  # case 7
    out = run_fixture("seed_product", variables={"a_sleep": 0.05})
    assert out.result.ok, out.result.error
    blocks = out.report["blocks"]
    assert blocks["B"]["first_output_s"] < blocks["A"]["finished_s"]
    assert blocks["D"]["children"]["spawned"] == 100
    assert blocks["B"]["children"]["spawned"] == 10


def test_lineage_match_gives_ten_children(run_fixture):  # case 7
    out = run_fixture("seed_lineage")
    assert out.result.ok, out.result.error
    assert out.report["blocks"]["D"]["children"]["spawned"] == 10


def test_reduce_output_is_in_lineage_order_when_children_finish_in_reverse(
    run_fixture, workspace: Path
):  # case 7
    from sluicegate.kernel.store_port import StoreAdapter
    from sluicegate.store import OutputStore

    store = OutputStore(workspace / ".sluicegate" / "runs")
    writer = store.start_run("r1", {"pipeline": "seed_reduce"})
    out = run_fixture(
        "seed_reduce", variables={"d_sleep": 0.01}, store=StoreAdapter(writer, 1 << 26)
    )
    assert out.result.ok, out.result.error
    finished = [m.uuid for m in out.sink.of_type("phase") if m.block == "D" and m.to == "succeeded"]  # type: ignore[union-attr]
    assert finished[0] != "D:0", "later children finish first in this fixture"
    reduced = store.reader("r1").items("E", "E")[0]
    assert reduced == [(i, i) for i in range(10)]


def test_consumer_that_stops_early_discards_and_releases_the_producer(run_fixture):  # case 8
    out = run_fixture("limit_early")
    assert out.result.ok, out.result.error
    port = out.report["ports"]["S.out->K.S"]
    assert port["discarded"] > 0
    assert out.report["blocks"]["S"]["items_out"] == 5000
    assert not out.sink.of_type("deadlock")


def test_fail_fast_cancels_siblings_and_the_reduce_is_upstream_failed(run_fixture):  # case 9
    out = run_fixture("fail_fast")
    assert out.result.status == "failed"
    assert "B:3" in (out.result.error or "") and "bad row 3" in (out.result.error or "")
    b = out.phases("B")
    assert b["B:3"] == "failed"
    assert {v for k, v in b.items() if k != "B:3"} <= {"cancelled", "succeeded"}
    assert "cancelled" in b.values()
    assert out.report["blocks"]["R"]["phase"] == "upstream_failed"
    assert out.report["blocks"]["E"]["phase"] == "upstream_failed"


def test_telemetry_fractions_sum_to_one_and_seq_increases(run_fixture):  # case 10
    out = run_fixture("steady")
    assert out.result.ok, out.result.error
    running = [b["K"]["frac"] for b, _ in out.recorder.samples if b["K"]["phase"] == "running"]
    assert running
    for frac in running[2:]:
        assert 0.98 <= sum(frac.values()) <= 1.02
    seqs = [m.seq for m in out.sink.messages]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


@pytest.mark.parametrize(("name", "hangs"), [("slots_drain_first", False), ("slots_fifo", True)])
def test_slot_starvation(run_fixture, name: str, hangs: bool):  # case 11
    out = run_fixture(name)
    if not hangs:
        assert out.result.ok, out.result.error
        assert out.report["blocks"]["C"]["children"]["succeeded"] == 24
    else:
        assert out.result.status == "failed"
        assert "Slot starvation" in (out.result.error or "")
        assert "max_running=4" in (out.result.error or "")
