import time

if 'data_loader' not in globals():
    from mage_ai.data_preparation.decorators import data_loader


@data_loader
def load_items(*args, **kwargs):
    """Dynamic block: each yielded item becomes one child run of B."""
    for i in range(10):
        time.sleep(float(kwargs.get('a_sleep', 0)))
        yield {'id': i}
