"""Open311 requests against the store: what a posted form must hold, and the requests a key may read.

The routes (``service/routes/open311.py``) check keys and answer; this module holds the rest.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from triage.labels import CATEGORIES

from .lifecycle import Caller, Life
from .open311 import Open311Error, request_public

__all__ = ["checked_form", "find_request", "find_requests"]

#: The most requests one listing answers (the spec lets a server cap it).
MOST = 1000


def _number(form: Any, name: str) -> float | None:
    value = (form.get(name) or "").strip()
    try:
        return float(value) if value else None
    except ValueError:
        raise Open311Error(400, f"{name}: {value!r} is not a number") from None


def checked_form(form: Any, max_chars: int) -> dict[str, Any]:
    """The fields of a posted request (service_code, description, lat, long, address_string), checked."""
    code, text = (form.get("service_code") or "").strip(), (form.get("description") or "").strip()
    if code not in CATEGORIES:
        raise Open311Error(400, f"service_code: {code!r} is not one of {', '.join(CATEGORIES)}")
    if not text:
        raise Open311Error(400, "description: required (the complaint to triage)")
    if len(text) > max_chars:
        raise Open311Error(400, f"description: longer than {max_chars} characters")
    return {"service_code": code, "text": text, "lat": _number(form, "lat"), "long": _number(form, "long"),
            "address": (form.get("address_string") or "").strip() or None}


def _moment(life: Life, params: dict[str, str], name: str) -> datetime | None:
    if not params.get(name):
        return None
    try:
        moment = datetime.fromisoformat(params[name])
    except ValueError:
        raise Open311Error(400, f"{name}: expected a W3C date-time such as 2026-12-07T09:00:00+08:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=life.tz)


def find_requests(life: Life, caller: Caller, params: dict[str, str]) -> list[dict[str, Any]]:
    """The requests ``caller`` may read that the query names (service_request_id, service_code, status,
    start_date, end_date; by default the last 90 days), at most :data:`MOST`. An intake key reads those
    that came through Open311, a unit key its unit's."""
    ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()] or None
    since, until = _moment(life, params, "start_date"), _moment(life, params, "end_date")
    if ids is None and since is None:
        since = life.clock() - timedelta(days=90)
    filtered = bool(params.get("service_code") or params.get("status") or caller.role == "unit")
    found = [f for f in life.store.lives(since=since, until=until, ids=ids, limit=None if filtered else MOST,
                                         channel="open311" if caller.role == "intake" else None)
             if life.sees(caller, f["unit_code"])]  # read whole: the store's reading session ends here
    details = life.store.open311_details([f["id"] for f in found])
    out = []
    for life_of in found:
        shown = request_public(life_of, details.get(life_of["id"]), life)
        if params.get("service_code") and shown["service_code"] != params["service_code"]:
            continue
        if params.get("status") in ("open", "closed") and shown["status"] != params["status"]:
            continue
        out.append(shown)
        if len(out) == MOST:
            break
    return out


def find_request(life: Life, caller: Caller, request_id: str) -> list[dict[str, Any]]:
    """One request as a list of one; 404 for none (or, to an intake key, one that did not come through
    Open311), 403 for another unit's."""
    found = list(life.store.lives(ids=[request_id]))
    if not found or (caller.role == "intake" and found[0]["channel"] != "open311"):
        raise Open311Error(404, f"no service request {request_id!r}")
    if not life.sees(caller, found[0]["unit_code"]):
        raise Open311Error(403, f"service request {request_id!r} is not held by unit {caller.unit}")
    return [request_public(found[0], life.store.open311_details([request_id]).get(request_id), life)]
