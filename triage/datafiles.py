"""Reading the data files a city edits: where they live, YAML with errors naming the file, word lists."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import LexiconError

__all__ = ["compile_words", "default_data_path", "read_yaml"]

#: libyaml's loader where PyYAML was built with it (the same mappings, read several times faster)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def default_data_path(name: str) -> Path:
    """The path of a data file shipped inside the package."""
    return Path(str(resources.files("triage") / "data" / name))


def read_yaml(path: Path, error: type[Exception] = LexiconError) -> dict[str, Any]:
    """Read a YAML mapping, raising ``error`` with the file name on any problem."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # a safe loader
    except OSError as e:
        raise error(f"{path}: cannot read: {e.strerror}") from e
    except yaml.YAMLError as e:
        raise error(f"{path}: not valid YAML: {e}") from e
    if not isinstance(data, dict):
        raise error(f"{path}: expected a mapping at the top level")
    return data


def compile_words(words: list[str], where: str) -> re.Pattern[str]:
    """One alternation for a word list; entries starting with ``re:`` are regular expressions."""
    parts = []
    for w in words:
        if not isinstance(w, str) or not w.strip():
            raise LexiconError(f"{where}: every entry must be a non-empty string, got {w!r}")
        if w.startswith("re:"):
            try:
                re.compile(w[3:])
            except re.error as e:
                raise LexiconError(f"{where}: bad regular expression {w[3:]!r}: {e}") from e
            parts.append(f"(?:{w[3:]})")
        else:
            parts.append(re.escape(w))
    # Longer alternatives first, so the reported word is the longest that matched.
    parts.sort(key=len, reverse=True)
    return re.compile("|".join(parts))
