"""Filter: keep the rows whose `filter_field` lies between `filter_min` and `filter_max`.

Blocking class: non_blocking. Called once per input row (the default input style); it yields
the row or nothing, so each row leaves before the next one is read.

Variables:
- `filter_field` (default 'value'): the field compared.
- `filter_min`, `filter_max` (default none): inclusive bounds; a bound left out is open.
"""

if 'transformer' not in globals():
    from mage_ai.data_preparation.decorators import transformer


@transformer
def filter_rows(row, /, *args, **kwargs):
    value = row[kwargs.get('filter_field', 'value')]
    low, high = kwargs.get('filter_min'), kwargs.get('filter_max')
    if (low is None or value >= low) and (high is None or value <= high):
        yield row
