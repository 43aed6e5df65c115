import time

if 'transformer' not in globals():
    from mage_ai.data_preparation.decorators import transformer
if 'test' not in globals():
    from mage_ai.data_preparation.decorators import test


@transformer
def transform(b, c, *args, **kwargs):
    time.sleep(float(kwargs.get('d_sleep', 0)))
    return {'b': b['b'], 'c': c['c']}


@test
def test_output(output, *args) -> None:
    assert set(output) == {'b', 'c'}, 'D returns one b and one c'
