"""Source: generated rows `{'id': i, 'key': k, 'value': v}`, one yield per row.

Blocking class: source (non-blocking). Rows leave one at a time and the generator is only
resumed while its output has room, so memory stays at a few port buffers however many rows
it makes.

Variables:
- `rows` (default 1000): how many rows; `id` runs from 0 to rows - 1.
- `seed` (default 0): seeds `key` and `value`, so a run with the same variables gives the
  same rows.
- `key_range` (default `rows`): `key` is drawn from 0 .. key_range - 1 (several rows per key
  when it is smaller than `rows`); `value` from 0 .. 999.
"""
import random

if 'data_loader' not in globals():
    from mage_ai.data_preparation.decorators import data_loader


@data_loader
def range_rows(*args, **kwargs):
    rows = int(kwargs.get('rows', 1000))
    key_range = max(1, int(kwargs.get('key_range') or rows))
    rng = random.Random(int(kwargs.get('seed', 0)))
    for i in range(rows):
        yield {'id': i, 'key': rng.randrange(key_range), 'value': rng.randrange(1000)}
