"""Mage's output conventions in dynamic lineages (SPEC §4.11, last bullet): what a dynamic
block's return value makes of children, how metadata names them, what children pass on and
what a reduce receives. Expected values are those of Mage's dynamic-blocks guide."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sluicegate.errors import OutputShapeError
from sluicegate.kernel.mage_outputs import child_value, dynamic_items
from sluicegate.kernel.store_port import StoreAdapter
from sluicegate.store import OutputStore

pd = pytest.importorskip("pandas")


@pytest.fixture
def stored(run_fixture, workspace: Path):  # type: ignore[no-untyped-def]
    """Run a fixture pipeline with an output store; return (outcome, reader)."""

    def run(name: str) -> tuple[Any, Any]:
        store = OutputStore(workspace / "runs")
        writer = store.start_run(name, {})
        out = run_fixture(name, store=StoreAdapter(writer, 1 << 26))
        return out, store.reader(name)

    return run


def test_a_dynamic_block_returning_a_list_of_3_makes_3_children(stored) -> None:  # type: ignore[no-untyped-def]
    out, reader = stored("mage_dynamic_list")
    assert out.result.ok, out.result.error
    assert out.report["blocks"]["square"]["children"]["spawned"] == 3
    assert sorted(out.phases("square")) == ["square:0", "square:1", "square:2"]
    assert [reader.items("square", f"square:{i}") for i in range(3)] == [[1], [4], [9]]
    # children returning [square] are unwrapped, then the reduce lists them
    assert reader.items("export_squares", "export_squares") == [{"squares": [1, 4, 9], "total": 14}]


def test_items_and_metadata_name_the_children_as_in_mages_guide(stored) -> None:  # type: ignore[no-untyped-def]
    out, reader = stored("mage_dynamic_metadata")
    assert out.result.ok, out.result.error
    names = [f"anonymize_user_data:for_user_{i}" for i in (1, 2, 3)]
    assert sorted(out.phases("anonymize_user_data")) == names
    # Mage's table: each child returns [{"id": 100, ...}]; its value is the dict
    assert reader.items("anonymize_user_data", names[0]) == [
        {"id": 100, "name": "user_1", "region": "r1"}
    ]
    assert reader.items("anonymize_user_data", names[2])[0]["id"] == 300
    # a child of a child carries the name down and receives the dict, not [dict]
    assert reader.items("clean_column_names", "clean_column_names:for_user_2") == [
        {"ID": 200, "NAME": "user_2", "REGION": "r2"}
    ]
    # the reducing block's downstream gets the 3 users in one list
    exported = reader.items("export_users", "export_users")[0]
    assert [u["token"] for u in exported] == ["token-1", "token-2", "token-3"]
    assert [u["id"] for u in exported] == [1, 2, 3]
    # the names reach the live view's phase events and the store's block runs
    phases = out.sink.of_type("phase")
    uuids = {m.uuid for m in phases if m.block == "add_token"}
    assert uuids == {f"add_token:for_user_{i}" for i in (1, 2, 3)}
    assert reader.block_run("add_token", "add_token:for_user_3")["status"] == "succeeded"


def test_a_data_frame_makes_one_child_per_row(stored) -> None:  # type: ignore[no-untyped-def]
    out, reader = stored("mage_dynamic_frame")
    assert out.result.ok, out.result.error
    assert out.report["blocks"]["price_with_tax"]["children"]["spawned"] == 3
    prices = reader.items("export_prices", "export_prices")[0]
    assert prices == [
        {"sku": "a", "gross": 15.0, "type": "Series"},
        {"sku": "b", "gross": 30.0, "type": "Series"},
        {"sku": "c", "gross": 45.0, "type": "Series"},
    ]
    assert sorted(out.phases("describe_row")) == ["describe_row:lima", "describe_row:oslo"]
    assert reader.items("describe_row", "describe_row:lima") == ["Lima: 10000"]


def test_nested_dynamic_blocks_reduce_per_level_and_flatten_lists(stored) -> None:  # type: ignore[no-untyped-def]
    out, reader = stored("mage_nested_reduce")
    assert out.result.ok, out.result.error
    assert sorted(out.phases("sales_per_store")) == [
        "sales_per_store:0:north_0",
        "sales_per_store:0:north_1",
        "sales_per_store:1:south_0",
        "sales_per_store:1:south_1",
        "sales_per_store:1:south_2",
    ]
    # children return [sales]: the reduce gets the sales, not one-element lists
    assert reader.items("region_total", "region_total:0") == [{"sales": [10, 20], "total": 30}]
    assert reader.items("region_total", "region_total:1") == [{"sales": [10, 20, 30], "total": 60}]
    # children return [[store, sales]]: Mage flattens each list into the reduce
    assert reader.items("all_batches", "all_batches:1") == [[0, 10, 1, 20, 2, 30]]


def test_each_yield_is_a_child_and_a_pair_with_a_dict_names_it(stored) -> None:  # type: ignore[no-untyped-def]
    out, reader = stored("mage_dynamic_yield")
    assert out.result.ok, out.result.error
    assert sorted(out.phases("read_file")) == ["read_file:a_csv", "read_file:b_csv"]
    assert reader.items("read_file", "read_file:b_csv") == ["B.CSV"]
    assert out.report["blocks"]["batch_size"]["children"]["spawned"] == 3
    assert reader.items("batch_size", "batch_size:2") == [[20, 10]]


@pytest.mark.parametrize(
    ("pipeline", "block", "words"),
    [
        ("mage_bad_dict_return", "settings", ["returned a dict", "[items, metadata]"]),
        ("mage_bad_lists_of_lists", "batches", ["list of 3", "yield one value per child"]),
        ("mage_bad_duplicate_name", "users", ["'same'", "unique"]),
        ("mage_bad_reduce_pair", "pair_up", ["reduce_output", "[data, metadata]"]),
    ],
)
def test_shapes_mage_reads_differently_fail_naming_the_block(
    run_fixture: Any, pipeline: str, block: str, words: list[str]
) -> None:
    out = run_fixture(pipeline)
    assert out.result.status == "failed"
    error = out.report["blocks"][block]["error"]
    assert error["type"] == "OutputShapeError"
    assert f"'{block}'" in error["message"]
    for word in words:
        assert word in error["message"]


# ---- the rules themselves ---------------------------------------------------------------
def test_dynamic_return_values() -> None:
    assert dynamic_items([1, 2, 3], "b") == [(1, None), (2, None), (3, None)]
    assert dynamic_items((1, 2), "b") == [(1, None), (2, None)]
    assert dynamic_items(None, "b") == []
    assert dynamic_items([[1, 2]], "b") == [(1, None), (2, None)]
    meta = [{"block_uuid": "x"}, {"block_uuid": "y"}]
    assert dynamic_items([[1, 2], meta], "b") == [(1, meta[0]), (2, meta[1])]
    assert dynamic_items([[1, 2], {"k": 1}], "b") == [(1, {"k": 1}), (2, {"k": 1})]
    assert dynamic_items([[1, 2, 3], meta], "b")[2] == (3, None)  # as Mage: fewer metadata
    assert dynamic_items([(1, "a"), (2, "b")], "b") == [((1, "a"), None), ((2, "b"), None)]
    with pytest.raises(OutputShapeError, match="'b'"):
        dynamic_items([[1, 2], [3, 4]], "b")
    with pytest.raises(OutputShapeError, match="returned a str"):
        dynamic_items("abc", "b")


def test_child_return_values() -> None:
    assert child_value([{"a": 1}], "c", False) == ({"a": 1}, False)
    assert child_value([[1, 2]], "c", False) == ([1, 2], True)
    assert child_value([[7]], "c", False) == (7, False)
    assert child_value([], "c", False) == (None, False)
    assert child_value(None, "c", False) == (None, False)
    assert child_value((1, 2), "c", True) == ((1, 2), False)  # a tuple is one value
    assert child_value([1, [2], 3], "c", True) == ([1, 2, 3], True)
    assert child_value(["x", {"k": 1}], "c", True) == (["x", {"k": 1}], False)
    assert child_value([5, 0], "c", True) == ([5, 0], True)
    assert child_value([5, 3], "c", False) == ([5, 3], True)
    with pytest.raises(OutputShapeError, match="reduce_output"):
        child_value([5, 3], "c", True)
