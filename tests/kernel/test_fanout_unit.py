"""Unit tests of dynamic fan-out (SPEC §4.10): product, lineage and zip partitions, made
incrementally so that no combination is missed or made twice, whatever the arrival order."""

from __future__ import annotations

from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from sluicegate.kernel.fanout import Combo, Fanout, Partition


def part(*key: int) -> Partition:
    return Partition(key, None, False, value=key)


def keys_of(combos: list[Combo]) -> list[tuple[tuple[int, ...], ...]]:
    return [tuple(p.key for p in parts) for _, parts in combos]


def test_a_block_with_one_plain_input_gets_one_run_per_partition() -> None:
    fanout = Fanout("b", "product", (False,))
    combos = fanout.add(0, part())
    assert [key for key, _ in combos] == [()]
    assert fanout.made == 1


def test_product_of_two_dynamic_inputs_keys_children_by_both_lineages() -> None:
    fanout = Fanout("b", "product", (True, True))
    made = fanout.add(0, part(0)) + fanout.add(0, part(1)) + fanout.add(1, part(7))
    assert sorted(key for key, _ in made) == [(0, 7), (1, 7)]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 4),
    st.integers(0, 4),
    st.integers(0, 3),
    st.randoms(use_true_random=False),
)
def test_product_makes_every_tuple_once_whatever_the_arrival_order(
    n_left: int, n_right: int, n_third: int, rng: object
) -> None:
    arrivals = (
        [(0, (i,)) for i in range(n_left)]
        + [(1, (j,)) for j in range(n_right)]
        + [(2, (k,)) for k in range(n_third)]
    )
    rng.shuffle(arrivals)  # type: ignore[attr-defined]
    fanout = Fanout("b", "product", (True, True, True))
    made: list[Combo] = []
    for index, key in arrivals:
        made += fanout.add(index, part(*key))
    expected = {
        ((i,), (j,), (k,)) for i, j, k in product(range(n_left), range(n_right), range(n_third))
    }
    got = keys_of(made)
    assert len(got) == len(set(got)), "a combination was made twice"
    assert set(got) == expected
    assert all(key == tuple(k for p in parts for k in p.key) for key, parts in made)
    assert fanout.made == len(expected)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 5), unique=True, max_size=6), st.randoms(use_true_random=False))
def test_lineage_pairs_partitions_of_the_same_key_whatever_the_arrival_order(
    keys: list[int], rng: object
) -> None:
    """Two inputs from the same dynamic ancestor: child (k) of one meets child (k) of the
    other; a plain (not replicated) third input joins every child."""
    arrivals = [(0, k) for k in keys] + [(1, k) for k in keys] + [(2, None)]
    rng.shuffle(arrivals)  # type: ignore[attr-defined]
    fanout = Fanout("b", "lineage", (True, True, False))
    made: list[Combo] = []
    for index, key in arrivals:
        made += fanout.add(index, part() if key is None else part(0, key))
    got = sorted(key for key, _ in made)
    assert got == sorted((0, k) for k in keys), "one child per common lineage, made once"
    for key, parts in made:
        assert parts[0].key == parts[1].key == key
        assert parts[2].key == ()


def test_lineage_waits_for_the_matching_partition() -> None:
    fanout = Fanout("b", "lineage", (True, True))
    assert fanout.add(0, part(0)) == []
    assert fanout.add(1, part(1)) == []
    assert [key for key, _ in fanout.add(1, part(0))] == [(0,)]
    assert [key for key, _ in fanout.add(0, part(1))] == [(1,)]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 6), st.integers(0, 6), st.randoms(use_true_random=False))
def test_zip_pairs_the_nth_partitions_in_arrival_order_and_counts_the_unmatched(
    n_left: int, n_right: int, rng: object
) -> None:
    arrivals = [0] * n_left + [1] * n_right
    rng.shuffle(arrivals)  # type: ignore[attr-defined]
    fanout = Fanout("b", "zip_index", (True, True))
    seen = [0, 0]
    made: list[Combo] = []
    for index in arrivals:
        made += fanout.add(index, part(100 * index + seen[index]))
        seen[index] += 1
    pairs = min(n_left, n_right)
    assert [key for key, _ in made] == [(n,) for n in range(pairs)]
    assert [tuple(p.key for p in parts) for _, parts in made] == [
        ((n,), (100 + n,)) for n in range(pairs)
    ]
    assert not fanout.close_input(0)
    assert fanout.close_input(1)
    assert fanout.final
    assert fanout.unmatched == abs(n_left - n_right)


def test_a_block_is_final_once_every_input_is_closed_and_says_so_once() -> None:
    fanout = Fanout("b", "product", (False, False))
    assert not fanout.close_input(1)
    assert not fanout.final
    assert fanout.close_input(0)
    assert fanout.final
    assert not fanout.close_input(0), "finality is reported once"
