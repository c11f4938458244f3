"""The merging policy a city edits: ``data/incidents.yaml`` (windows, thresholds, signature shape).

>>> p = IncidentPolicy.load()
>>> p.window_hours["gas"] <= p.window_hours["lighting"], p.same_place <= p.no_place
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..datafiles import default_data_path, read_yaml
from ..errors import ConfigError
from ..labels import CATEGORIES
from .signatures import MinHasher

__all__ = ["IncidentPolicy"]

_SIGNATURE_KEYS = ("ngram", "num_perm", "bands", "rows", "seed")


@dataclass(frozen=True)
class IncidentPolicy:
    """Per-category time windows, the two similarity thresholds, and how signatures are made."""

    window_hours: dict[str, float]
    no_place: float
    same_place: float
    signature: dict[str, int]
    candidates: int
    source: str

    @classmethod
    def load(cls, path: str | Path | None = None) -> IncidentPolicy:
        """Read and check the file (default: the shipped one); a problem raises ConfigError naming it."""
        path = Path(path) if path else default_data_path("incidents.yaml")
        raw = read_yaml(path, ConfigError)
        windows = _mapping(raw, "window_hours", path)
        unknown = sorted(set(windows) - set(CATEGORIES))
        missing = [c for c in CATEGORIES if c not in windows]
        if unknown or missing:
            raise ConfigError(f"{path}: window_hours: " + "; ".join(
                ([f"unknown categories {unknown}"] if unknown else []) + ([f"no window for {missing}"] if missing
                                                                           else [])))
        for category, hours in windows.items():
            if isinstance(hours, bool) or not isinstance(hours, int | float) or hours <= 0:
                raise ConfigError(f"{path}: window_hours: {category}: expected a positive number of hours, "
                                  f"got {hours!r}")
        thresholds = _mapping(raw, "thresholds", path)
        for name in ("no_place", "same_place"):
            value = thresholds.get(name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
                raise ConfigError(f"{path}: thresholds: {name}: expected a number above 0 and at most 1, "
                                  f"got {value!r}")
        if thresholds["same_place"] > thresholds["no_place"]:
            raise ConfigError(f"{path}: thresholds: same_place ({thresholds['same_place']}) must not be above "
                              f"no_place ({thresholds['no_place']}): a shared place is evidence, not doubt")
        signature = _mapping(raw, "signature", path)
        if sorted(signature) != sorted(_SIGNATURE_KEYS) or not all(
                isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in signature.values()):
            raise ConfigError(f"{path}: signature: expected positive whole numbers for exactly "
                              f"{', '.join(_SIGNATURE_KEYS)}, got {signature!r}")
        try:
            MinHasher(**signature)
        except ValueError as e:
            raise ConfigError(f"{path}: signature: {e}") from None
        candidates = raw.get("candidates")
        if isinstance(candidates, bool) or not isinstance(candidates, int) or not 1 <= candidates <= 1000:
            raise ConfigError(f"{path}: candidates: expected a whole number from 1 to 1000, got {candidates!r}")
        return cls(window_hours={c: float(windows[c]) for c in CATEGORIES}, no_place=float(thresholds["no_place"]),
                   same_place=float(thresholds["same_place"]), signature=dict(signature), candidates=candidates,
                   source=str(path))

    def window(self, category: str) -> timedelta:
        """How far apart two reports of ``category`` may be and still be one incident."""
        return timedelta(hours=self.window_hours[category])

    def hasher(self) -> MinHasher:
        return MinHasher(**self.signature)


def _mapping(raw: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    value = raw.get(key)
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: needs a {key!r} mapping")
    return value
