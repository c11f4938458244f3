"""Request and response bodies of the HTTP API.

Label codes are named enums built from :mod:`triage.labels` (``Category``, ``Urgency``,
``RouteCode``), so a generated client gets them as types; the request schemas say what the
server refuses (a blank text, a correction naming no label) rather than leave it to a 422.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, field_validator
from typing_extensions import TypeAliasType

from triage.dispatch import PLACE_KINDS, UNIT_KINDS
from triage.labels import CATEGORIES, ROUTES, URGENCIES

__all__ = [
    "BatchItem",
    "BatchItemError",
    "Category",
    "ErrorPublic",
    "HealthPublic",
    "PlacePublic",
    "RouteCode",
    "TriageBatchCreate",
    "TriageBatchPublic",
    "TriageCreate",
    "TriagePublic",
    "UnitPublic",
    "Urgency",
]

_EXAMPLE = "三号楼楼道里的水管爆了，水流得满地都是，楼里没有物业没人管。"

Category = TypeAliasType("Category", Literal[CATEGORIES])  # type: ignore[valid-type]
Urgency = TypeAliasType("Urgency", Literal[URGENCIES])  # type: ignore[valid-type]
RouteCode = TypeAliasType("RouteCode", Literal[ROUTES])  # type: ignore[valid-type]
PlaceKind = TypeAliasType("PlaceKind", Literal[PLACE_KINDS])  # type: ignore[valid-type]
UnitKind = TypeAliasType("UnitKind", Literal[tuple(UNIT_KINDS)])  # type: ignore[valid-type]

CallerId = Annotated[str, StringConstraints(max_length=128)] | int

#: A text the server accepts: at least one character that is not white space. The check itself is
#: ``_not_blank`` (its message names the field); this tells the schema's readers the same thing.
_TEXT_SCHEMA = {"minLength": 1, "pattern": r"\S"}


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("text is empty")
    return value


class TriageCreate(BaseModel):
    """One complaint. Unknown fields are ignored."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"text": _EXAMPLE, "id": "A-1024", "channel": "hotline",
                                                               "store": True}]})

    text: str = Field(description="The complaint, as recorded: not blank, not empty once control characters are "
                      "removed, up to TRIAGE_MAX_TEXT_CHARS (10,000) characters (longer: 413).",
                      examples=[_EXAMPLE], json_schema_extra=_TEXT_SCHEMA)
    id: CallerId | None = Field(None, description="The caller's own id for this complaint (up to 128 characters), "
                                "echoed back. Stored, an id names one complaint: the same id and text again "
                                "returns the stored answer (a safe retry), the same id with another text is 409.")
    channel: str | None = Field(None, max_length=64, description="Where it came from: hotline, web, app …")
    store: StrictBool = Field(False, description="Keep the ticket and its prediction for staff review (true or "
                              "false; 0, 1 and strings are refused).")

    _check_text = field_validator("text")(_not_blank)


class BatchItem(BaseModel):
    """One complaint of a batch, checked on its own: a bad item gets its error in its place."""

    text: str = Field(description="The complaint (not blank, up to 10,000 characters).", json_schema_extra=_TEXT_SCHEMA)
    id: CallerId | None = Field(None, description="The caller's own id, echoed back (the ticket id if stored).")
    channel: str | None = Field(None, max_length=64, description="Where it came from.")

    _check_text = field_validator("text")(_not_blank)


class TriageBatchCreate(BaseModel):
    """Up to 1,000 complaints, answered in the same order. Each item is checked on its own."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [{"id": "A-1", "text": _EXAMPLE},
                                                                         {"id": "A-2", "text": "路灯不亮好几天了"}],
                                                               "store": False}]})

    items: list[BatchItem | dict[str, Any]] = Field(
        min_length=1, description="The complaints (1 to 1,000), each a BatchItem; an item that is not one gets an "
        "error in its place in results, and the others are answered.")
    store: StrictBool = Field(False, description="Keep the tickets and their predictions for staff review.")


class ErrorDetail(BaseModel):
    status: int = Field(description="The HTTP status, again.")
    code: str = Field(description="What went wrong, for programs: validation_error, unauthorized, forbidden, "
                      "not_found, conflict, precondition_failed, too_large, unsupported_media_type, bad_request, "
                      "method_not_allowed, idempotency_key_reused, cross_site, store_unavailable, "
                      "internal_error.")
    message: str = Field(description="What went wrong, in English, naming the fields.")
    message_zh: str = Field(description="The same in Chinese, for the people at the desk.")
    fields: list[str] = Field(description="The request fields (or headers) at fault, e.g. text, items.3.text, "
                              "If-Match; empty when no one field is.")


class PlacePublic(BaseModel):
    """The place a text names: its words and where they are in the text sent, and the directory's compound."""

    span: str = Field(description="The words, as sent.")
    start: int = Field(description="Where they start in `text` (a Python string offset: characters, not bytes).")
    end: int = Field(description="Where they end (exclusive).")
    kind: PlaceKind = Field(description="compound (小区, 家属院, 楼院), address (a road and number), road (or a "
                            "public place), village (村, 组, 社区) or district (市, 区, 县, 街道, 镇).")
    compound: str | None = Field(description="The code of the directory's compound, or null when the directory "
                                 "does not list it.")
    confidence: float = Field(description="How sure the match is: 0.95 a name the directory lists, 0.85 a form of "
                              "one (三号院 for 3号院), 0.8 a street address in its ranges, 0.3-0.6 a name found by "
                              "its form alone.")


class UnitPublic(BaseModel):
    """The unit of the dispatch directory that must act."""

    code: str
    name: str
    kind: UnitKind = Field(description="property_company, owner_unit, community, subdistrict, "
                           "district_department or utility.")


class TriagePublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "A-1024", "category": "water", "categories": ["water"], "urgency": "emergency",
        "route": "community", "route_name": "社区居委会", "confidence": 0.97, "needs_review": False,
        "explanation": {"route": {"rules": ["R2-water-compound", "R7-no-manager"]}},
        "deadline": "2026-11-21T12:30:00+08:00", "model_version": "20261121-101500",
        "place": {"span": "文昌路3号院", "start": 0, "end": 6, "kind": "compound", "compound": "C09",
                  "confidence": 0.95},
        "unit": {"code": "M01", "name": "文昌社区居委会", "kind": "community"},
        "unit_reason": "来电所述由社区负责；文昌路3号院属文昌社区居委会"}]})

    id: str | None = Field(description="The caller's id, if one was sent; the ticket id when stored.")
    category: Category = Field(description="The primary category.")
    categories: list[Category] = Field(description="Every category the text raises, primary first.")
    urgency: Urgency
    route: RouteCode = Field(description="Code of the responsible party.")
    route_name: str = Field(description="Chinese name of the responsible party.")
    confidence: float = Field(description="Probability of the category.")
    needs_review: bool = Field(description="True when a person should check the answer: the category, urgency or route "
                                 "confidence is below its review threshold (explanation.review says which).")
    explanation: dict[str, Any] = Field(description="Rules that fired and the words they matched.")
    deadline: str = Field(description="ISO time by which this urgency must be handled.",
                          json_schema_extra={"format": "date-time"})
    model_version: str
    incident_id: int | None = Field(None, description="Stored tickets: the incident (并单) the ticket belongs to, "
                                    "alone or merged with other reports of the same problem at the same place.")
    place: PlacePublic | None = Field(description="The most specific place the text names (a compound of the "
                                      "dispatch directory first), or null; null for every text while no directory "
                                      "is imported.")
    unit: UnitPublic | None = Field(description="The unit that must act, named by the dispatch directory in use: "
                                    "the compound's property company, owner unit or 社区, or the department or "
                                    "utility of the route; null when none can be named (unit_reason says why).")
    unit_reason: str = Field(description="Why this unit, or why none (in Chinese); "
                             "explanation.route.directory gives the directory entry that decided.")


class BatchItemError(BaseModel):
    id: str | None = Field(description="The item's id, if it had a usable one.")
    error: ErrorDetail = Field(description="Why this item was not answered (fields are named items.N.field).")


class TriageBatchPublic(BaseModel):
    results: list[TriagePublic | BatchItemError] = Field(description="One per item, in order: an answer or an error.")
    failed: int = Field(0, description="How many items got an error instead of an answer.")


class HealthPublic(BaseModel):
    status: str
    model_version: str
    uptime_seconds: float
    worker_pid: int = Field(description="The worker process that answered.")
    data_files_changed: list[str] = Field([], description="Data files (cues, rules, policy, scope, spelling, user "
                                          "dictionary) that differ from those the model's figures were measured "
                                          "with; GET /v1/model gives both hashes.")


class ErrorPublic(BaseModel):
    """Every error answer (4xx and 5xx) has this shape."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "error": {"status": 422, "code": "validation_error", "message": "text: text is empty",
                  "message_zh": "text：不能为空", "fields": ["text"]},
        "request_id": "9f1c2e7a3b2d4c5e8f9a0b1c2d3e4f5a"}]})

    error: ErrorDetail
    request_id: str | None = Field(description="The X-Request-ID of the request: the log line has the same.")

