"""Limited buffers hold their byte limit from the first item (SPEC §4.3.3, soft limit).

`buffer_limits`: a producer of byte strings, a `stream: true` relay and a consumer that
stalls on its first item, default buffer settings (`bytes_per_row_buffer` 65,536, so a
limited buffer holds 4 x 65,536 bytes, plus at most one item). The report's
`max_fill_items` and `max_fill_bytes` show what each buffer held; the `tracker` the blocks
share shows how far each block ran ahead of the one after it (buffer plus what the
consumer took in its last read).
"""

from __future__ import annotations

from typing import Any

import pytest

CAP_BYTES = 4 * 65536
EDGES = ("produce.out->relay.produce", "relay.out->consume.relay")


def _tracker() -> dict[str, int]:
    return {"produced": 0, "relayed": 0, "consumed": 0, "ahead": 0, "ahead_of_relay": 0}


def _run(run_fixture: Any, **variables: Any) -> tuple[dict[str, Any], dict[str, int]]:
    tracker = _tracker()
    out = run_fixture("buffer_limits", variables={**variables, "tracker": tracker})
    assert out.result.ok, out.result.error
    return out.report, tracker


@pytest.mark.parametrize(
    ("size", "count"),
    [(512, 2000), (8192, 200), (65536, 40), (1_572_864, 8)],
    ids=["512B", "8KiB", "64KiB", "1.5MB"],
)
def test_a_limited_buffer_never_holds_more_than_its_bytes_plus_one_item(
    run_fixture: Any, size: int, count: int
) -> None:
    report, tracker = _run(run_fixture, size=size, count=count)

    rows = max(64, min(65536, round(65536 / size)))  # R from the item size (SPEC §4.3.1)
    allowed = min(4 * rows, CAP_BYTES // size) + 1  # soft limit: one item over at most
    one_read = max(1, min(rows, 65536 // size))  # a consumer takes one buffer per read
    for edge in EDGES:
        port = report["ports"][edge]
        assert port["mode"] == "limited"
        assert port["rows_per_buffer"] == rows
        assert port["max_fill_items"] <= allowed, (edge, port)
        assert port["max_fill_bytes"] <= CAP_BYTES + size, (edge, port)
        # the stalled consumer let the buffer fill: the limit is what stopped the producer
        assert port["max_fill_items"] >= allowed - 1, (edge, port)
        assert port["bp_s"] > 0
    assert tracker["consumed"] == count
    # a producer runs at most one buffer plus one consumer read ahead (not 2 x capacity)
    assert tracker["ahead_of_relay"] <= allowed + one_read, tracker
    assert tracker["ahead"] <= allowed + one_read, tracker


def test_the_first_item_is_measured_before_more_are_admitted(run_fixture: Any) -> None:
    """64 KiB items under the default 65,536-byte buffer: R is 64 (capacity 256 items), yet
    the buffer holds at most 5 items, because bytes count from the first item on."""
    report, _ = _run(run_fixture, size=65536, count=20)
    port = report["ports"]["produce.out->relay.produce"]
    assert port["capacity_items"] == 256
    assert port["max_fill_items"] <= 5
    assert port["max_fill_bytes"] <= 5 * 65536


def test_items_that_grow_are_measured_as_they_come(run_fixture: Any) -> None:
    """A producer whose items double in size after 100 items: a slice asks only for what
    fits by the sizes measured so far, so the buffer stays within one (larger) item."""
    report, _ = _run(run_fixture, size=1024, count=600, grow_after=100, grow_by=2)
    port = report["ports"]["produce.out->relay.produce"]
    assert port["max_fill_bytes"] <= CAP_BYTES + 2 * 1024, port
    assert port["max_fill_bytes"] >= CAP_BYTES - 2 * 1024, port  # it did fill


def test_max_fill_bytes_is_reported_for_full_buffers_too(run_fixture: Any) -> None:
    out = run_fixture("linear_slow")
    assert out.result.ok, out.result.error
    for port in out.report["ports"].values():
        assert port["max_fill_bytes"] > 0
        assert isinstance(port["max_fill_bytes"], int)
