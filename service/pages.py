"""What the staff page shows, prepared in Python so the templates stay plain: Chinese names, times, figures, charts.

The templates get these through ``templates`` (globals and filters); routes stay thin.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup, escape

from triage.labels import CATEGORIES, CATEGORY_NAMES, MANAGER, ROUTE_NAMES, ROUTES, URGENCIES, URGENCY_NAMES

__all__ = ["FIELD_NAMES", "LABEL_NAMES", "ROLE_NAMES", "bar_chart", "figure_rows", "highlight", "make_templates"]

LABEL_NAMES: dict[str, dict[str, str]] = {"category": CATEGORY_NAMES, "urgency": URGENCY_NAMES, "route": ROUTE_NAMES}
FIELD_NAMES: dict[str, str] = {"category": "类别", "urgency": "紧急程度", "route": "责任单位"}
ROLE_NAMES: dict[str, str] = {"intake": "录入", "staff": "审核员", "admin": "管理员"}
_OTHER_NAMES = {MANAGER: "小区管理方"}  # a policy rule's route before rule 7 names the manager
_CODES = {"category": CATEGORIES, "urgency": URGENCIES, "route": ROUTES}
_FIGURES = (("category_macro_f1", "类别宏平均 F1"), ("urgency_accuracy", "紧急程度准确率"),
            ("emergency_recall", "紧急召回率"), ("route_accuracy", "责任单位准确率"))
_SETS = (("heldout", "留出集"), ("dev", "开发集"))


def label_name(code: str | None, field: str) -> str:
    """The Chinese name of a label code (the code itself if unknown, a dash if none)."""
    if not code:
        return "—"
    return LABEL_NAMES[field].get(code) or _OTHER_NAMES.get(code, code)


def percent(value: Any) -> str:
    return f"{value * 100:.1f}%" if isinstance(value, int | float) else "—"


@pass_context
def local_time(context: Any, iso: str | None) -> str:
    """An ISO time from the store, shown in the service's time zone to the minute."""
    if not iso:
        return "—"
    return datetime.fromisoformat(iso).astimezone(ZoneInfo(context["tz"])).strftime("%Y-%m-%d %H:%M")


def highlight(text: str, words: list[str]) -> Markup:
    """The text, HTML-escaped, with the words the rules matched wrapped in <mark>."""
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return escape(text)
    parts = re.split("(" + "|".join(map(re.escape, words)) + ")", text)
    return Markup("").join(Markup("<mark>{}</mark>").format(p) if i % 2 else escape(p) for i, p in enumerate(parts))


def matched_words(explanation: dict[str, Any]) -> list[str]:
    """Every word the urgency and route rules matched."""
    words = list(explanation.get("urgency", {}).get("matched", []))
    for found in explanation.get("route", {}).get("matched", {}).values():
        words += found
    return words


def figure_rows(metrics: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per evaluation set a version was scored on: its size and the four figures, as percentages."""
    rows = []
    for key, name in _SETS:
        scores = metrics.get(key)
        if scores and scores.get("n"):
            rows.append({"name": name, "n": scores["n"], "figures": [percent(scores.get(f)) for f, _ in _FIGURES]})
    return rows


def bar_chart(field: str, week: dict[str, int], month: dict[str, int]) -> dict[str, Any]:
    """Rows of a horizontal bar chart (last 7 and last 30 days per label), scaled to the largest count.

    Names take the first 170 px of the SVG, the bars up to 360 px, the counts the last 60 px.
    """
    codes = [*_CODES[field], *(c for c in month if c not in _CODES[field])]
    top = max([1, *month.values(), *week.values()])
    bars, row_height = 360, 34
    rows = [{"name": label_name(code, field), "week": week.get(code, 0), "month": month.get(code, 0),
             "y": 30 + i * row_height,
             "w_week": round(bars * week.get(code, 0) / top, 1), "w_month": round(bars * month.get(code, 0) / top, 1)}
            for i, code in enumerate(codes)]
    return {"field": field, "title": FIELD_NAMES[field], "rows": rows, "width": 170 + bars + 60,
            "height": 40 + len(rows) * row_height}


def make_templates() -> Jinja2Templates:
    """The page templates (HTML autoescaped) with the names and filters above."""
    templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
    templates.env.trim_blocks = templates.env.lstrip_blocks = True
    templates.env.globals.update(LABEL_NAMES=LABEL_NAMES, FIELD_NAMES=FIELD_NAMES, ROLE_NAMES=ROLE_NAMES,
                                 FIGURES=[name for _, name in _FIGURES])
    templates.env.filters.update(label=label_name, percent=percent, when=local_time, highlight=highlight,
                                 matched_words=matched_words)
    return templates
