@data_loader
def items(children: int = 40, **kwargs):
    return [[i for i in range(children)]]
