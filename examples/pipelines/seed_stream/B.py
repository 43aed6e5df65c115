import time

if 'transformer' not in globals():
    from mage_ai.data_preparation.decorators import transformer


@transformer
def transform(item, *args, **kwargs):
    time.sleep(float(kwargs.get('b_sleep', 0)))
    return {'b': item['id']}
