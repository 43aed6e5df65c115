import random

if 'data_loader' not in globals():
    from mage_ai.data_preparation.decorators import data_loader


@data_loader
def orders(*args, **kwargs):
    """`rows` orders in random customer order: {'id', 'key' (the customer), 'amount'}."""
    rng = random.Random(int(kwargs.get('seed', 0)))
    customers = int(kwargs.get('customers', 2000))
    for i in range(int(kwargs.get('rows', 20000))):
        yield {'id': i, 'key': rng.randrange(customers), 'amount': rng.randrange(1, 500)}
