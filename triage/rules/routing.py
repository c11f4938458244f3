"""谁主管、谁负责: route a triaged text to the party that must handle it.

The :class:`Router` applies the policy's rules to the cues found in a text.
Where a rule lists several routes, the learned route model's probabilities
choose among them; the decision still names the rule, so every answer is
explained by a rule and the words that made it fire.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..explanation import RouteWhy
from ..labels import MANAGER, ROUTE_NAMES
from .policy import Policy, Rule

__all__ = ["RouteDecision", "Router"]


@dataclass(frozen=True)
class RouteDecision:
    """The route and why: the rules that fired and the words they matched."""

    route: str
    rules: tuple[str, ...]
    reason: str
    matched: dict[str, list[str]] = field(default_factory=dict)
    learned: dict[str, float] | None = None

    @property
    def route_name(self) -> str:
        return ROUTE_NAMES[self.route]

    def as_dict(self) -> RouteWhy:
        out: RouteWhy = {"rules": list(self.rules), "reason": self.reason, "matched": self.matched}
        if self.learned is not None:
            out["learned_choice"] = self.learned
        return out


class Router:
    """Applies a :class:`~triage.rules.policy.Policy` to cue hits."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    def route(self, category: str, hits: Mapping[str, list[str]],
              route_proba: Mapping[str, float] | None = None,
              quote: Callable[[str], str] | None = None) -> RouteDecision:
        """Route one text, given its category, its cue hits and (optionally) learned route probabilities.

        ``route_proba`` maps route codes (with the compound's manager as
        ``"manager"``) to probabilities; it only breaks ties a rule leaves open.
        ``quote`` turns a matched word into the caller's own words for the explanation.
        """
        rule = _first_match(self.policy.categories[category], hits)
        route, learned = _choose(rule.routes, route_proba)
        rules, reasons, matched = [rule.id], [rule.description], rule.evidence(hits)
        if route == MANAGER:
            manager_rule = _first_match(self.policy.manager, hits)
            route = manager_rule.routes[0]
            rules.append(manager_rule.id)
            reasons.append(manager_rule.description)
            matched.update(manager_rule.evidence(hits))
        if quote is not None:
            matched = {cue: [quote(w) for w in words] for cue, words in matched.items()}
        return RouteDecision(route=route, rules=tuple(rules), reason="；".join(r for r in reasons if r),
                             matched=matched, learned=learned)


def _first_match(rules: tuple[Rule, ...], hits: Mapping[str, list[str]]) -> Rule:
    for rule in rules:
        if rule.matches(hits):
            return rule
    return rules[-1]  # validated: the last rule has no conditions


def _choose(routes: tuple[str, ...], proba: Mapping[str, float] | None) -> tuple[str, dict[str, float] | None]:
    if len(routes) == 1:
        return routes[0], None
    if not proba:
        return routes[0], None
    scores = {r: round(float(proba.get(r, 0.0)), 4) for r in routes}
    return max(routes, key=lambda r: scores[r]), scores
