"""Sort: emit every input row, ordered by `sort_key`.

Blocking class: fully_blocking (actionETL's SortTransform). It emits nothing until its input
reached end of stream and it holds every row meanwhile, so it needs these block settings
(declared in `SLUICEGATE` below and set when the block is added from the Library):

    collect: true                  # called once, with the list of all rows
    blocking_class: fully_blocking

The sort is stable (rows with equal keys keep their input order) and done in place on the
collected list. Rows are released as they are emitted, and the bytes still held are reported with `context.report_internal_bytes`
(shown as "accumulating ... held" while it waits, SPEC §4.7.2).

Variables:
- `sort_key` (default 'key'): the field to sort on.
"""
import sys

# The block settings this block needs; the editor sets them when it is added from the Library.
SLUICEGATE = {"collect": True, "blocking_class": "fully_blocking"}

if 'transformer' not in globals():
    from mage_ai.data_preparation.decorators import transformer

REPORT_EVERY = 4096  # rows emitted between two reports of the bytes still held


def held_bytes(rows):
    """Estimated memory of `rows`: the list, and a sample of rows with their values."""
    if not rows:
        return 0
    step = max(1, len(rows) // 100)
    sample = rows[::step]
    per_row = sum(sys.getsizeof(r) + _values_size(r) for r in sample) / len(sample)
    return int(sys.getsizeof(rows) + per_row * len(rows))


def _values_size(row):
    if isinstance(row, dict):
        return sum(sys.getsizeof(v) for v in row.values())
    return 0


@transformer
def sort(rows, /, *args, **kwargs):
    key = kwargs.get('sort_key', 'key')
    context = kwargs.get('context')
    rows.sort(key=lambda row: row[key])  # in place: the list the kernel collected
    held = held_bytes(rows)
    per_row = held / len(rows) if rows else 0
    if context is not None:
        context.report_internal_bytes(held)
    rows.reverse()  # pop from the end: ascending order, equal keys in input order
    while rows:
        yield rows.pop()
        if context is not None and len(rows) % REPORT_EVERY == 0:
            context.report_internal_bytes(int(per_row * len(rows)))
