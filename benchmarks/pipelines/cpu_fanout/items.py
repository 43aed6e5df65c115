if "data_loader" not in globals():
    from mage_ai.data_preparation.decorators import data_loader


@data_loader
def items(children: int = 40, **kwargs):
    return [[i for i in range(children)]]
