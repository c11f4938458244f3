"""The queue page's parts, prepared in Python: the filter read from the address, each facet's choices with
their Chinese names and counts, the pages before and after, and the keyboard shortcuts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from pydantic import ValidationError
from starlette.datastructures import QueryParams

from triage.labels import CATEGORIES, ROUTES, URGENCIES

from .pages import LABEL_NAMES
from .queue import FACETS, QueueFilter
from .ticket_story import time_left

if TYPE_CHECKING:
    from .deps import Service

__all__ = ["SHORTCUTS", "alternatives", "problem", "queue_context", "read_filter"]

_LISTS = {"category", "urgency", "route", "unit", "state", "channel", "model_version"}
_YES_NO = {"yes": "是", "no": "否"}
_TITLES = {"category": "类别", "urgency": "紧急程度", "route": "责任类型", "unit": "单位", "state": "状态",
           "overdue": "超期", "channel": "来源", "model_version": "模型版本", "needs_review": "需复核",
           "reviewed": "已审核"}
_SORT_NAMES = {"priority": "优先复核（需复核、置信度低的在前）", "deadline": "期限（最紧的在前）",
               "urgency": "紧急程度", "confidence": "置信度（低的在前）", "age": "最早收到", "newest": "最新收到"}

#: (keys, what they do): shown on "?" and in the page's help.
SHORTCUTS = (("j / ↓", "下一件 next"), ("k / ↑", "上一件 previous"),
             ("1–6", "类别：" + "、".join(f"{i} {LABEL_NAMES['category'][c]}" for i, c in enumerate(CATEGORIES, 1))),
             ("u 然后 1–3", "紧急程度：" + "、".join(f"{i} {LABEL_NAMES['urgency'][c]}"
                                                 for i, c in enumerate(URGENCIES, 1))),
             ("r 然后 1–9、0", "责任单位：按弹出的编号选择 route"),
             ("a", "采纳模型的下一个候选（类别或责任单位）并提交 accept the next candidate"),
             ("Enter / c", "提交：无改动即确认，有改动即更正，并转到下一件 confirm or correct"),
             ("x", "选中/取消选中，用于批量操作 select"), ("o", "打开工单详情 open"),
             ("z", "撤销上一次提交 undo"), ("/", "搜索 search"), ("?", "显示/关闭本帮助 help"),
             ("Esc", "关闭帮助、退出选择 close"))


def read_filter(params: QueryParams) -> QueueFilter:
    """The filter an address names; with no ``reviewed`` in it, the queue shows what is not yet reviewed.

    Raises pydantic's ValidationError for a value that is not allowed.
    """
    values: dict[str, Any] = {}
    for key in params:
        if key in _LISTS:
            values[key] = [v for v in params.getlist(key) if v]
        else:
            values[key] = params[key]
    values.setdefault("reviewed", "no")
    for key in ("limit", "offset"):
        if values.get(key) == "":
            del values[key]
    for key in ("from", "to"):
        if values.get(key) == "":
            values[key] = None
    return QueueFilter.model_validate(values)


def problem(e: ValidationError) -> str:
    """A filter's validation errors in one line, naming the parameters."""
    return "；".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in e.errors())


def _names(service: Service, facet: str) -> dict[str, str]:
    if facet in LABEL_NAMES:
        return LABEL_NAMES[facet]
    if facet == "state":
        return service.life.machine.states
    if facet in ("overdue", "needs_review", "reviewed"):
        return _YES_NO
    return {}


def _choices(service: Service, facet: str, counts: dict[str, int], chosen: list[str]) -> list[dict[str, Any]]:
    names = _names(service, facet)
    order = {"category": CATEGORIES, "urgency": URGENCIES, "route": ROUTES}.get(facet) or list(names)
    values = [*order, *(v for v in counts if v not in order)]
    out = []
    for value in values:
        if value not in counts and value not in chosen and facet not in ("category", "urgency"):
            continue
        name = names.get(value, value) if value else "（无）"
        if facet == "unit" and value:
            unit = service.life.directory.unit(value)
            name = unit.name if unit else value
        out.append({"value": value, "name": name, "count": counts.get(value, 0), "chosen": value in chosen})
    return out


def _address(f: QueueFilter, **change: Any) -> str:
    data = {**f.model_dump(by_alias=True), **change}
    pairs = []
    for key, value in data.items():
        for v in value if isinstance(value, list) else [value]:
            if v not in (None, "") and not (key == "limit" and v == 50) and not (key == "offset" and v == 0):
                pairs.append((key, str(v)))
    if not any(k == "reviewed" for k, _ in pairs):
        pairs.append(("reviewed", ""))
    return "/ui?" + urlencode(pairs)


def alternatives(item: dict[str, Any], top: int = 3) -> list[dict[str, Any]]:
    """The model's other candidates for a ticket, most likely first: categories from its top list and routes the
    model chose between, each with its confidence, leaving out the labels in force."""
    why = item["prediction"].get("explanation") or {}
    found = [("category", code, p) for code, p in (why.get("category") or {}).get("top") or []]
    found += [("route", code, p) for code, p in ((why.get("route") or {}).get("learned_choice") or {}).items()]
    found = [(field, code, p) for field, code, p in found if code != item["labels"][field]]
    found.sort(key=lambda x: -x[2])
    return [{"field": field, "value": code, "name": LABEL_NAMES[field].get(code, code), "confidence": p}
            for field, code, p in found[:top]]


def queue_context(service: Service, f: QueueFilter, page: dict[str, Any]) -> dict[str, Any]:
    """What queue.html shows besides the tickets: facets, sorts, paging, the API address of the same view."""
    facets = []
    for facet in FACETS:
        chosen = getattr(f, facet)
        chosen = chosen if isinstance(chosen, list) else [chosen] if chosen else []
        facets.append({"name": facet, "title": _TITLES[facet], "choices": _choices(
            service, facet, page["counts"][facet], chosen), "chosen": chosen[0] if chosen else ""})
    for item in page["items"]:
        item["left"] = time_left(item["time_left_seconds"])
        item["alternatives"] = alternatives(item)
        item["state_name"] = service.life.machine.states.get(item["state"], item["state"])
    end = f.offset + len(page["items"])
    api = _address(f).replace("/ui?", "/v1/queue?", 1)
    return {"facets": facets, "sorts": _SORT_NAMES, "filter": f, "total": page["total"],
            "first": f.offset + 1 if page["items"] else 0, "last": end,
            "previous": _address(f, offset=max(0, f.offset - f.limit)) if f.offset else None,
            "next": _address(f, offset=end) if end < page["total"] else None,
            "api_address": api, "shortcuts": SHORTCUTS,
            "routes": [{"code": c, "name": LABEL_NAMES["route"][c], "key": str((i + 1) % 10)}
                       for i, c in enumerate(ROUTES[:10])]}
