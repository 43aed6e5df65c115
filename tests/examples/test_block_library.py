"""The built-in blocks of `blocks/`: loaded like user blocks, called directly and in a run."""

from __future__ import annotations

import random
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest

from sluicegate.blocks.loader import LoadedBlock, load_block

LIBRARY = {
    "sources/range_rows.py": (None, False),
    "transforms/filter_rows.py": ("non_blocking", False),
    "transforms/sort.py": ("fully_blocking", False),
    "transforms/aggregate.py": ("fully_blocking", True),
    "transforms/merge_join.py": ("partially_blocking", True),
    "sinks/count_rows.py": ("fully_blocking", True),
}


class Context:
    """Records what a block reports, like the kernel's `kwargs['context']`."""

    def __init__(self) -> None:
        self.reported: list[int] = []

    def report_internal_bytes(self, nbytes: int) -> None:
        self.reported.append(nbytes)


def block(repo: Path, file: str) -> LoadedBlock:
    return load_block(repo / "blocks" / file, Path(file).stem, module_prefix="library_test")


@pytest.mark.parametrize("file", sorted(LIBRARY))
def test_every_block_documents_its_class_and_declares_its_input_style(
    repo: Path, file: str
) -> None:
    loaded = block(repo, file)
    blocking_class, streams = LIBRARY[file]
    doc = (repo / "blocks" / file).read_text(encoding="utf-8").split('"""')[1]
    assert doc.strip(), f"{file} needs a module docstring"
    if blocking_class:
        assert f"Blocking class: {blocking_class}" in doc
    assert loaded.wants_stream is streams


def test_sort_is_stable_releases_rows_and_ignores_a_rows_variable(repo: Path) -> None:
    fn = block(repo, "transforms/sort.py").fn
    rows = [{"id": i, "key": (i * 7) % 5} for i in range(10_000)]
    context = Context()
    out = list(fn(list(rows), rows=123, sort_key="key", context=context))
    assert out == sorted(rows, key=lambda r: r["key"])  # sorted() is stable too
    assert context.reported[0] > 10_000 * 64, "the bytes of every row are reported first"
    assert context.reported[-1] == 0, "and nothing once every row was emitted"


def test_merge_join_pairs_every_match_of_a_key(repo: Path) -> None:
    fn = block(repo, "transforms/merge_join.py").fn
    left = [{"key": k, "l": i} for i, k in enumerate([1, 1, 2, 4, 4, 6])]
    right = [{"key": k, "r": i} for i, k in enumerate([0, 1, 4, 4, 5, 6])]
    out = list(fn(iter(left), iter(right), join_key="key"))
    expected = [{**lrow, **rrow} for lrow in left for rrow in right if lrow["key"] == rrow["key"]]
    assert out == expected
    pairs = [(0, 1), (1, 1), (3, 2), (3, 3), (4, 2), (4, 3), (5, 5)]  # (left, right) positions
    assert [(r["l"], r["r"]) for r in out] == pairs


def test_merge_join_names_an_input_that_is_not_sorted(repo: Path) -> None:
    fn = block(repo, "transforms/merge_join.py").fn
    left = [{"key": 1}, {"key": 3}, {"key": 2}]
    right = [{"key": k} for k in range(5)]
    with pytest.raises(ValueError, match=r"the left input is not sorted on 'key'.*sort block"):
        list(fn(iter(left), iter(right)))


PIPELINE = """
variables: {rows: 2000, key_range: 50, seed: 3, filter_min: 500}
blocks:
  - {name: source, file: ../../blocks/sources/range_rows.py}
  - {name: high, file: ../../blocks/transforms/filter_rows.py}
  - name: totals
    file: ../../blocks/transforms/aggregate.py
    blocking_class: fully_blocking
  - name: by_key
    file: ../../blocks/transforms/sort.py
    collect: true
    blocking_class: fully_blocking
  - name: count
    file: ../../blocks/sinks/count_rows.py
    blocking_class: fully_blocking
edges:
  - {from: source, to: high}
  - {from: high, to: totals}
  - {from: source, to: by_key}
  - {from: by_key, to: count}
"""


def test_a_pipeline_uses_the_library_through_relative_file_paths(
    repo: Path, tmp_path: Path, run_workspace: Any
) -> None:
    # Block files may live anywhere inside the workspace (here a shared blocks/ folder);
    # a `file:` that leaves the workspace is a plan error (tests/graph/test_inputs_confined).
    shutil.copytree(repo / "blocks", tmp_path / "ws" / "blocks")
    folder = tmp_path / "ws" / "pipelines" / "library"
    folder.mkdir(parents=True)
    (folder / "pipeline.yaml").write_text(textwrap.dedent(PIPELINE), encoding="utf-8")
    ran = run_workspace(tmp_path / "ws", "library")
    assert ran.result.ok, ran.result.error

    rng = random.Random(3)  # the rows range_rows makes with these variables
    rows = [(rng.randrange(50), rng.randrange(1000)) for _ in range(2000)]
    groups: dict[int, list[int]] = {}
    for key, value in rows:
        if value >= 500:
            groups.setdefault(key, []).append(value)
    expected = [{"key": k, "count": len(v), "sum": sum(v)} for k, v in sorted(groups.items())]
    assert ran.output("totals") == expected
    keys = [row["key"] for row in ran.output("by_key")]
    assert keys == sorted(k for k, _ in rows)
    assert ran.output("count") == [{"rows": 2000}]
