"""MinHash signatures of character n-grams, and the LSH bands that find similar texts quickly.

A text becomes the set of its character n-grams, after NFKC (full-width letters, digits and
punctuation folded to half-width) and lower case, keeping letters, digits and Chinese characters
only. Traditional characters are not folded to simplified ones: they are rare on the hotline, and
the full :func:`triage.text.normalize.normalize` would cost more than the rest of the signature.
Each n-gram is hashed from its code points with fixed constants, so a signature is the same in
every process and on every host; each of ``num_perm`` multiply-shift hash functions
(``(a·x + b) mod 2**64``, its high 32 bits) keeps its smallest value over the set. The share of
positions where two signatures agree estimates the Jaccard similarity of the two n-gram sets.

LSH banding cuts the signature's first ``bands × rows`` values into bands of ``rows`` values: two
texts whose similarity is ``s`` share at least one band with probability
``1 - (1 - s**rows)**bands``, so a store looks up the texts sharing a band with a new one instead
of comparing it with every recent text. Fewer bands than the signature could give keep what a
store writes per text small, while all ``num_perm`` values still estimate the similarity.

>>> h = MinHasher(num_perm=64, ngram=2, rows=2, bands=16)
>>> a = h.signature("幸福小区3号楼水管爆了，水流了一地")
>>> b = h.signature("幸福小区3号楼的水管爆了，楼道里全是水")
>>> round(float(similarity(a, b)), 1) > round(float(similarity(a, h.signature("路灯不亮"))), 1)
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..text.normalize import nfkc

__all__ = ["MinHasher", "similarities", "similarity"]

_KEEP = re.compile(r"[^0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_MIX = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1, 0xD3A2646C], dtype=np.uint64)
_LOW32 = np.uint64(0xFFFFFFFF)
_HIGH = np.uint64(32)
_EMPTY = _LOW32  # every value of the empty signature: above any 32-bit hash's minimum in practice


def _ngram_hashes(text: str, n: int) -> np.ndarray:
    """The distinct 32-bit hashes of the text's character n-grams (a shorter text is one n-gram)."""
    kept = _KEEP.sub("", nfkc(text).lower())
    if not kept:
        return np.empty(0, dtype=np.uint64)
    points = np.frombuffer(kept.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = min(n, len(points))
    count = len(points) - n + 1
    grams = np.zeros(count, dtype=np.uint64)
    for i in range(n):  # a polynomial hash of the n code points, kept in 32 bits (in place: no new arrays)
        grams *= _MIX[i % len(_MIX)]
        grams += points[i:count + i]
        grams &= _LOW32
    return np.unique(grams)


class MinHasher:
    """Signatures of ``num_perm`` values over character ``ngram``-grams; ``bands`` LSH bands of ``rows`` values
    (default: as many as the signature holds)."""

    def __init__(self, *, num_perm: int = 128, ngram: int = 2, rows: int = 2, bands: int | None = None,
                 seed: int = 12345) -> None:
        bands = num_perm // rows if bands is None else bands
        if min(num_perm, ngram, rows, bands) < 1 or bands * rows > num_perm:
            raise ValueError(f"bands × rows ({bands} × {rows}) must be at least 1 and at most num_perm ({num_perm}); "
                             f"ngram ({ngram}) at least 1")
        self.num_perm, self.ngram, self.rows, self.bands, self.seed = num_perm, ngram, rows, bands, seed
        rng = np.random.default_rng(seed)
        self._a = rng.integers(0, 1 << 63, size=(num_perm, 1), dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._b = rng.integers(0, 1 << 63, size=(num_perm, 1), dtype=np.uint64)
        self._band_mix = rng.integers(1, (1 << 62), size=rows, dtype=np.uint64) | np.uint64(1)
        with np.errstate(over="ignore"):  # each band's number, mixed in so that bands never collide by position
            self._band_number = np.arange(bands, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)

    def signature(self, text: str) -> np.ndarray:
        """``num_perm`` 32-bit values (as unsigned 64-bit integers); a text with no letters or digits gets the
        empty signature."""
        grams = _ngram_hashes(text, self.ngram)
        if grams.size == 0:
            return np.full(self.num_perm, _EMPTY, dtype=np.uint64)
        with np.errstate(over="ignore"):  # multiplication wraps: the hash is taken mod 2**64
            values = self._a * grams[None, :]
            values += self._b
            values >>= _HIGH
            return values.min(axis=1)

    def band_keys(self, signature: np.ndarray) -> list[int]:
        """One signed 63-bit key per band (the band's number is mixed in, so bands never collide by
        position); the empty signature has none."""
        return self.band_keys_many(signature[None, :])[0]

    def band_keys_many(self, signatures: np.ndarray) -> list[list[int]]:
        """:meth:`band_keys` of each row of ``signatures`` (one NumPy pass for them all)."""
        rows = signatures[:, :self.bands * self.rows].reshape(len(signatures), self.bands, self.rows)
        with np.errstate(over="ignore"):  # wrapping multiplication is the hash
            mixed = (rows * self._band_mix).sum(axis=2, dtype=np.uint64)
        mixed ^= self._band_number
        mixed >>= np.uint64(1)
        keys = mixed.astype(np.int64).tolist()
        for i in np.flatnonzero((signatures == _EMPTY).all(axis=1)).tolist():
            keys[i] = []
        return keys

    @staticmethod
    def to_bytes(signature: np.ndarray) -> bytes:
        """Four bytes a value (every value is a 32-bit hash), little-endian: the same bytes on every host."""
        return signature.astype("<u4").tobytes()

    @staticmethod
    def from_bytes(data: bytes) -> np.ndarray:
        return np.frombuffer(data, dtype="<u4").astype(np.uint64)

    def from_bytes_many(self, data: Sequence[bytes]) -> np.ndarray:
        """:meth:`from_bytes` of each, as the rows of one array."""
        return np.frombuffer(b"".join(data), dtype="<u4").astype(np.uint64).reshape(len(data), self.num_perm)


def similarities(signature: np.ndarray, others: np.ndarray) -> np.ndarray:
    """:func:`similarity` of one signature with each row of ``others`` (one NumPy pass)."""
    if others.size == 0:
        return np.zeros(0)
    if bool((signature == _EMPTY).all()):
        return np.zeros(others.shape[0])
    same = (others == signature[None, :]).mean(axis=1)
    return np.where((others == _EMPTY).all(axis=1), 0.0, same)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The estimated Jaccard similarity of two signatures (0 when either text had nothing to hash)."""
    if a.shape != b.shape:
        raise ValueError(f"signatures of different lengths: {a.shape[0]} and {b.shape[0]}")
    if bool((a == _EMPTY).all()) or bool((b == _EMPTY).all()):
        return 0.0
    return float(np.count_nonzero(a == b)) / a.shape[0]
