"""Merge join: inner join of two inputs that are both sorted on `join_key`.

Blocking class: partially_blocking (actionETL's InnerJoinMergeSortedTransform). Both inputs
are read as iterators (the `Iterator[...]` annotations select the stream input style) in
lockstep: the block holds only the current key group of the right input, and emits a joined
row as soon as both sides of a key have been seen. Declared in `SLUICEGATE` below (set when
the block is added from the Library):

    blocking_class: partially_blocking
    # inputs: dependent (the default): it waits on one input while the other fills, so
    # both ports resolve to `full` buffers ("default: dependent multi-input") and the
    # join cannot deadlock a diamond (SPEC §4.3.2)

The first edge into the block is `left`, the second `right`. For each key present on both
sides it emits `{**left_row, **right_row}` for every pair (on a field present in both, the
right row's value wins), in key order and, within a key, in left order. Put the side with
the smaller key groups (e.g. one row per customer) on the right: that group is what is held.
An input that is not sorted fails the block with a message naming the rows.

Variables:
- `join_key` (default 'key'): the field both inputs are sorted and joined on.
"""
import sys
from typing import Iterator

# The block settings this block needs; the editor sets them when it is added from the Library.
SLUICEGATE = {"blocking_class": "partially_blocking"}

if 'transformer' not in globals():
    from mage_ai.data_preparation.decorators import transformer

_END = object()


class _Sorted:
    """Iterator over one input that checks the rows come in non-decreasing key order."""

    def __init__(self, rows, key, side):
        self.rows, self.key, self.side = iter(rows), key, side
        self.count = 0
        self.last = _END

    def next(self):
        row = next(self.rows, _END)
        if row is _END:
            return _END
        value = row[self.key]
        if self.last is not _END and value < self.last:
            raise ValueError(
                f'merge_join: the {self.side} input is not sorted on {self.key!r}: row '
                f'{self.count} has {value!r} after {self.last!r}; put a sort block '
                f'(blocks/transforms/sort.py) before this input'
            )
        self.last = value
        self.count += 1
        return row


@transformer
def merge_join(left: Iterator[dict], right: Iterator[dict], /, *args, **kwargs):
    key = kwargs.get('join_key', 'key')
    context = kwargs.get('context')
    lefts, rights = _Sorted(left, key, 'left'), _Sorted(right, key, 'right')
    lrow, rrow = lefts.next(), rights.next()
    while lrow is not _END and rrow is not _END:
        lkey, rkey = lrow[key], rrow[key]
        if lkey < rkey:
            lrow = lefts.next()
            continue
        if rkey < lkey:
            rrow = rights.next()
            continue
        group = []  # the right rows of this key: all that is held
        while rrow is not _END and rrow[key] == lkey:
            group.append(rrow)
            rrow = rights.next()
        if context is not None:
            context.report_internal_bytes(
                sys.getsizeof(group) + sum(sys.getsizeof(r) for r in group)
            )
        while lrow is not _END and lrow[key] == lkey:
            for match in group:
                yield {**lrow, **match}
            lrow = lefts.next()
    if context is not None:
        context.report_internal_bytes(0)
