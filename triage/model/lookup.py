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
_TAG = np.uint64(0xD6E8FEB86659FD93)  # spreads the tags over the high bits before hashing


class KeyTable:
    """Maps each of ``keys`` (non-negative) to its position in ``keys``; others to -1.

    With ``tags`` (small numbers, one per key), a key is found only with its own tag: the
    n-grams of several vocabularies (each part's, each n) share one table, each under its
    own tag, so that a batch's n-grams are all found in one lookup. The (key, tag) pairs
    must be distinct.
    """

    def __init__(self, keys: np.ndarray, tags: np.ndarray | None = None) -> None:
        keys = np.asarray(keys, dtype=np.int64)
        if len(keys) and keys.min() < 0:
            raise ValueError("keys must be non-negative")
        self.tagged = tags is not None
        tags = np.zeros(len(keys), np.uint8) if tags is None else np.asarray(tags, dtype=np.uint8)
        by_pair = np.lexsort((tags, keys))
        if ((np.diff(keys[by_pair]) == 0) & (np.diff(tags[by_pair]) == 0)).any():
            raise ValueError("keys must be distinct" + (" within a tag" if self.tagged else ""))
        self.bits = max(int(np.ceil(np.log2(max(4 * len(keys), 2)))), 1)  # at most a quarter full
        size = 1 << self.bits
        home = self._home(keys, tags)
        order = np.argsort(home, kind="stable")
        first = np.ones(len(keys), dtype=bool)
        first[1:] = home[order][1:] != home[order][:-1]
        settled, crowding = order[first], order[~first]
        self.slots = np.full(size, _EMPTY, dtype=np.int64)
        self.slots[home[settled]] = keys[settled]
        self.slot_tags = np.zeros(size, dtype=np.uint8)
        self.slot_tags[home[settled]] = tags[settled]
        self.columns = np.full(size, -1, dtype=np.int32)
        self.columns[home[settled]] = settled
        self.crowded = np.zeros(size, dtype=bool)
        self.crowded[home[crowding]] = True
        by_key = crowding[np.lexsort((tags[crowding], keys[crowding]))]
        self.overflow_keys, self.overflow_tags = keys[by_key], tags[by_key]
        self.overflow_columns = by_key.astype(np.int32)
        # the most overflow entries one key has (under different tags): how far a lookup looks on
        _, repeats = np.unique(self.overflow_keys, return_counts=True)
        self.repeats = int(repeats.max()) if len(repeats) else 0

    def _home(self, keys: np.ndarray, tags: np.ndarray | None) -> np.ndarray:
        hashed = keys.astype(np.uint64)
        if self.tagged:
            hashed ^= tags.astype(np.uint64) * _TAG  # type: ignore[union-attr]
        hashed *= _GOLDEN  # wraps modulo 2**64, as Fibonacci hashing wants
        return (hashed >> np.uint64(64 - self.bits)).astype(np.intp)

    def __len__(self) -> int:
        return int((self.slots != _EMPTY).sum()) + len(self.overflow_keys)

    def lookup(self, keys: np.ndarray, tags: np.ndarray | None = None) -> np.ndarray:
        """The column of each key (under its tag, for a tagged table), -1 where it is not in the table."""
        keys = np.asarray(keys, dtype=np.int64)
        if self.tagged:
            tags = np.asarray(tags, dtype=np.uint8)
        home = self._home(keys, tags)
        found = self.slots[home] == keys
        if self.tagged:
            found &= self.slot_tags[home] == tags
        out = np.where(found, self.columns[home], -1).astype(np.int32)
        if self.repeats:
            maybe = np.flatnonzero(self.crowded[home] & (out < 0))
            if len(maybe):
                wanted = keys[maybe]
                first = np.searchsorted(self.overflow_keys, wanted)
                for step in range(self.repeats):
                    at = np.minimum(first + step, len(self.overflow_keys) - 1)
                    hit = self.overflow_keys[at] == wanted
                    if self.tagged:
                        hit &= self.overflow_tags[at] == tags[maybe]  # type: ignore[index]
                    out[maybe[hit]] = self.overflow_columns[at[hit]]
        return out
