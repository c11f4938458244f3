"""An int64 key → column table, looked up for a whole batch at once in a fixed number of steps.

The n-gram features key every n-gram as one int64 (see :mod:`triage.model.vectorize`).
Finding a batch's keys in a sorted vocabulary means sorting the batch first; a hash table
finds most of them with one gather instead. Each key has a home slot (Fibonacci hashing,
in a table four times the number of keys); the first key of a slot lives there, and the
few that find their home taken (about one in eight) go to a small sorted overflow list,
searched only for queries whose home slot is marked crowded.

>>> table = KeyTable(np.array([7, 42, 1_000_003], dtype=np.int64))
>>> table.lookup(np.array([42, 5, 7, 1_000_003], dtype=np.int64)).tolist()
[1, -1, 0, 2]
"""

from __future__ import annotations

import numpy as np

__all__ = ["KeyTable"]

_EMPTY = -1
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio, odd: spreads consecutive keys


class KeyTable:
    """Maps each of ``keys`` (distinct, non-negative) to its position in ``keys``; others to -1."""

    def __init__(self, keys: np.ndarray) -> None:
        keys = np.asarray(keys, dtype=np.int64)
        if len(keys) and keys.min() < 0:
            raise ValueError("keys must be non-negative")
        if len(np.unique(keys)) != len(keys):
            raise ValueError("keys must be distinct")
        self.bits = max(int(np.ceil(np.log2(max(4 * len(keys), 2)))), 1)  # at most a quarter full
        size = 1 << self.bits
        home = self._home(keys)
        order = np.argsort(home, kind="stable")
        first = np.ones(len(keys), dtype=bool)
        first[1:] = home[order][1:] != home[order][:-1]
        settled, crowding = order[first], order[~first]
        self.slots = np.full(size, _EMPTY, dtype=np.int64)
        self.slots[home[settled]] = keys[settled]
        self.columns = np.full(size, -1, dtype=np.int32)
        self.columns[home[settled]] = settled
        self.crowded = np.zeros(size, dtype=bool)
        self.crowded[home[crowding]] = True
        by_key = np.argsort(keys[crowding])
        self.overflow_keys = keys[crowding][by_key]
        self.overflow_columns = crowding[by_key].astype(np.int32)

    def _home(self, keys: np.ndarray) -> np.ndarray:
        hashed = keys.astype(np.uint64) * _GOLDEN  # wraps modulo 2**64, as Fibonacci hashing wants
        return (hashed >> np.uint64(64 - self.bits)).astype(np.intp)

    def __len__(self) -> int:
        return int((self.slots != _EMPTY).sum()) + len(self.overflow_keys)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The column of each key, -1 where a key is not in the table."""
        keys = np.asarray(keys, dtype=np.int64)
        home = self._home(keys)
        out = np.where(self.slots[home] == keys, self.columns[home], -1).astype(np.int32)
        if len(self.overflow_keys):
            maybe = np.flatnonzero(self.crowded[home] & (out < 0))
            if len(maybe):
                at = np.minimum(np.searchsorted(self.overflow_keys, keys[maybe]), len(self.overflow_keys) - 1)
                hit = self.overflow_keys[at] == keys[maybe]
                out[maybe[hit]] = self.overflow_columns[at[hit]]
        return out
