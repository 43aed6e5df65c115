"""Aggregate: group rows by `group_key`; emit `{'key': k, 'count': n, 'sum': s}` per group.

Blocking class: fully_blocking (actionETL's AggregateTransform). Nothing is emitted before the
input reached end of stream, but rows are not buffered: the input is read as an iterator
(the `Iterator[...]` annotation selects the stream input style, no `collect:` needed) and
only one running total per group is held, reported with `context.report_internal_bytes`.
Its `blocking_class: fully_blocking` is declared in `SLUICEGATE` below (set when the
block is added from the Library). Groups are emitted in key order.

Variables:
- `group_key` (default 'key'): the field to group by.
- `sum_field` (default 'value'): the field summed per group.
"""
import sys
from typing import Iterator

# The block settings this block needs; the editor sets them when it is added from the Library.
SLUICEGATE = {"blocking_class": "fully_blocking"}

if 'transformer' not in globals():
    from mage_ai.data_preparation.decorators import transformer

REPORT_EVERY = 4096  # rows read between two reports of the bytes held
GROUP_BYTES = 200  # a dict entry, its key and a [count, sum] list, roughly


@transformer
def aggregate(rows: Iterator[dict], /, *args, **kwargs):
    group_key = kwargs.get('group_key', 'key')
    sum_field = kwargs.get('sum_field', 'value')
    context = kwargs.get('context')
    groups = {}
    for n, row in enumerate(rows, 1):
        total = groups.get(row[group_key])
        if total is None:
            total = groups[row[group_key]] = [0, 0]
        total[0] += 1
        total[1] += row[sum_field]
        if context is not None and n % REPORT_EVERY == 0:
            context.report_internal_bytes(sys.getsizeof(groups) + GROUP_BYTES * len(groups))
    if context is not None:
        context.report_internal_bytes(sys.getsizeof(groups) + GROUP_BYTES * len(groups))
    for key in sorted(groups):
        count, total = groups.pop(key)
        yield {'key': key, 'count': count, 'sum': total}
