"""The shape of an answer's ``explanation``: which rules fired on which words, and how sure each head was.

Built in one place (:meth:`triage.triager.Triager.decide`), stored with each prediction, and
read by the API, the staff page, exports and batch output. ``schema`` numbers the shape so that
a reader can tell explanations stored by an older version from today's (absent: before 1).
"""

from typing import Literal, NotRequired, TypedDict

__all__ = ["EXPLANATION_SCHEMA", "CategoryWhy", "Explanation", "ReviewWhy", "RouteWhy", "UrgencyWhy"]

EXPLANATION_SCHEMA = 1


class CategoryWhy(TypedDict):
    top: list[list[str | float]]  # the three likeliest categories: [code, probability]


class UrgencyWhy(TypedDict):
    learned: str  # the urgency head's own answer
    decided_by: Literal["rule", "detector", "model", "muted"]
    detector: NotRequired[float]  # the emergency detector's probability
    rule: NotRequired[str]  # the safety rule that fired, its reason, the caller's words and its category
    reason: NotRequired[str]
    matched: NotRequired[list[str]]
    category: NotRequired[str]
    muted: NotRequired[list[dict[str, object]]]  # danger words read as negated, past, feared …


class RouteWhy(TypedDict):
    rules: list[str]  # the policy rules that fired, in order
    reason: str
    matched: dict[str, list[str]]  # cue -> the caller's words
    learned_choice: NotRequired[str]  # the route head's pick, where the policy let it choose
    # with a dispatch directory: its version, the compound and unit it named, what decided, a changed route
    directory: NotRequired[dict[str, object]]


class ReviewWhy(TypedDict):
    confidence: dict[str, float]  # category, urgency, route
    flagged: list[str]  # the fields under their review threshold


class Explanation(TypedDict):
    schema: int
    category: CategoryWhy
    urgency: UrgencyWhy
    route: RouteWhy
    review: ReviewWhy
