"""The key table finds every key it holds, and nothing else, however the keys collide."""

import numpy as np
import pytest

from triage.model.lookup import KeyTable


def test_every_key_finds_its_position_and_strangers_find_none():
    rng = np.random.default_rng(0)
    keys = np.unique(rng.integers(0, 2**62, 50_000))
    rng.shuffle(keys)
    table = KeyTable(keys)
    np.testing.assert_array_equal(table.lookup(keys), np.arange(len(keys)))
    strangers = np.setdiff1d(rng.integers(0, 2**62, 10_000), keys)
    assert (table.lookup(strangers) == -1).all()
    assert len(table) == len(keys)


def test_keys_that_share_a_home_slot_are_found_in_the_overflow():
    # multiples of 2**58 land in very few home slots of a small table
    keys = np.arange(1, 9, dtype=np.int64) << 58
    table = KeyTable(keys)
    assert len(table.overflow_keys) > 0
    queries = np.concatenate([keys[::-1], [3, 5 << 58]])
    assert table.lookup(queries).tolist() == [7, 6, 5, 4, 3, 2, 1, 0, -1, 4]


def test_an_empty_table_and_an_empty_query():
    assert KeyTable(np.empty(0, np.int64)).lookup(np.array([1, 2])).tolist() == [-1, -1]
    assert KeyTable(np.array([4])).lookup(np.empty(0, np.int64)).tolist() == []


@pytest.mark.parametrize("keys, message", [([1, 1], "distinct"), ([-3], "non-negative")])
def test_bad_keys_are_refused(keys, message):
    with pytest.raises(ValueError, match=message):
        KeyTable(np.array(keys))


def test_a_tagged_table_finds_a_key_only_under_its_own_tag():
    keys = np.array([7, 7, 42, 3 << 58, 3 << 58, 5 << 58], dtype=np.int64)
    tags = np.array([1, 2, 1, 1, 3, 1], dtype=np.uint8)
    table = KeyTable(keys, tags)
    np.testing.assert_array_equal(table.lookup(keys, tags), np.arange(len(keys)))
    assert table.lookup(np.array([7, 42, 3 << 58, 5 << 58]), np.array([3, 2, 2, 3])).tolist() == [-1, -1, -1, -1]
    with pytest.raises(ValueError, match="distinct within a tag"):
        KeyTable(np.array([7, 7]), np.array([1, 1]))
