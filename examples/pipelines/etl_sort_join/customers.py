import random

if 'data_loader' not in globals():
    from mage_ai.data_preparation.decorators import data_loader


@data_loader
def customers(*args, **kwargs):
    """One row per customer, in shuffled order: {'key', 'name', 'region'}."""
    rng = random.Random(int(kwargs.get('seed', 0)) + 1)
    keys = list(range(int(kwargs.get('customers', 2000))))
    rng.shuffle(keys)
    for key in keys:
        yield {'key': key, 'name': f'customer {key:05d}', 'region': rng.choice('NESW')}
