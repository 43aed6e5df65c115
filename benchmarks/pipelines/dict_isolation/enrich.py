if "transformer" not in globals():
    from mage_ai.data_preparation.decorators import transformer


@transformer
def enrich(row, *args, **kwargs):
    row["double"] = row["score"] * 2
    return row
