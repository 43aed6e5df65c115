if "transformer" not in globals():
    from mage_ai.data_preparation.decorators import transformer


@transformer
def right(row, *args, **kwargs):
    row["seen"] = True
    return row["double"]
