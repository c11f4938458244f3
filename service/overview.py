"""The overview page's figures: the week's summary (the one GET /v1/ledger/summary answers) and the model's
figures per version, as rows of horizontal bar charts the template draws as inline SVG.

A chart is a title, its series (one colour each) and rows of values scaled to the largest; the SVG's
geometry is decided here so the template only places what it is given.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from triage.labels import CATEGORY_NAMES
from triage.lifecycle import SATISFACTION
from triage.rules.deadlines import LEVEL_NAMES

from .auth import Principal
from .deps import Service
from .ledger import period, week_summary
from .life_errors import caller_of
from .pages import percent

__all__ = ["MODEL_FIGURES", "chart", "model_charts", "week_charts", "week_overview"]

#: The figures per model version, as the models page names them, and the set they are read from.
MODEL_FIGURES = (("category_macro_f1", "类别宏平均 F1"), ("urgency_accuracy", "紧急程度准确率"),
                 ("emergency_recall", "紧急召回率"), ("route_accuracy", "责任单位准确率"))
_NAME_W, _BAR_W, _VALUE_W, _BAR_H, _LEGEND_H = 150, 320, 70, 13, 24


def chart(key: str, title: str, series: list[str], rows: list[tuple[str, list[float]]], *,
          as_percent: bool = False, top: float | None = None) -> dict[str, Any]:
    """A bar chart: per row one bar per series, scaled to ``top`` (default: the largest value, at least 1).

    Values are counts, or fractions shown as percentages (``as_percent``, scaled to 1 by default).
    """
    top = top or (1.0 if as_percent else max([1, *(v for _, values in rows for v in values)]))
    legend = _LEGEND_H if len(series) > 1 else 4
    row_h = 10 + _BAR_H * len(series)
    out = []
    for i, (name, values) in enumerate(rows):
        y = legend + i * row_h
        bars = [{"series": j, "y": y + 5 + j * _BAR_H, "w": round(_BAR_W * (v or 0) / top, 1),
                 "shown": percent(v) if as_percent else str(int(v or 0))} for j, v in enumerate(values)]
        out.append({"name": name, "y": y, "text_y": y + 5 + _BAR_H * len(series) / 2 + 4, "bars": bars})
    return {"key": key, "title": title, "series": [{"name": s, "x": 135 * j} for j, s in enumerate(series)],
            "rows": out, "width": _NAME_W + _BAR_W + _VALUE_W, "height": legend + len(rows) * row_h + 6,
            "name_x": _NAME_W - 8, "bar_x": _NAME_W}


def _named(counts: dict[str, int], names: dict[str, str], order: list[str]) -> list[tuple[str, list[float]]]:
    """One row per code: the known ones in their order (zero when absent), then any other the counts hold."""
    codes = [*order, *(c for c in counts if c not in order)]
    return [(names.get(c, c), [counts.get(c, 0)]) for c in codes]


def week_charts(summary: dict[str, Any], states: dict[str, str]) -> list[dict[str, Any]]:
    """The week's summary as charts: by category, by state, overdue, solved per level, 回访 satisfaction."""
    total, overdue = summary["total"], summary["overdue"]
    return [
        chart("category", "按类别 · by category", ["件数"],
              _named(summary["by_category"], {**CATEGORY_NAMES, "unknown": "未分类"}, list(CATEGORY_NAMES))),
        chart("state", "按状态 · by state", ["件数"], _named(summary["by_state"], states, list(states))),
        chart("overdue", "超期 · overdue", ["件数"], [("超期", [overdue]), ("未超期", [total - overdue])]),
        chart("solved", "各级办结 · solved per level", ["件数"],
              _named(summary["solved_at"], LEVEL_NAMES, list(LEVEL_NAMES))),
        chart("satisfaction", "回访满意度 · satisfaction", ["件数"],
              _named(summary["satisfaction"], SATISFACTION, list(SATISFACTION))),
    ]


def week_overview(service: Service, who: Principal) -> dict[str, Any]:
    """This week's summary (Monday to Sunday, the city's time zone) as GET /v1/ledger/summary computes it."""
    since, until = period(service.life, None, None, week=True)
    summary = week_summary(service.life, caller_of(who), since, until)
    return {"summary": summary, "charts": week_charts(summary, service.life.machine.states),
            "first_day": since.date().isoformat(), "last_day": (until - timedelta(days=1)).date().isoformat()}


def model_charts(versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per evaluation set (held-out, dev), the four figures of every version that has them, oldest first."""
    out = []
    for key, name in (("heldout", "留出集 · held-out"), ("dev", "开发集 · dev")):
        rows = [(v["version"] + ("（启用）" if v.get("active") else ""),
                 [v["metrics"][key].get(f) or 0 for f, _ in MODEL_FIGURES])
                for v in reversed(versions) if ((v.get("metrics") or {}).get(key) or {}).get("n")]
        if rows:
            out.append(chart(f"model-{key}", f"模型指标：{name}", [n for _, n in MODEL_FIGURES], rows,
                             as_percent=True))
    return out

