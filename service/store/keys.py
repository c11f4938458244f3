"""API keys: random tokens shown once, stored only as a SHA-256 hash, each with one role.

Roles nest: ``intake`` may triage; ``staff`` may also review and correct; ``admin`` may also
retrain, activate model versions and export unmasked texts. A ``unit`` key belongs to one unit (a
社区, 街道 or 区 department) and works on that unit's tickets (and those of the units below it):
what needs ``unit`` staff and admins may do too, on every ticket; a unit key may do nothing else.
"""

from __future__ import annotations

import hashlib
import secrets

__all__ = ["ROLES", "generate_key", "hash_key", "role_allows"]

ROLES = ("intake", "unit", "staff", "admin")
_NESTED = ("intake", "staff", "admin")
PREFIX = "trg_"


def generate_key() -> str:
    """A new key: 43 URL-safe random characters after a fixed prefix (256 bits of entropy)."""
    return PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    """The stored form. Keys are long random tokens, so a fast hash cannot be brute-forced."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def role_allows(role: str, needed: str) -> bool:
    """Whether a key of ``role`` may do what needs ``needed``."""
    if needed == "unit":
        return role in ("unit", "staff", "admin")
    return role in _NESTED and needed in _NESTED and _NESTED.index(role) >= _NESTED.index(needed)
