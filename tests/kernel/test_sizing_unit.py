"""Unit tests of byte estimation (SPEC §4.4): exact sizes where cheap, a registered sizer,
sampled pickled sizes on Ray Data's schedule, and the running mean for the rest."""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sluicegate.kernel.sizing import Sizer, deep_size, register_sizer, rows_of


class Blob:
    """An object of unknown size whose pickled length is `size` plus a fixed overhead."""

    def __init__(self, size: int) -> None:
        self.payload = b"x" * size


def pickled(obj: Any) -> int:
    return len(pickle.dumps(obj, protocol=5))


def sampled_count(n: int) -> int:
    """How many of items 1..n the SPEC's schedule measures: all up to 10, every 10th up to
    100, then every 100th."""
    return sum(1 for i in range(1, n + 1) if i <= 10 or (i <= 100 and i % 10 == 0) or i % 100 == 0)


def test_bytes_and_str_are_sized_exactly() -> None:
    sizer = Sizer()
    assert sizer.measure([b"abc", b"de"]) == 5
    assert sizer.measure([bytearray(10), memoryview(b"1234")]) == 14
    assert sizer.measure(["hello"]) == 5 + 49
    assert sizer.exact


def test_numpy_arrays_are_sized_by_nbytes() -> None:
    sizer = Sizer()
    arrays = [np.zeros(100, dtype=np.float64), np.zeros((3, 4), dtype=np.int32)]
    assert sizer.measure(arrays) == 800 + 48
    assert sizer.exact
    assert rows_of(arrays) == 100 + 3


def test_a_registered_sizer_is_used_for_its_type() -> None:
    class Frame:
        pass

    register_sizer(Frame, lambda _: 1234)
    sizer = Sizer()
    assert sizer.measure([Frame(), Frame()]) == 2468
    assert sizer.exact


def test_unknown_objects_are_estimated_by_their_pickled_size() -> None:
    sizer = Sizer()
    blob = Blob(1000)
    assert sizer.measure([blob]) == pickled(blob)
    assert not sizer.exact


def test_the_sampling_schedule_measures_1_to_10_every_10th_to_100_then_every_100th() -> None:
    sizer = Sizer()
    sizer.measure([Blob(10) for _ in range(1000)])
    assert sizer.measured == sampled_count(1000) == 28


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 300), min_size=1, max_size=8))
def test_the_schedule_does_not_depend_on_how_items_are_batched(sizes: list[int]) -> None:
    sizer = Sizer()
    for n in sizes:
        sizer.measure([Blob(10) for _ in range(n)])
    assert sizer.measured == sampled_count(sum(sizes))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 300), min_size=1, max_size=6))
def test_unmeasured_items_count_as_the_running_mean(sizes: list[int]) -> None:
    """Items of one size: the estimate of every batch is exact, measured or not."""
    sizer = Sizer()
    size = pickled(Blob(50))
    for n in sizes:
        assert sizer.measure([Blob(50) for _ in range(n)]) == n * size


def test_the_mean_follows_the_measured_sizes() -> None:
    sizer = Sizer()
    sizer.measure([Blob(100) for _ in range(10)])
    small = pickled(Blob(100))
    # item 11 is not measured: it counts as the mean so far, whatever its real size
    assert sizer.measure([Blob(5000)]) == small
    sizer.measure([Blob(100) for _ in range(8)])  # items 12..19
    big = pickled(Blob(1100))
    sizer.measure([Blob(1100)])  # item 20 is measured and moves the mean
    assert sizer.mean == (10 * small + big) / 11


def test_mixed_types_measure_exact_items_exactly_and_sample_the_rest() -> None:
    sizer = Sizer()
    blob = Blob(10)
    assert sizer.measure([b"12345", blob]) == 5 + pickled(blob)
    assert not sizer.exact


def test_deep_mode_walks_containers() -> None:
    sizer = Sizer("deep")
    item = {"a": [1, 2, 3]}
    assert sizer.measure([item]) == deep_size(item)
    assert deep_size(item) > deep_size({})


def test_rows_count_lists_and_frames_by_length_and_other_items_as_one() -> None:
    assert rows_of([1, 2, 3]) == 3
    assert rows_of([[1, 2], (3,), "abc"]) == 4
    assert rows_of([object(), object()], item_rows=lambda _: 5) == 10
