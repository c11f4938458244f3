"""Open311 GeoReport v2 as this service speaks it: services are the categories, a request is a ticket.

What the spec asks, and how it maps here:

- a service is a category of ``LABELS.md`` (``service_code`` its code, ``service_name`` its Chinese
  name), with no extra attributes (``metadata: false``, ``type: realtime``);
- a posted request (form-encoded) is triaged and stored as a ticket from the ``open311`` channel;
  its ``service_request_id`` is the ticket id; the address, if sent, is kept with it;
- a request's ``status`` is ``closed`` once the ticket is 已办结 or 已回访, else ``open``;
  ``status_notes`` names the state, ``agency_responsible`` the unit holding it and
  ``expected_datetime`` its deadline; descriptions are PII-masked;
- errors are a list of ``{"code", "description"}`` with the HTTP status as the code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi.responses import JSONResponse

from triage import mask_pii
from triage.labels import CATEGORIES, CATEGORY_NAMES

from .life_view import public_life

__all__ = ["CLOSED", "Open311Error", "error_response", "request_public", "service_definition", "services"]

CLOSED = ("closed", "visited")
_ABOUT = {"water": "停水、水压、漏水、水质", "gas": "燃气泄漏、燃气味、燃气设施", "drainage": "污水、积水、下水道堵塞",
          "parking": "乱停车、占用车位、停车收费", "lighting": "路灯、楼道灯不亮", "other": "其他城市管理和生活问题"}


class Open311Error(Exception):
    """An answer in the spec's error format."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


def error_response(error: Open311Error) -> JSONResponse:
    return JSONResponse([{"code": error.status, "description": error.description}], status_code=error.status)


def services() -> list[dict[str, Any]]:
    return [{"service_code": c, "service_name": CATEGORY_NAMES[c], "description": _ABOUT[c], "metadata": False,
             "type": "realtime", "keywords": _ABOUT[c].replace("、", ","), "group": "12345"} for c in CATEGORIES]


def service_definition(code: str) -> dict[str, Any]:
    if code not in CATEGORIES:
        raise Open311Error(404, f"service_code {code!r} is not one of {', '.join(CATEGORIES)}")
    return {"service_code": code, "attributes": []}


def request_public(found: dict[str, Any], details: dict[str, Any] | None, life: Any) -> dict[str, Any]:
    """One ticket as an Open311 service request."""
    shown = public_life(found, life)
    details = details or {}
    history = shown["history"]
    updated = datetime.fromisoformat(history[-1]["at"]).astimezone(life.tz) if history else None
    unit = shown["unit"]
    return {"service_request_id": found["id"],
            "status": "closed" if found["state"] in CLOSED else "open",
            "status_notes": shown["state_name"] + (f"（{unit['name']}）" if unit else ""),
            "service_name": CATEGORY_NAMES.get(details.get("service_code") or shown["category"], ""),
            "service_code": details.get("service_code") or shown["category"],
            "description": mask_pii(found["text"]), "agency_responsible": unit["name"] if unit else None,
            "service_notice": None, "requested_datetime": shown["received_at"],
            "updated_datetime": (updated or found["received_at"].astimezone(life.tz)).isoformat(timespec="seconds"),
            "expected_datetime": shown["deadline"], "address": details.get("address"), "address_id": None,
            "zipcode": None, "lat": details.get("lat"), "long": details.get("long"), "media_url": None}
