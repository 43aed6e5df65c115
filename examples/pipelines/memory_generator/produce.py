import numpy as np

if 'data_loader' not in globals():
    from mage_ai.data_preparation.decorators import data_loader


@data_loader
def produce(*args, **kwargs):
    """Yield `batches` arrays of `batch_rows` consecutive float64 values: 0, 1, 2, ...

    Only the batch being yielded is alive here: the kernel resumes the generator once its
    output has room, after the previous batch was stored and sent on.
    """
    batches = int(kwargs.get('batches', 20))
    rows = int(kwargs.get('batch_rows', 1_000_000))
    for i in range(batches):
        yield np.arange(i * rows, (i + 1) * rows, dtype=np.float64)
