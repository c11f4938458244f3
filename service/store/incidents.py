"""Reading incidents, splitting a wrongly merged ticket out, and hot spots: the incident part of the store.

An incident is open while new reports may still join it: until its category's window
(``triage/data/incidents.yaml``) has passed since its last report. A split ends the ticket's
membership (who, when, why) and opens an incident of its own for it; no row is deleted, so an
incident's page shows who was merged by the rule and who was taken out by whom.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from triage.incidents import IncidentPolicy
from triage.labels import CATEGORIES

from .database import NotFound, StoreError
from .linking import lock_categories
from .tables import Incident, IncidentMember, Ticket, utc_text, utcnow

__all__ = ["Incidents", "Unsplittable"]


class Unsplittable(StoreError):
    """The ticket is alone in its incident (or was never linked to one): there is nothing to split it from."""


class Incidents:
    """Incident queries over the store's tables; ``_session`` and ``incident_policy`` are the store's."""

    _session: sessionmaker
    incident_policy: IncidentPolicy

    @staticmethod
    def current_incidents(s: Session, ids: Sequence[str]) -> dict[str, int]:
        """Ticket id → the incident it belongs to now, for those linked to one."""
        if not ids:
            return {}
        return dict(s.execute(select(IncidentMember.ticket_id, IncidentMember.incident_id).where(
            IncidentMember.ticket_id.in_(ids), IncidentMember.ended_at.is_(None))).all())

    def _summaries(self, s: Session, ids: Any, now: datetime) -> list[dict[str, Any]]:
        """Category, place, members now, first and last report, and whether it is open, of each incident in
        ``ids`` (a list, or a query of incident ids)."""
        query = (select(Incident.id, Incident.category, Incident.place, func.count(IncidentMember.id),
                        func.min(IncidentMember.received_at), func.max(IncidentMember.received_at),
                        func.max(IncidentMember.place))
                 .join(IncidentMember, IncidentMember.incident_id == Incident.id)
                 .where(IncidentMember.ended_at.is_(None)).group_by(Incident.id, Incident.category, Incident.place))
        query = query.where(Incident.id.in_(ids))
        out = []
        for incident_id, category, place, members, first, last, member_place in s.execute(query):
            last_aware = last if last.tzinfo else last.replace(tzinfo=now.tzinfo)
            out.append({"id": incident_id, "category": category, "place": place or member_place, "members": members,
                        "first_report_at": utc_text(first), "last_report_at": utc_text(last),
                        "open": last_aware >= now - self.incident_policy.window(category)})
        return out

    def open_incidents(self, *, min_members: int = 2, limit: int = 100,
                       now: datetime | None = None) -> list[dict[str, Any]]:
        """Open incidents with at least ``min_members`` tickets, the most recently reported first."""
        now = now or utcnow()
        longest = max(self.incident_policy.window(c) for c in CATEGORIES)
        with self._session() as s:
            recent = select(IncidentMember.incident_id).where(
                IncidentMember.ended_at.is_(None), IncidentMember.received_at >= now - longest)
            found = [i for i in self._summaries(s, recent, now) if i["open"] and i["members"] >= min_members]
        found.sort(key=lambda i: (i["last_report_at"], i["id"]), reverse=True)
        return found[:limit]

    def incident(self, incident_id: int, now: datetime | None = None) -> dict[str, Any]:
        """The incident and every membership it has had: current members first, by arrival, then split ones."""
        now = now or utcnow()
        with self._session() as s:
            [summary] = self._summaries(s, [incident_id], now) or [None]
            if summary is None:
                raise NotFound(f"no incident {incident_id}")
            rows = s.execute(select(IncidentMember, Ticket).join(Ticket, Ticket.id == IncidentMember.ticket_id)
                             .where(IncidentMember.incident_id == incident_id)
                             .order_by(IncidentMember.ended_at.is_not(None), IncidentMember.received_at,
                                       Ticket.id)).all()
            members = [{"ticket_id": t.id, "text": t.text, "received_at": utc_text(t.received_at), "how": m.how,
                        "linked_by": m.linked_by, "linked_at": utc_text(m.linked_at), "similarity": m.similarity,
                        "matched_ticket": m.matched_ticket, "ended_at": utc_text(m.ended_at),
                        "ended_by": m.ended_by, "note": m.note} for m, t in rows]
            return {**summary, "tickets": members}

    def split(self, ticket_id: str, *, by: str, note: str | None = None) -> dict[str, Any]:
        """Take a ticket out of its incident into one of its own; returns both incident ids.

        :class:`~service.store.database.NotFound` for an unknown ticket, :class:`Unsplittable` for one
        alone in its incident.
        """
        with self._session.begin() as s:
            current = s.scalars(select(IncidentMember).where(IncidentMember.ticket_id == ticket_id,
                                                             IncidentMember.ended_at.is_(None))).first()
            if current is None:
                if s.get(Ticket, ticket_id) is None:
                    raise NotFound(f"no ticket {ticket_id!r}")
                raise Unsplittable(f"ticket {ticket_id!r} was stored without incident merging")
            lock_categories(s, {current.category})  # a split and a link of one category take turns
            s.refresh(current)  # as it is now that no link of its category can change it
            others = s.scalar(select(func.count()).where(IncidentMember.incident_id == current.incident_id,
                                                         IncidentMember.ended_at.is_(None),
                                                         IncidentMember.id != current.id))
            if not others:
                raise Unsplittable(f"ticket {ticket_id!r} is alone in incident {current.incident_id}")
            now = utcnow()
            current.ended_at, current.ended_by, current.note = now, by, note
            new = Incident(category=current.category, place=current.place, opened_at=now)
            s.add(new)
            s.flush()
            s.add(IncidentMember(ticket_id=ticket_id, incident_id=new.id, how="split", linked_by=by, linked_at=now,
                                 note=note, category=current.category, place=current.place,
                                 received_at=current.received_at, signature=current.signature))
            return {"ticket_id": ticket_id, "from_incident": current.incident_id, "incident_id": new.id,
                    "split_by": by, "split_at": utc_text(now), "note": note}

    def hotspots(self, days: int, now: datetime | None = None) -> dict[str, Any]:
        """Tickets by place × category received in the last ``days`` days, beside the ``days`` before.

        Each row: ``place``, ``category``, ``count``, ``previous`` and ``change`` (count minus
        previous), the most reported first; ``without_place`` counts the window's tickets that
        named no place. Places and categories are those merging recorded when the ticket came in.
        """
        now = now or utcnow()
        since, before = now - timedelta(days=days), now - timedelta(days=2 * days)
        with self._session() as s:
            counts: dict[tuple[str, str], list[int]] = {}
            without = 0
            for start, end, slot in ((since, now, 0), (before, since, 1)):
                rows = s.execute(select(IncidentMember.place, IncidentMember.category, func.count())
                                 .where(IncidentMember.received_at >= start, IncidentMember.received_at < end,
                                        IncidentMember.ended_at.is_(None))
                                 .group_by(IncidentMember.place, IncidentMember.category)).all()
                for place, category, n in rows:
                    if place is None:
                        without += n if slot == 0 else 0
                        continue
                    counts.setdefault((place, category), [0, 0])[slot] += n
        rows = [{"place": p, "category": c, "count": now_n, "previous": prev, "change": now_n - prev}
                for (p, c), (now_n, prev) in counts.items() if now_n]
        rows.sort(key=lambda r: (-r["count"], -r["change"], r["place"], r["category"]))
        return {"days": days, "since": utc_text(since), "until": utc_text(now), "hotspots": rows,
                "without_place": without}
