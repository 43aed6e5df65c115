"""Values are isolated (SPEC §4.11.1): no block sees another block's in-place changes, and what
is stored is what a block emitted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sluicegate.kernel.store_port import StoreAdapter
from sluicegate.store import OutputStore
from sluicegate.store.reader import RunReader


def _run_stored(workspace: Path, run_fixture: Any, name: str, run_id: str) -> tuple[Any, Any]:
    store = OutputStore(workspace / ".sluicegate" / "runs")
    writer = store.start_run(run_id, {"pipeline": name})
    out = run_fixture(name, store=StoreAdapter(writer, 1 << 26))
    assert out.result.ok, out.result.error
    return out, store.reader(run_id)


def _only(reader: RunReader, block: str) -> Any:
    items = reader.items(block, block)
    assert len(items) == 1, items
    return items[0]


def test_consumers_of_one_item_never_see_each_others_changes(run_fixture, workspace: Path):
    for attempt in range(5):  # it used to differ from run to run
        _, reader = _run_stored(workspace, run_fixture, "isolation_mutation", f"m{attempt}")
        assert _only(reader, "source") == {"n": 1, "tags": []}
        assert _only(reader, "a") == {"n": 11, "tags": []}
        assert _only(reader, "b") == {"n": 1, "tags": ["b"]}


def test_a_generator_changing_what_it_yielded_does_not_change_what_was_emitted(
    run_fixture, workspace: Path
):
    _, reader = _run_stored(workspace, run_fixture, "isolation_mutation", "gen")
    # `reuse` yields one dict three times and changes it in between
    assert reader.items("reuse", "reuse") == [{"n": n, "tags": []} for n in range(3)]
    assert reader.items("tag", "tag") == [{"n": n, "tags": ["tag"]} for n in range(3)]


def test_a_stream_block_reusing_one_output_object_emits_each_value(run_fixture, workspace):
    _, reader = _run_stored(workspace, run_fixture, "isolation_stream", "stream")
    assert _only(reader, "gather") == [{"n": 0}, {"n": 1}, {"n": 2}]


def test_share_outputs_hands_consumers_the_same_object(run_fixture, workspace: Path):
    spec = workspace / "pipelines" / "isolation_mutation" / "pipeline.yaml"
    spec.write_text(
        spec.read_text().replace("{name: source}", "{name: source, share_outputs: true}")
    )
    _, reader = _run_stored(workspace, run_fixture, "isolation_mutation", "shared")
    # `b` starts after `a` succeeded and gets the object `a` changed: the promise was broken
    assert _only(reader, "b") == {"n": 11, "tags": ["b"]}


def test_dynamic_children_of_one_item_each_get_their_own_copy(run_fixture, workspace: Path):
    for attempt in range(3):
        out, reader = _run_stored(workspace, run_fixture, "isolation_dynamic", f"d{attempt}")
        # the reduce gets what Mage's dynamic-blocks tutorial shows: ids 1, 2, 3
        assert _only(reader, "export_data") == [
            {"id": i, "name": f"user_{i}", "token": f"token_{i}"} for i in (1, 2, 3)
        ]
        times_100 = [_only_child(reader, "times_100", i) for i in range(3)]
        assert [d["id"] for d in times_100] == [100, 200, 300]
        assert all("token" not in d for d in times_100)
        assert reader.items("load_data", "load_data") == [
            {"id": i, "name": f"user_{i}"} for i in (1, 2, 3)
        ]
        assert out.report["blocks"]["times_100"]["items_out"] == 3


def _only_child(reader: RunReader, block: str, index: int) -> Any:
    items = reader.items(block, f"{block}:{index}")
    assert len(items) == 1, items
    return items[0]


def test_numpy_arrays_changed_in_place_by_two_consumers(run_fixture, workspace: Path):
    for attempt in range(3):
        _, reader = _run_stored(workspace, run_fixture, "isolation_numpy", f"np{attempt}")
        np.testing.assert_array_equal(_only(reader, "source"), [0, 1, 2])
        np.testing.assert_array_equal(_only(reader, "add_10"), [10, 11, 12])
        np.testing.assert_array_equal(_only(reader, "first_negative"), [-1, 1, 2])


def test_stored_output_read_back_after_its_consumer_changed_it(run_fixture, workspace: Path):
    # `relay` keeps a sample: its last item is stored when it ends, 0.2 s after `clear`
    # emptied that item in place
    _, reader = _run_stored(workspace, run_fixture, "isolation_sampled", "sampled")
    assert reader.items("relay", "relay") == [{"n": 1, "seen": True}, {"n": 3, "seen": True}]
    assert reader.block_run("relay", "relay")["count"] == 3


def test_a_value_that_cannot_be_copied_fails_its_block_with_the_fix(run_fixture, workspace: Path):
    out = run_fixture("isolation_unpicklable")
    assert not out.result.ok
    assert out.phases("source") == {"source": "failed"}
    message = out.report["blocks"]["source"]["error"]["message"]
    assert "port `out` of block `source`" in message
    assert "cannot pickle" in message and "share_outputs: true" in message


def test_share_outputs_lets_an_uncopyable_value_through(run_fixture, workspace: Path):
    spec = workspace / "pipelines" / "isolation_unpicklable" / "pipeline.yaml"
    spec.write_text(
        spec.read_text().replace("{name: source}", "{name: source, share_outputs: true}")
    )
    out = run_fixture("isolation_unpicklable")
    assert out.result.ok, out.result.error


@pytest.mark.parametrize(
    ("value", "shared"),
    [
        (3, True),
        ("text", True),
        ((1, ("a", None), frozenset({2.5})), True),
        ((1, []), False),
        ({"n": 1}, False),
    ],
)
def test_immutable_values_are_shared_and_others_copied(value: Any, shared: bool) -> None:
    from sluicegate.kernel.isolation import owner

    copy = owner("block `x`")(value)
    assert copy == value
    assert (copy is value) is shared
