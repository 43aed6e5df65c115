if "data_loader" not in globals():
    from mage_ai.data_preparation.decorators import data_loader


@data_loader
def emit(*args, **kwargs):
    for i in range(int(kwargs.get("children", 10000))):
        yield {"i": i}
