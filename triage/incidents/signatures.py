"""MinHash signatures of character n-grams, and the LSH bands that find similar texts quickly.

A text becomes the set of its character n-grams (after :func:`triage.text.normalize.normalize`,
keeping letters, digits and Chinese characters only). Each n-gram is hashed from its code points
with fixed constants, so a signature is the same in every process and on every host; each of
``num_perm`` hash functions (the n-gram's hash xor a seed, through the splitmix64 finaliser) keeps
its smallest value over the set. The share of
positions where two signatures agree estimates the Jaccard similarity of the two n-gram sets.

LSH banding cuts a signature into bands of ``rows`` values: two texts whose similarity is ``s``
share at least one band with probability ``1 - (1 - s**rows)**bands``, so a store looks up the
texts sharing a band with a new one instead of comparing it with every recent text.

>>> h = MinHasher(num_perm=64, ngram=2, rows=2)
>>> a = h.signature("幸福小区3号楼水管爆了，水流了一地")
>>> b = h.signature("幸福小区3号楼的水管爆了，楼道里全是水")
>>> round(float(similarity(a, b)), 1) > round(float(similarity(a, h.signature("路灯不亮"))), 1)
True
"""

from __future__ import annotations

import re

import numpy as np

from ..text.normalize import normalize

__all__ = ["MinHasher", "similarity"]

_KEEP = re.compile(r"[^0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_MIX = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1, 0xD3A2646C], dtype=np.uint64)
_EMPTY = np.uint64(np.iinfo(np.uint64).max)


def _ngram_hashes(text: str, n: int) -> np.ndarray:
    """The distinct 32-bit hashes of the text's character n-grams (a shorter text is one n-gram)."""
    kept = _KEEP.sub("", normalize(text))
    if not kept:
        return np.empty(0, dtype=np.uint64)
    points = np.frombuffer(kept.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = min(n, len(points))
    grams = np.zeros(len(points) - n + 1, dtype=np.uint64)
    for i in range(n):  # a polynomial hash of the n code points, kept in 32 bits
        grams = (grams * _MIX[i % len(_MIX)] + points[i:len(points) - n + 1 + i]) & np.uint64(0xFFFFFFFF)
    return np.unique(grams)


class MinHasher:
    """Signatures of ``num_perm`` values over character ``ngram``-grams, banded ``rows`` values a band."""

    def __init__(self, *, num_perm: int = 64, ngram: int = 2, rows: int = 2, seed: int = 12345) -> None:
        if num_perm < 1 or ngram < 1 or rows < 1 or num_perm % rows:
            raise ValueError(f"num_perm ({num_perm}) must be a positive multiple of rows ({rows}); ngram >= 1")
        self.num_perm, self.ngram, self.rows, self.seed = num_perm, ngram, rows, seed
        rng = np.random.default_rng(seed)
        self._seeds = rng.integers(0, np.iinfo(np.uint64).max, size=(num_perm, 1), dtype=np.uint64,
                                   endpoint=True)
        self._band_mix = rng.integers(1, (1 << 62), size=rows, dtype=np.uint64) | np.uint64(1)

    @property
    def bands(self) -> int:
        return self.num_perm // self.rows

    def signature(self, text: str) -> np.ndarray:
        """``num_perm`` unsigned 64-bit values; a text with no letters or digits gets the empty signature."""
        grams = _ngram_hashes(text, self.ngram)
        if grams.size == 0:
            return np.full(self.num_perm, _EMPTY, dtype=np.uint64)
        return _mix64(grams[None, :] ^ self._seeds).min(axis=1)

    def band_keys(self, signature: np.ndarray) -> list[int]:
        """One signed 63-bit key per band (the band's number is mixed in, so bands never collide by
        position); the empty signature has none."""
        if bool((signature == _EMPTY).all()):
            return []
        rows = signature.reshape(self.bands, self.rows)
        with np.errstate(over="ignore"):  # wrapping multiplication is the hash
            mixed = (rows * self._band_mix[None, :]).sum(axis=1, dtype=np.uint64)
            mixed ^= np.arange(self.bands, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        return [int(k) for k in (mixed >> np.uint64(1)).astype(np.int64)]

    @staticmethod
    def to_bytes(signature: np.ndarray) -> bytes:
        return signature.astype("<u8").tobytes()

    @staticmethod
    def from_bytes(data: bytes) -> np.ndarray:
        return np.frombuffer(data, dtype="<u8").astype(np.uint64)


def _mix64(z: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser: a bijection of 64-bit values that scatters nearby inputs."""
    with np.errstate(over="ignore"):  # multiplication wraps, as the finaliser means it to
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The estimated Jaccard similarity of two signatures (0 when either text had nothing to hash)."""
    if a.shape != b.shape:
        raise ValueError(f"signatures of different lengths: {a.shape[0]} and {b.shape[0]}")
    if bool((a == _EMPTY).all()) or bool((b == _EMPTY).all()):
        return 0.0
    return float(np.count_nonzero(a == b)) / a.shape[0]
