import time

if 'transformer' not in globals():
    from mage_ai.data_preparation.decorators import transformer


@transformer
def transform(b, *args, **kwargs):
    time.sleep(float(kwargs.get('c_sleep', 0)))
    return {'c': b['b'] * 10}
