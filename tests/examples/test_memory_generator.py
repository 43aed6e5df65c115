"""`examples/pipelines/memory_generator`: Mage's memory generator, batches streamed and summed."""

from __future__ import annotations

BATCHES, ROWS = 5, 1000


def test_every_batch_is_summed_once(run_example) -> None:
    ran = run_example("memory_generator", {"batches": BATCHES, "batch_rows": ROWS})
    assert ran.result.ok, ran.result.error
    values = BATCHES * ROWS  # the values 0 .. values - 1, in batches
    assert ran.output("collect_sums") == [{"batches": BATCHES, "sum": values * (values - 1) / 2}]
    blocks = ran.report["blocks"]
    assert blocks["produce"]["items_out"] == BATCHES
    assert blocks["total"]["items_in"] == blocks["total"]["items_out"] == BATCHES


def test_produce_keeps_a_sample_but_counts_every_batch(run_example) -> None:
    ran = run_example("memory_generator", {"batches": BATCHES, "batch_rows": ROWS})
    assert ran.result.ok, ran.result.error
    stored = ran.output("produce")
    assert len(stored) == 2, "keep_outputs: sample stores the first and the last batch"
    assert (stored[0][0], stored[-1][-1]) == (0.0, BATCHES * ROWS - 1.0)
    line = ran.outputs.block_run("produce", "produce")
    assert line is not None
    assert (line["count"], line["kept"]) == (BATCHES, "sample")
    assert line["bytes"] == BATCHES * ROWS * 8
