"""The ledger (台账): one row per ticket with the columns a 社区 reports, texts masked, and its weekly summary.

Pure: it reads entries (plain dicts a store made, see :func:`ledger_row`) and writes rows, a
summary and an .xlsx file. Every free text (the complaint, measures, progress, notes) is masked
with :func:`triage.text.pii.mask_pii`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from ..labels import CATEGORY_NAMES, URGENCY_NAMES
from ..rules.deadlines import LEVEL_NAMES, LEVELS
from ..text.pii import mask_pii

__all__ = ["COLUMNS", "ledger_row", "summary", "write_xlsx"]

COLUMNS = ("编号", "来源", "登记时间", "问题", "类别", "紧急程度", "责任单位", "层级", "状态", "整改措施", "进展",
           "完成时限", "是否超期", "满意度", "处理过程")
CHANNELS = {"hotline": "12345热线", "web": "网站", "app": "移动端", "open311": "Open311"}
_SOLVED = ("closed", "visited")
_CONTENT = ("satisfied", "basically_satisfied")


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def ledger_row(entry: dict[str, Any]) -> dict[str, str]:
    """The ledger's columns for one entry.

    An entry has ``id``, ``channel``, ``received_at`` and ``deadline`` (datetimes in the city's time
    zone), ``text``, ``category``, ``urgency``, ``unit_name``, ``level``, ``state_name``, ``measures``
    and ``progress`` (lists of texts), ``overdue``, ``satisfaction_name`` and ``steps`` (one line per
    step: when, what, to whom, why).
    """
    return {
        "编号": entry["id"],
        "来源": CHANNELS.get(entry["channel"], entry["channel"] or "未注明"),
        "登记时间": _when(entry["received_at"]),
        "问题": mask_pii(entry["text"]),
        "类别": CATEGORY_NAMES.get(entry["category"], entry["category"] or ""),
        "紧急程度": URGENCY_NAMES.get(entry["urgency"], entry["urgency"] or ""),
        "责任单位": entry["unit_name"] or "",
        "层级": LEVEL_NAMES.get(entry["level"], "") if entry["level"] else "",
        "状态": entry["state_name"],
        "整改措施": "；".join(mask_pii(t) for t in entry["measures"]),
        "进展": "；".join(mask_pii(t) for t in entry["progress"]),
        "完成时限": _when(entry["deadline"]),
        "是否超期": "是" if entry["overdue"] else "否",
        "满意度": entry["satisfaction_name"] or "",
        "处理过程": "\n".join(mask_pii(s) for s in entry["steps"]),
    }


def summary(entries: Iterable[dict[str, Any]], start: datetime, end: datetime) -> dict[str, Any]:
    """Counts over the entries of a period: by category, unit, level and state; solved at each level;
    the overdue rate; satisfaction; disputes counted against each unit (``returned_by``)."""
    entries = list(entries)
    count = {name: Counter() for name in ("category", "unit", "level", "state", "solved", "satisfaction", "returns")}
    overdue = 0
    for e in entries:
        count["category"][e["category"] or "unknown"] += 1
        count["unit"][e["unit_code"] or "unassigned"] += 1
        count["level"][e["level"] or "unassigned"] += 1
        count["state"][e["state"]] += 1
        if e["state"] in _SOLVED and e["level"]:
            count["solved"][e["level"]] += 1
        if e["satisfaction"]:
            count["satisfaction"][e["satisfaction"]] += 1
        count["returns"].update(e["returned_by"])
        overdue += bool(e["overdue"])
    visits = sum(count["satisfaction"].values())
    return {"period": {"from": start.isoformat(timespec="seconds"), "to": end.isoformat(timespec="seconds")},
            "total": len(entries), "by_category": dict(count["category"].most_common()),
            "by_unit": dict(count["unit"].most_common()), "by_level": dict(count["level"].most_common()),
            "by_state": dict(count["state"].most_common()),
            "solved_at": {lv: count["solved"][lv] for lv in LEVELS}, "overdue": overdue,
            "overdue_rate": round(overdue / len(entries), 4) if entries else None,
            "satisfaction": dict(count["satisfaction"].most_common()),
            "satisfaction_rate": round(sum(count["satisfaction"][s] for s in _CONTENT) / visits, 4) if visits else None,
            "returns_by_unit": dict(count["returns"].most_common())}


def write_xlsx(rows: Iterable[dict[str, str]], path: str | Path, title: str = "台账") -> int:
    """Write the rows under the ledger's header to ``path``; returns how many rows were written."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    n = 0
    for row in rows:
        sheet.append([row[c] for c in COLUMNS])
        n += 1
    widths = {"问题": 48, "整改措施": 30, "进展": 30, "处理过程": 60, "登记时间": 17, "完成时限": 17, "责任单位": 20}
    for i, column in enumerate(COLUMNS, 1):
        letter = sheet.cell(row=1, column=i).column_letter
        sheet.column_dimensions[letter].width = widths.get(column, 10)
        if column in ("问题", "处理过程", "整改措施", "进展"):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    book.save(path)
    return n
