"""The kernel commits thousands of one-item child outputs a second; the store keeps up."""

from __future__ import annotations

import time

from sluicegate.store import OutputStore

RUNS = 10_000


def test_ten_thousand_one_item_block_runs_per_second(store: OutputStore) -> None:
    run = store.start_run("r1", {})
    start = time.perf_counter()
    for i in range(RUNS):
        out = run.open("D", f"D:{i}", (i,), keep="all", budget_bytes=1 << 20)
        out.add([{"i": i}], 64, exact=False)
        out.finish("done")
    run.finish_run("done", {})  # includes waiting for every line to reach the disk
    rate = RUNS / (time.perf_counter() - start)
    print(f"{rate:,.0f} one-item block runs/s")
    assert rate >= 1_000
    reader = store.reader("r1")
    assert len(reader.block_runs("D", limit=RUNS)) == RUNS
    assert reader.items("D", f"D:{RUNS - 1}") == [{"i": RUNS - 1}]
    assert (store.root / "r1" / "blocks" / "D" / "index.jsonl").read_bytes().count(b"\n") == RUNS
