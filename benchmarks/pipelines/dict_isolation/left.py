if "transformer" not in globals():
    from mage_ai.data_preparation.decorators import transformer


@transformer
def left(row, *args, **kwargs):
    return row["id"]
