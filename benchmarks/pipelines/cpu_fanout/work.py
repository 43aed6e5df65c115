if "transformer" not in globals():
    from mage_ai.data_preparation.decorators import transformer


@transformer
def work(index: int, **kwargs):
    total = 0
    for i in range(kwargs["loops"]):
        total += (i * index) % 7
    return {"index": index, "total": total}
