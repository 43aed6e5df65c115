if "transformer" not in globals():
    from mage_ai.data_preparation.decorators import transformer


@transformer
def pass_through(item, *args, **kwargs):
    return item
