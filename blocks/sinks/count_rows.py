"""Sink: count the rows it receives; emits one item `{'rows': n}`.

Blocking class: fully_blocking (its one output leaves only after end of stream), but it
holds nothing: the input is read as an iterator (the `Iterator[...]` annotation selects the
stream input style), one row at a time. Its `blocking_class: fully_blocking` is declared
in `SLUICEGATE` below (set when the block is added from the Library).

Variables: none.
"""
from typing import Iterator

# The block settings this block needs; the editor sets them when it is added from the Library.
SLUICEGATE = {"blocking_class": "fully_blocking"}

if 'data_exporter' not in globals():
    from mage_ai.data_preparation.decorators import data_exporter


@data_exporter
def count_rows(rows: Iterator, /, *args, **kwargs):
    count = 0
    for _ in rows:
        count += 1
    return {'rows': count}
