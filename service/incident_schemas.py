"""Bodies of the incident API: incidents (并单), their members, a split, and hot spots."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .schemas import Category

__all__ = ["HotspotPublic", "HotspotsPublic", "IncidentPublic", "IncidentTicketPublic", "IncidentWithTicketsPublic",
           "SplitCreate", "SplitPublic"]

_TIME = {"format": "date-time"}


class IncidentPublic(BaseModel):
    id: int
    category: Category = Field(description="The primary category its reports share.")
    place: str | None = Field(description="The place key its reports share (`compound:CODE`, or `span:` and the "
                              "place as written), null when none named one.")
    members: int = Field(description="Tickets in it now.")
    first_report_at: str = Field(json_schema_extra=_TIME)
    last_report_at: str = Field(json_schema_extra=_TIME)
    open: bool = Field(description="New reports may still join it: its category's window has not passed since "
                       "its last report.")


class IncidentTicketPublic(BaseModel):
    ticket_id: str
    text: str
    received_at: str = Field(json_schema_extra=_TIME)
    how: str = Field(description="`opened` (its first report), `merged` (by the rule) or `split` (taken out of "
                     "another incident by staff).")
    linked_by: str = Field(description="`rule`, or the name of the key that split it.")
    linked_at: str = Field(json_schema_extra=_TIME)
    similarity: float | None = Field(description="Merged: its text's similarity to the member it matched.")
    matched_ticket: str | None = Field(description="Merged: the member it matched.")
    ended_at: str | None = Field(description="When staff split it out of this incident (null: still a member).",
                                 json_schema_extra=_TIME)
    ended_by: str | None
    note: str | None = Field(description="Why it was split.")


class IncidentWithTicketsPublic(IncidentPublic):
    tickets: list[IncidentTicketPublic] = Field(description="Its members now, by arrival, then those split out.")


class SplitCreate(BaseModel):
    note: str | None = Field(None, max_length=2_000, description="Why the ticket is not this incident.")


class SplitPublic(BaseModel):
    ticket_id: str
    from_incident: int = Field(description="The incident it was taken out of.")
    incident_id: int = Field(description="The incident of its own it is in now.")
    split_by: str
    split_at: str = Field(json_schema_extra=_TIME)
    note: str | None


class HotspotPublic(BaseModel):
    place: str
    category: Category
    count: int = Field(description="Tickets in the window.")
    previous: int = Field(description="Tickets in the window before it, as long.")
    change: int = Field(description="count - previous.")


class HotspotsPublic(BaseModel):
    days: int
    since: str = Field(json_schema_extra=_TIME)
    until: str = Field(json_schema_extra=_TIME)
    hotspots: list[HotspotPublic] = Field(description="Place × category, the most reported first.")
    without_place: int = Field(description="Tickets in the window that named no place.")
