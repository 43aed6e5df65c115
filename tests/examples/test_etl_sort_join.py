"""`examples/pipelines/etl_sort_join`: two fully blocking sorts into a partially blocking
merge join, in stream mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROWS, CUSTOMERS = 3000, 300


@pytest.fixture
def ran(run_example) -> Any:  # type: ignore[no-untyped-def]
    return run_example("etl_sort_join", {"rows": ROWS, "customers": CUSTOMERS})


def test_the_join_output_is_sorted_and_complete(ran: Any) -> None:
    assert ran.result.ok, ran.result.error
    joined = ran.output("join")
    keys = [row["key"] for row in joined]
    assert keys == sorted(keys)
    assert sorted(row["id"] for row in joined) == list(range(ROWS)), "every order, once"
    assert all(row["name"] == f"customer {row['key']:05d}" for row in joined)
    ids = {}
    for row in joined:  # the sort is stable: within a key, orders keep their id order
        assert row["id"] > ids.get(row["key"], -1)
        ids[row["key"]] = row["id"]


def test_the_report_totals_the_joined_orders(ran: Any) -> None:
    assert ran.result.ok, ran.result.error
    joined = ran.output("join")
    (report,) = ran.output("report")
    assert report["orders"] == ROWS
    assert report["amount"] == sum(row["amount"] for row in joined)
    assert report["customers"] == len({row["key"] for row in joined})
    assert sum(report["by_region"].values()) == report["amount"]


def test_sorts_succeed_and_the_join_ports_resolve_to_full(ran: Any) -> None:
    assert ran.result.ok, ran.result.error
    blocks, ports = ran.report["blocks"], ran.report["ports"]
    for name in ("sort_orders", "sort_customers", "join", "report"):
        assert blocks[name]["phase"] == "succeeded"
    assert blocks["sort_orders"]["items_out"] == ROWS
    assert blocks["sort_customers"]["items_out"] == CUSTOMERS
    for port in ("sort_orders.out->join.left", "sort_customers.out->join.right"):
        assert (ports[port]["mode"], ports[port]["mode_source"]) == (
            "full",
            "default: dependent multi-input",
        )
    assert ports["orders.out->sort_orders.orders"]["mode"] == "limited"


def test_the_example_copies_of_built_in_blocks_match_the_library(repo: Path) -> None:
    folder = repo / "examples" / "pipelines" / "etl_sort_join"
    for name in ("sort.py", "merge_join.py"):
        library = (repo / "blocks" / "transforms" / name).read_text(encoding="utf-8")
        assert (folder / name).read_text(encoding="utf-8") == library, (
            f"{folder / name} differs from blocks/transforms/{name}; copy the library file again"
        )
