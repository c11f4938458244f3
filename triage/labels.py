"""The label codes of the labeling contract (shared/LABELS.md), in one place."""

from __future__ import annotations

__all__ = [
    "CATEGORIES",
    "CATEGORY_NAMES",
    "MANAGER",
    "MANAGER_ROUTES",
    "ROUTES",
    "ROUTE_NAMES",
    "URGENCIES",
    "URGENCY_NAMES",
    "URGENCY_RANK",
]

CATEGORIES: tuple[str, ...] = ("water", "gas", "drainage", "parking", "lighting", "other")
URGENCIES: tuple[str, ...] = ("emergency", "high", "normal")
URGENCY_RANK: dict[str, int] = {"normal": 0, "high": 1, "emergency": 2}
CATEGORY_NAMES: dict[str, str] = {"water": "供水", "gas": "燃气", "drainage": "排水", "parking": "停车",
                                  "lighting": "照明", "other": "其他"}
URGENCY_NAMES: dict[str, str] = {"emergency": "紧急", "high": "较急", "normal": "一般"}

ROUTE_NAMES: dict[str, str] = {
    "property": "物业服务企业",
    "owner_unit": "产权单位/主管单位",
    "community": "社区居委会",
    "water_utility": "供水企业",
    "gas_utility": "燃气企业",
    "drainage_authority": "市政排水管理部门",
    "streetlight_authority": "城市照明(路灯)管理部门",
    "traffic_police": "公安交通管理部门",
    "urban_management": "城市管理综合执法部门",
    "manual": "人工分拨",
}
ROUTES: tuple[str, ...] = tuple(ROUTE_NAMES)

#: The policy's name for "the compound's manager" (rule 7), resolved to one of these routes.
MANAGER = "manager"
MANAGER_ROUTES: tuple[str, ...] = ("property", "owner_unit", "community")
