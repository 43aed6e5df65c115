"""numpy arrays as `.npy` files (`numpy.save` with `allow_pickle=False`), only when they read
back equal: same type (exactly `numpy.ndarray`, not a subclass), dtype, shape and values.
Object arrays cannot be saved without pickle: they are pickled with the rest of the chunk.
"""

from __future__ import annotations

import io
from typing import Any


def is_array(item: Any) -> bool:
    kind = type(item)
    return kind.__name__ == "ndarray" and kind.__module__ == "numpy"


def encode_array(item: Any) -> bytes | None:
    import numpy as np

    try:
        buf = io.BytesIO()
        np.save(buf, item, allow_pickle=False)
        data = buf.getvalue()
        back = decode_array(data)
        if back.dtype != item.dtype or back.shape != item.shape:
            return None
        if not np.array_equal(back, item, equal_nan=item.dtype.kind in "fcmM"):
            return None
    except Exception:  # object dtype (needs pickle) or values that do not compare
        return None
    return data


def decode_array(data: bytes) -> Any:
    import numpy as np

    return np.load(io.BytesIO(data), allow_pickle=False)
