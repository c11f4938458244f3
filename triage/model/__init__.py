"""The learned model: features, heads, the estimator that composes them, and its saved files.

``TriageModel`` resolves here (lazily, so that ``import triage.model`` loads no scikit-learn)
because saved models of earlier versions name it ``triage.model.TriageModel``.
"""

from typing import Any

__all__ = ["TriageModel"]


def __getattr__(name: str) -> Any:
    if name == "TriageModel":
        from .estimator import TriageModel

        return TriageModel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
