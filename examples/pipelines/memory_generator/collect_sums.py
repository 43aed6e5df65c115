if 'data_exporter' not in globals():
    from mage_ai.data_preparation.decorators import data_exporter


@data_exporter
def collect_sums(sums, *args, **kwargs):
    """Called once (`collect: true`) with the list of every batch's sum."""
    return {'batches': len(sums), 'sum': float(sum(sums))}
