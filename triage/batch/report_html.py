"""The report as one self-contained HTML file: Chinese headings and tables, charts as embedded PNGs.

Charts are drawn with matplotlib's Agg backend and label categories, urgencies and routes
by their ASCII codes (water, emergency, property …), so they come out the same on any
machine, with or without a Chinese font; the tables beside them give the Chinese names.
"""

from __future__ import annotations

import base64
import io
from html import escape
from pathlib import Path
from typing import Any

from ..labels import CATEGORIES, CATEGORY_NAMES, ROUTE_NAMES, URGENCIES, URGENCY_NAMES
from .report import Summary, bad_reasons, crosstab, daily_register, review_shares, top_cues, weekly_summary

__all__ = ["render_html", "write_report"]

NUMERALS = " 一二三四五六七八九"
COLOURS = {"emergency": "#c0392b", "high": "#e67e22", "normal": "#7f8c8d"}
STYLE = ("body{font-family:'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif;margin:2em;max-width:70em}"
         "table{border-collapse:collapse;margin:1em 0}"
         "td,th{border:1px solid #bbb;padding:.2em .6em;text-align:right}th{background:#eee}"
         "td:first-child,th:first-child{text-align:left}img{max-width:100%}")


def _png(fig: Any) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    return f'<img alt="chart" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}">'


def _stacked(labels: list[str], series: dict[str, list[int]], title: str, xlabel: str, *, rotate: bool = False) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(max(6.0, 0.35 * len(labels) + 2), 3.6))
    bottom = [0] * len(labels)
    for name, values in series.items():
        ax.bar(labels, values, bottom=bottom, label=name, color=COLOURS.get(name))
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("rows")
    if rotate:
        ax.tick_params(axis="x", labelrotation=90)
    if len(series) > 1:
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _png(fig)


def _table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _zh(code: str, names: dict[str, str]) -> str:
    return f"{names[code]} ({code})" if code in names else code


def _bad_rows(s: Summary, n: int, errors_name: str) -> list[str]:
    """The section on rows that could not be tagged: counts by reason, then the first rows one by one."""
    parts = [f"<h2>{NUMERALS[n]}、未能分类的工单</h2>",
             f"<p>{s.bad} 条工单未能分类（文本为空或无法读取），未计入以上各表；原因如下。</p>",
             _table(["原因", "工单数"], [list(r) for r in bad_reasons(s)])]
    listed = "" if len(s.bad_rows) == s.bad else f"（仅列出前 {len(s.bad_rows)} 条，全部见 {escape(errors_name)}）"
    parts.append(f"<p>逐条列出{listed}：</p>")
    parts.append(_table(["行号", "编号", "原因"], [[r["line"], r.get("id", ""), r["reason"]] for r in s.bad_rows]))
    return parts


def render_html(s: Summary, *, title: str = "12345工单分类统计报告", source: str = "", errors_name: str = "") -> str:
    """The whole report as an HTML string; ``errors_name`` names the errors file the bad rows came from."""
    total = f"工单总数：{s.rows + s.bad}，其中已分类 {s.rows}，未能分类 {s.bad}" if s.bad else f"工单总数：{s.rows}"
    parts = [f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{escape(title)}</title>"
             f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1>",
             f"<p>数据来源：{escape(source)}；{total}</p>"]
    counts = {c: [s.count(category=c, urgency=u) for u in URGENCIES] for c in CATEGORIES}
    parts.append("<h2>一、类别 × 紧急程度</h2>")
    parts.append(_table(["类别", *(_zh(u, URGENCY_NAMES) for u in URGENCIES), "合计"],
                        [[_zh(c, CATEGORY_NAMES), *v, sum(v)] for c, v in counts.items()]))
    parts.append(_stacked(list(CATEGORIES), {u: [counts[c][i] for c in CATEGORIES] for i, u in enumerate(URGENCIES)},
                          "rows by category and urgency", "category"))
    parts.append("<h2>二、类别 × 紧急程度 × 责任主体</h2>")
    parts.append(_table(["类别", "紧急程度", "责任主体", "工单数"],
                        [[_zh(c, CATEGORY_NAMES), _zh(u, URGENCY_NAMES), _zh(r, ROUTE_NAMES), n]
                         for c, u, r, n in crosstab(s)]))
    routes = sorted({r for _, _, r in s.combos}, key=lambda r: -s.count(route=r))
    parts.append(_stacked(routes, {u: [s.count(route=r, urgency=u) for r in routes] for u in URGENCIES},
                          "rows by responsible party (route) and urgency", "route", rotate=True))
    parts.append("<h2>三、转人工复核比例</h2>")
    parts.append(_table(["类别", "工单数", "转人工复核", "比例"],
                        [[_zh(c, CATEGORY_NAMES) if c != "all" else "合计", n, r, f"{share:.1%}"]
                         for c, n, r, share in review_shares(s)]))
    parts.append("<h2>四、各类别高频线索词</h2><p>线索词：触发紧急程度规则和分拨规则的词语，按出现的工单数排列。</p>")
    cue_rows = [[_zh(c, CATEGORY_NAMES), "、".join(f"{w}（{n}）" for w, n in words)]
                for c, words in top_cues(s).items()]
    parts.append(_table(["类别", "线索词（工单数）"], cue_rows) if cue_rows else "<p>无</p>")
    register = daily_register(s)
    if register:
        parts.append("<h2>五、每日登记</h2>")
        if s.undated:
            parts.append(f"<p>{s.undated} 条工单的日期无法识别，未计入。</p>")
        days = [r["day"].isoformat() for r in register]
        parts.append(_stacked(days, {c: [r[c] for r in register] for c in CATEGORIES}, "rows per day by category",
                              "day", rotate=True))
        parts.append(_table(["日期", "合计", *(CATEGORY_NAMES[c] for c in CATEGORIES),
                             *(URGENCY_NAMES[u] for u in URGENCIES), "转人工复核"],
                            [[r["day"].isoformat(), r["total"], *(r[c] for c in CATEGORIES),
                              *(r[u] for u in URGENCIES), r["review"]] for r in register]))
        weeks = weekly_summary(s)
        parts.append("<h2>六、每周汇总</h2>")
        parts.append(_stacked([w["week"] for w in weeks], {u: [w[u] for w in weeks] for u in URGENCIES},
                              "rows per ISO week by urgency", "week"))
        parts.append(_table(["周次", "起止", "合计", *(CATEGORY_NAMES[c] for c in CATEGORIES),
                             *(URGENCY_NAMES[u] for u in URGENCIES), "转人工复核比例"],
                            [[w["week"], f"{w['from']:%m-%d}至{w['to']:%m-%d}", w["total"],
                              *(w[c] for c in CATEGORIES), *(w[u] for u in URGENCIES),
                              f"{w['review'] / w['total']:.1%}" if w["total"] else "-"] for w in weeks]))
    if s.bad:
        parts.extend(_bad_rows(s, 7 if register else 5, errors_name))
    parts.append("</body></html>\n")
    return "".join(parts)


def write_report(s: Summary, path: str | Path, *, source: str = "", errors_name: str = "") -> Path:
    """Write the report to ``path`` (one file, nothing to fetch when it is opened)."""
    path = Path(path)
    path.write_text(render_html(s, source=source, errors_name=errors_name), encoding="utf-8")
    return path
