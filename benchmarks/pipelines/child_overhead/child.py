if "transformer" not in globals():
    from mage_ai.data_preparation.decorators import transformer


@transformer
def child(item, *args, **kwargs):
    return item
