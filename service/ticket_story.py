"""A ticket's whole story for the staff page: labels, predictions, corrections, its life, incident and place.

Everything here is read from the store and the lifecycle; the page's actions go to the JSON API under /v1.
The actions offered are those the transition table allows staff in the ticket's state, never a fixed list.
"""

from __future__ import annotations

from typing import Any

from triage.lifecycle import SATISFACTION, Machine
from triage.rules.deadlines import LEVELS

from .auth import Principal
from .deps import Service
from .life_errors import caller_of
from .lifecycle import Life
from .store.ticket_incident import incident_of

__all__ = ["NEED_HINTS", "staff_actions", "story", "time_left", "unit_choices"]

#: What the form asks for (or says is missing) per need of an action.
NEED_HINTS: dict[str, str] = {"unit": "责任单位", "reason": "原因", "measure": "需先登记整改措施",
                              "satisfaction": "回访结果", "dissatisfied": "需上次回访为“不满意”"}


def time_left(seconds: int | None) -> str:
    """Time left before a deadline in words: 剩余 1 天 3 小时, 已超时 40 分钟 (a dash when none counts)."""
    if seconds is None:
        return "—"
    left = abs(seconds)
    days, hours, minutes = left // 86_400, left % 86_400 // 3_600, left % 3_600 // 60
    parts = [f"{days} 天" if days else "", f"{hours} 小时" if hours else "",
             f"{minutes} 分钟" if minutes and not days else ""]
    words = " ".join(p for p in parts if p) or "不到 1 分钟"
    return f"已超时 {words}" if seconds < 0 else f"剩余 {words}"


def staff_actions(machine: Machine, life: dict[str, Any]) -> list[dict[str, Any]]:
    """The actions the table allows the desk in the ticket's state, each with what it needs and whether
    the ticket has what cannot be given in the form (a measure recorded, a last 回访 of 不满意)."""
    have = {"measure": bool(life["measures"]), "dissatisfied": life["satisfaction"] == "dissatisfied"}
    out = []
    for code in machine.allowed(life["state"]):
        action = machine.actions[code]
        if "staff" not in action.by:
            continue
        missing = [NEED_HINTS[n] for n in action.needs if n in have and not have[n]]
        out.append({"code": code, "name": action.name, "to": action.target,
                    "to_name": machine.states.get(action.target, action.target), "needs": list(action.needs),
                    "escalates": action.escalates, "missing": missing})
    return out


def unit_choices(life: Life) -> list[dict[str, str]]:
    """The units a ticket may be dispatched to, 社区 first, then 街道 and 区, each with its level."""
    units = getattr(life.directory, "units", {})
    rows = sorted(units.values(), key=lambda u: (LEVELS.index(u.level), u.code))
    return [u.public() for u in rows]


def _place(prediction: dict[str, Any] | None) -> dict[str, Any] | None:
    """The place and named unit of the latest answer, with the directory entry that decided."""
    if not prediction:
        return None
    route = (prediction.get("explanation") or {}).get("route") or {}
    return {"place": prediction.get("place"), "unit": prediction.get("unit"),
            "unit_reason": prediction.get("unit_reason") or "", "entry": route.get("directory") or {}}


def story(service: Service, ticket_id: str, who: Principal) -> dict[str, Any]:
    """Everything the ticket page shows; :class:`~service.store.NotFound` for an unknown ticket."""
    found = service.store.ticket(ticket_id)
    life = service.life.view(ticket_id, caller_of(who))
    latest = found["predictions"][-1] if found["predictions"] else None
    incident = incident_of(service.store, found["id"])
    units = unit_choices(service.life)
    if incident is not None:
        incident["now"] = [m for m in incident["tickets"] if m["ended_at"] is None]
        incident["others"] = [m for m in incident["now"] if m["ticket_id"] != found["id"]]
        incident["gone"] = [m for m in incident["tickets"] if m["ended_at"] is not None]
    return {"ticket": found, "latest": latest, "life": life, "left": time_left(life["time_left_seconds"]),
            "actions": staff_actions(service.life.machine, life), "units": units,
            "unit_names": {u["code"]: u["name"] for u in units},
            "satisfaction": SATISFACTION, "incident": incident, "where": _place(latest)}
