if "transformer" not in globals():
    from mage_ai.data_preparation.decorators import transformer


@transformer
def work(index: int, loops: int = 100000, **kwargs):
    total = 0
    for i in range(loops):
        total += (i * index) % 7
    return {"index": index, "total": total}
