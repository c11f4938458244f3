"""An int64 key → column table with open addressing, looked up for a whole batch at once.

The n-gram features key every n-gram as one int64 (see :mod:`triage.model.vectorize`).
Finding a batch's keys in a sorted vocabulary means sorting the batch first; a hash table
finds them with a few vectorised gathers instead: each key has a home slot (Fibonacci
hashing), a key that finds its home taken goes to the next free slot, and ``probes`` records
the longest walk any key needed, so a lookup takes at most ``probes + 1`` rounds.

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
        self.bits = max(int(np.ceil(np.log2(max(2 * len(keys), 2)))), 1)  # at most half full
        size = 1 << self.bits
        self.slots = np.full(size, _EMPTY, dtype=np.int64)
        self.columns = np.full(size, -1, dtype=np.int32)
        pos = self._home(keys)
        pending = np.arange(len(keys))
        self.probes = 0
        while len(pending):
            free = self.slots[pos[pending]] == _EMPTY
            # of the keys that reach one free slot this round, the first takes it
            _, first = np.unique(pos[pending[free]], return_index=True)
            placed = pending[free][first]
            self.slots[pos[placed]] = keys[placed]
            self.columns[pos[placed]] = placed
            taken = np.ones(len(pending), dtype=bool)
            taken[np.flatnonzero(free)[first]] = False
            pending = pending[taken]
            if len(pending):
                pos[pending] = (pos[pending] + 1) & (size - 1)
                self.probes += 1

    def _home(self, keys: np.ndarray) -> np.ndarray:
        hashed = keys.astype(np.uint64) * _GOLDEN  # wraps modulo 2**64, as Fibonacci hashing wants
        return (hashed >> np.uint64(64 - self.bits)).astype(np.int64)

    def __len__(self) -> int:
        return int((self.slots != _EMPTY).sum())

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The column of each key, -1 where a key is not in the table."""
        keys = np.asarray(keys, dtype=np.int64)
        out = np.full(len(keys), -1, dtype=np.int32)
        pos = self._home(keys)
        active = np.arange(len(keys))
        mask = len(self.slots) - 1
        for _ in range(self.probes + 1):
            found = self.slots[pos]
            hit = found == keys
            out[active[hit]] = self.columns[pos[hit]]
            go_on = ~hit & (found != _EMPTY)
            if not go_on.any():
                break
            active, keys, pos = active[go_on], keys[go_on], (pos[go_on] + 1) & mask
        return out
