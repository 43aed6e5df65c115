if "data_loader" not in globals():
    from mage_ai.data_preparation.decorators import data_loader


@data_loader
def source(*args, **kwargs):
    yield from range(int(kwargs.get("items", 1000000)))
