"""The learned model: features, heads, the estimator that composes them, and its saved files.

:class:`TriageModel` is exported here because saved models name it ``triage.model.TriageModel``.
"""

from .estimator import TriageModel

__all__ = ["TriageModel"]
