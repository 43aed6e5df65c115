"""`Block.to_pandas` (store/tabular.py): one table from a block's items, whatever they are."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from sluicegate.errors import UsageError
from sluicegate.store.tabular import to_pandas


def test_rows_and_lists_of_rows_make_one_row_each() -> None:
    stored = [("B:0", {"a": 1}), ("B:1", [{"a": 2}, {"a": 3, "b": "x"}])]
    frame = to_pandas(stored, child_column="child")
    assert frame["a"].tolist() == [1, 2, 3]
    assert frame["b"].isna().tolist() == [True, True, False] and frame["b"][2] == "x"
    assert frame["child"].tolist() == ["B:0", "B:1", "B:1"]


def test_frames_of_every_kind_are_concatenated_with_their_index() -> None:
    stored = [
        ("B:0", pd.DataFrame({"a": [1]}, index=["x"])),
        ("B:1", pl.DataFrame({"a": [2, 3]})),
        ("B:2", pa.table({"a": [4]})),
    ]
    frame = to_pandas(stored, child_column="child")
    assert frame["a"].tolist() == [1, 2, 3, 4]
    assert frame.index.tolist() == ["x", 0, 1, 0]
    assert frame["child"].tolist() == ["B:0", "B:1", "B:1", "B:2"]


def test_arrays_other_values_and_nothing() -> None:
    arrays = to_pandas([("B", np.arange(4).reshape(2, 2)), ("B", np.array([[9, 9]]))])
    assert arrays.values.tolist() == [[0, 1], [2, 3], [9, 9]]
    assert to_pandas([("B", 1), ("B", "x")])["item"].tolist() == [1, "x"]
    assert to_pandas([]).empty


def test_a_mix_of_kinds_is_refused_with_what_to_do() -> None:
    with pytest.raises(UsageError, match=r"mix frames, rows.*items\(\)"):
        to_pandas([("B", {"a": 1}), ("B", pd.DataFrame({"a": [1]}))])
