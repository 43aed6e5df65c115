"""Unit tests of one edge's buffer (SPEC §4.3, §4.4): admission and the soft limit, spill to
disk and FIFO read-back, EOS after the last item, discarding after cancel, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from sluicegate.errors import UpstreamError
from sluicegate.graph.defaults import PORT_DEFAULTS
from sluicegate.graph.topology import PortConfig, Resolved
from sluicegate.kernel.edge import Edge


def make_edge(
    mode: str = "limited",
    *,
    rows: int | None = 8,
    bytes_per_buffer: int = 1 << 20,
    budget: int = 64 << 20,
    spill_dir: Path | None = None,
) -> Edge:
    config = PortConfig(
        buffering_mode=Resolved(mode, "edge config"),
        rows_per_buffer=Resolved(rows, "edge config" if rows else "default"),
        bytes_per_row_buffer=Resolved(bytes_per_buffer, "edge config"),
        full_mem_budget_bytes=Resolved(budget, "edge config"),
        sizer=Resolved("auto", "default"),
        exchange=Resolved("pipelined", "default"),
    )
    return Edge("a.out->b.in", "a.out->b.in", config, spill_dir=spill_dir)


def fill_as_producer(edge: Edge, item_bytes: int, *, limit: int = 10_000) -> int:
    """Put items as a well-behaved producer does: only while the edge is not full, at most
    `room()` at a time. Returns how many items went in."""
    sent = 0
    while not edge.full() and sent < limit:
        n = edge.room()
        assert n >= 1, "an edge that is not full must have room for one item"
        edge.put(list(range(sent, sent + n)), float(n * item_bytes), n)
        sent += n
    return sent


# ---- admission and the soft limit ----------------------------------------------------


def test_limited_edge_by_items_fills_to_capacity_and_no_further() -> None:
    edge = make_edge(rows=8)
    assert edge.capacity_items == 32
    sent = fill_as_producer(edge, item_bytes=10)
    assert edge.full() and edge.room() == 0
    assert sent == edge.fill_items == 32
    assert edge.max_fill_items == 32


def test_limited_edge_by_bytes_holds_at_most_one_item_over() -> None:
    """Soft limit: once the item size is known, a producer that respects `room()` never puts
    more than one item past the byte capacity."""
    edge = make_edge(rows=10_000, bytes_per_buffer=1000)
    assert edge.capacity_bytes == 4000
    edge.put([0], 100.0, 1)  # the first item teaches the edge its size
    fill_as_producer(edge, item_bytes=100)
    assert edge.full()
    assert edge.fill_bytes <= edge.capacity_bytes + 100
    assert edge.fill_items <= 41


def test_taking_items_makes_room_again() -> None:
    edge = make_edge(rows=2)
    fill_as_producer(edge, item_bytes=1)
    assert edge.full()
    got = edge.take(3)
    assert got is not None
    items, _, _ = got
    assert items == [0, 1, 2]
    assert not edge.full() and edge.room() == 3


def test_take_returns_at_most_the_limit_in_fifo_order_and_keeps_byte_counts() -> None:
    edge = make_edge("full")
    edge.put([1, 2, 3, 4, 5], 50.0, 5)
    edge.put([6, 7], 20.0, 2)
    taken: list[int] = []
    total_bytes = 0.0
    while (got := edge.take(3)) is not None:
        items, nbytes, _ = got
        assert len(items) <= 3
        taken += items
        total_bytes += nbytes
    assert taken == [1, 2, 3, 4, 5, 6, 7]
    assert total_bytes == pytest.approx(70.0)
    assert edge.fill_items == 0 and edge.fill_bytes == pytest.approx(0.0)
    assert edge.items_in == edge.items_out == 7


def test_rows_per_buffer_is_derived_from_the_first_items_size() -> None:
    edge = make_edge(rows=None, bytes_per_buffer=65536)
    assert edge.capacity_items is None
    edge.put([b"x" * 1024], 1024.0, 1)
    assert edge.rows_per_buffer == 64  # 65536 / 1024
    big = make_edge(rows=None, bytes_per_buffer=65536)
    big.put([b""], 1.0, 1)
    assert big.rows_per_buffer == 65536  # clamped to the largest buffer


def test_item_size_estimate_is_an_ewma_with_alpha_one_tenth() -> None:
    edge = make_edge(rows=100)
    edge.put([0, 1], 200.0, 2)
    assert edge.est_item_bytes == pytest.approx(100.0)
    edge.put([2, 3], 400.0, 2)
    assert edge.est_item_bytes == pytest.approx(110.0)


def test_full_mode_edge_is_never_full() -> None:
    edge = make_edge("full", rows=1, bytes_per_buffer=1)
    for i in range(100):
        edge.put([i], 1000.0, 1)
    assert not edge.full() and edge.room() >= 1


# ---- spill to disk and FIFO read-back ------------------------------------------------


def test_full_edge_spills_past_its_memory_budget_and_reads_back_in_order(
    tmp_path: Path,
) -> None:
    edge = make_edge("full", budget=300, spill_dir=tmp_path)
    batches = [[f"item-{b}-{i}" for i in range(3)] for b in range(10)]
    for batch in batches:
        edge.put(batch, 100.0, len(batch))
    assert edge.spilled_items > 0
    assert edge.mem_bytes <= 300
    assert list(tmp_path.iterdir()), "spilled batches live in a file of the spill folder"
    read: list[str] = []
    while (got := edge.take(4)) is not None:
        read += got[0]
    assert read == [item for batch in batches for item in batch]
    assert edge.spilled_items == 0 and edge.spilled_bytes == pytest.approx(0.0)
    edge.release()
    assert not list(tmp_path.iterdir()), "release() removes the spill file"


def test_the_first_batch_is_never_spilled(tmp_path: Path) -> None:
    edge = make_edge("full", budget=10, spill_dir=tmp_path)
    edge.put(["big"], 1000.0, 1)
    assert edge.spilled_items == 0


# ---- EOS -----------------------------------------------------------------------------


def test_eos_comes_after_the_last_item() -> None:
    edge = make_edge()
    assert not edge.ready_for_consumer()
    edge.put(["a", "b"], 2.0, 2)
    edge.close()
    assert edge.ready_for_consumer()
    assert not edge.at_eos(), "items still buffered: not at EOS yet"
    got = edge.take(10)
    assert got is not None and got[0] == ["a", "b"]
    assert edge.take(10) is None
    assert edge.at_eos()
    assert edge.state == "done"


def test_close_without_items_is_ready_for_the_consumer() -> None:
    edge = make_edge()
    edge.close()
    assert edge.ready_for_consumer() and edge.at_eos()


# ---- discarding after cancel ---------------------------------------------------------


def test_cancel_drops_what_is_buffered_and_discards_from_then_on() -> None:
    edge = make_edge(rows=1)
    fill_as_producer(edge, item_bytes=1)
    assert edge.full()
    buffered = edge.fill_items
    edge.cancel()
    assert edge.discarding
    assert edge.fill_items == 0 and edge.fill_bytes == 0
    assert not edge.full(), "a cancelled edge never back-pressures its producer again"
    assert edge.room() >= 1
    edge.put([1, 2, 3], 3.0, 3)
    assert edge.fill_items == 0
    assert edge.discarded == buffered + 3
    assert edge.take(10) is None
    assert edge.state == "cancelled"


# ---- errors --------------------------------------------------------------------------


def test_an_upstream_error_reaches_the_consumer_naming_the_edge() -> None:
    edge = make_edge()
    edge.put(["a"], 1.0, 1)
    edge.fail(ValueError("boom"))
    assert edge.ready_for_consumer()
    with pytest.raises(UpstreamError, match=r"a\.out->b\.in.*boom"):
        edge.take(10)


def test_drain_on_error_delivers_buffered_items_first() -> None:
    edge = make_edge()
    edge.put(["a", "b"], 2.0, 2)
    edge.fail(ValueError("boom"))
    got = edge.take(10, drain_on_error=True)
    assert got is not None and got[0] == ["a", "b"]
    with pytest.raises(UpstreamError):
        edge.take(10, drain_on_error=True)


def test_close_after_an_error_keeps_the_error() -> None:
    edge = make_edge()
    edge.fail(ValueError("boom"))
    edge.close()
    assert not edge.eos and edge.state == "error"
    with pytest.raises(UpstreamError):
        edge.take(1)


def test_an_error_after_the_consumer_finished_is_ignored() -> None:
    edge = make_edge()
    edge.close()
    assert edge.at_eos()
    edge.fail(ValueError("late"))
    assert edge.error is None and edge.state == "done"


def test_an_edge_of_one_dynamic_item_takes_the_built_in_defaults() -> None:
    edge = Edge("a.out->b:0.in", "a.out->b.in", None)
    assert (edge.mode, edge.mode_source) == ("full", "dynamic item")
    assert edge.bytes_per_buffer == PORT_DEFAULTS["bytes_per_row_buffer"]
    assert edge.full_budget == PORT_DEFAULTS["full_mem_budget_bytes"]
    assert edge.fixed_rows is None and not edge.full()
