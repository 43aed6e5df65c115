if "data_loader" not in globals():
    from mage_ai.data_preparation.decorators import data_loader


@data_loader
def source(*args, **kwargs):
    for i in range(int(kwargs.get("items", 1000000))):
        yield {"id": i, "name": "user", "score": i * 0.5}
