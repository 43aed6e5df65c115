if "data_exporter" not in globals():
    from mage_ai.data_preparation.decorators import data_exporter


@data_exporter
def total(rows: list, **kwargs):
    return sum(row["total"] for row in rows)
