from typing import Iterator

if 'data_exporter' not in globals():
    from mage_ai.data_preparation.decorators import data_exporter


@data_exporter
def report(rows: Iterator[dict], /, *args, **kwargs):
    """Totals of the joined orders (in key order), read as a stream: only totals are held."""
    count, amount, customers, last = 0, 0, 0, None
    by_region = {}
    for row in rows:
        count += 1
        amount += row['amount']
        by_region[row['region']] = by_region.get(row['region'], 0) + row['amount']
        if row['key'] != last:
            customers += 1
            last = row['key']
    return {'orders': count, 'customers': customers, 'amount': amount, 'by_region': by_region}
