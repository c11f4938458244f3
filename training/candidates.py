"""Choose which real messages to label, on purpose, and say why each was chosen.

A keyword or a model's doubt only makes a message a *candidate*: its label is made by
reading the whole text against ``../shared/LABELS.md``. Candidates come from:

- ``family:<category>``: the message uses the words of one of the five in-scope families;
- ``nearmiss:<topic>``: the words of a topic that is ``other`` but looks in scope
  (heating, power cuts, neighbour leaks, traffic jams, noise, 物业费, lifts …);
- ``model:unsure`` / ``model:in_scope``: the current model flags it for review, or calls it
  in scope while no family word is there;
- ``handled_by``: a Dalian letter handled by a utility, the city's enforcement bureau or a
  street office, whose route the model may miss;
- ``random``: a plain random draw, so that ordinary letters (and long ones) are represented.

The draw is fixed by a hash of each id, so the same pool gives the same candidates.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["FAMILIES", "NEAR_MISSES", "select_candidates"]

FAMILIES = {
    "water": r"停水|自来水|供水|水压|水质|水管|水表|一户一表|二次供水|水费|吃水|饮水|用水难|没水|断水|上不去水",
    "gas": r"燃气|天然气|煤气|液化气|气表|通气|停气|管道气|用气|气管|瓦斯|煤汽|然气",
    "drainage": r"下水道|排水|污水|化粪池|井盖|窨井|积水|内涝|雨水|返水|冒水|下水井|雨篦|水沟|阴沟",
    "parking": r"停车|车位|占道|消防通道|僵尸车|地锁|乱停|泊位|车库|停放",
    "lighting": r"路灯|照明|楼道灯|灯不亮|灯杆|亮灯|黑灯|不亮|灯光|声控灯",
}
NEAR_MISSES = {
    "heating": r"暖气|供暖|供热|采暖",
    "power": r"停电|供电|电费|电压",
    "leak": r"漏水|渗水|屋顶",
    "traffic": r"拥堵|红绿灯|信号灯|交通|堵车",
    "noise": r"噪音|扰民",
    "fees": r"物业费|物业公司|物业管理",
    "lift": r"电梯",
    "garbage": r"垃圾|环境卫生",
    "road": r"道路|路面|坑洼|修路",
}
_HANDLERS = r"执法|城管|交警|交通|水务|供水|自来水|燃气|排水|路灯|照明|街道|社区|城建"


def _draw(key: str, seed: str) -> str:
    return hashlib.sha1(f"{seed}:{key}".encode()).hexdigest()


def select_candidates(pool: Iterable[Mapping[str, Any]], predictions: Mapping[str, Mapping[str, Any]] | None = None,
                      *, near_miss_each: int = 90, unsure: int = 200, handled: int = 150, random: int = 400,
                      seed: str = "label-2026") -> list[tuple[str, str]]:
    """``(id, reason)`` pairs in a fixed order; every family candidate is kept, the rest are drawn."""
    rows = list(pool)
    predictions = predictions or {}
    chosen: dict[str, str] = {}

    def take(ids: Iterable[str], reason: str, limit: int | None = None) -> None:
        fresh = sorted((i for i in ids if i not in chosen), key=lambda i: _draw(i, seed + reason))
        for i in fresh[:limit]:
            chosen[i] = reason

    for family, pattern in FAMILIES.items():
        take((r["id"] for r in rows if re.search(pattern, r["text"])), f"family:{family}")
    for topic, pattern in NEAR_MISSES.items():
        take((r["id"] for r in rows if re.search(pattern, r["text"])), f"nearmiss:{topic}", near_miss_each)
    take((i for i, p in predictions.items() if p.get("category") != "other"), "model:in_scope")
    take((i for i, p in predictions.items() if p.get("needs_review")), "model:unsure", unsure)
    take((r["id"] for r in rows if re.search(_HANDLERS, r.get("handled_by") or "")), "handled_by", handled)
    take((r["id"] for r in rows), "random", random)
    return list(chosen.items())
