"""Full-text search over tickets' masked texts, the same in SQLite and PostgreSQL.

Chinese has no spaces to split words at, so the index keeps every two-character piece (bigram)
of a ticket's text after masking personal data, full-width folding and lower-casing:
"路灯不亮" is indexed as 路灯, 灯不, 不亮. A search term is looked up by its own bigrams (a
ticket must hold all of them) and each candidate is then checked to contain the term itself, so
the index narrows and the check decides. Personal data is masked before indexing: a phone
number or an ID number cannot be searched for.

>>> sorted(grams("路灯 不亮"))
['不亮', '灯不', '路灯']
>>> fold("ＡＢＣ 路灯")
'abc路灯'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, or_, select

from triage import mask_pii

from .tables import TicketGram

__all__ = ["INDEXED_CHARACTERS", "candidates", "contains_all", "fold", "gram_rows", "grams", "search_terms"]

#: How much of a text the index covers (a 100,000-character letter is searched in its first part).
INDEXED_CHARACTERS = 20_000


def fold(text: str) -> str:
    """Full-width to half-width, lower case, no whitespace: how texts and search terms are compared."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def searchable(text: str) -> str:
    """A ticket's text as the index sees it: masked, folded, cut to :data:`INDEXED_CHARACTERS`."""
    return fold(mask_pii(text[:INDEXED_CHARACTERS]))


def grams(text: str) -> set[str]:
    """The bigrams of a folded ``text`` (a one-character text is its own only piece)."""
    folded = fold(text)
    if len(folded) == 1:
        return {folded}
    return {folded[i:i + 2] for i in range(len(folded) - 1)}


def gram_rows(tickets: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """The index rows of (ticket id, text) pairs."""
    return [{"gram": g, "ticket_id": ticket_id} for ticket_id, text in tickets for g in grams(searchable(text))]


def search_terms(query: str) -> list[str]:
    """The terms of a search box's text: split at spaces, folded, empty ones dropped."""
    return [t for t in (fold(part) for part in query.split()) if t]


def candidates(term: str) -> Any:
    """The ids of tickets whose index holds every bigram of the folded ``term`` (a query to filter by)."""
    if len(term) == 1:  # a lone character: any bigram that starts or ends with it
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return (select(TicketGram.ticket_id).distinct()
                .where(or_(TicketGram.gram.like(escaped + "%", escape="\\"),
                           TicketGram.gram.like("%" + escaped, escape="\\"), TicketGram.gram == term)))
    wanted = grams(term)
    return (select(TicketGram.ticket_id).where(TicketGram.gram.in_(wanted)).group_by(TicketGram.ticket_id)
            .having(func.count() == len(wanted)))


def contains_all(text: str, terms: Sequence[str]) -> bool:
    """Whether a ticket's ``text``, as the index sees it, contains every (folded) term."""
    seen = searchable(text)
    return all(term in seen for term in terms)
