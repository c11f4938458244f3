"""API keys, retraining jobs and the shared active model: the part of :class:`~service.store.Store` that is not
tickets."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker

from .database import NotFound
from .idempotency import IdempotencyKey, claim, remember
from .keys import ROLES, generate_key, hash_key
from .tables import ActiveModel, ApiKey, RetrainJob, utc_text, utcnow

__all__ = ["KeysAndJobs"]


class KeysAndJobs:
    """Keys (only their hashes are kept) and retraining jobs; ``_session`` is the store's session factory."""

    engine: Engine
    _session: sessionmaker

    # API keys

    def create_key(self, name: str, role: str, unit_code: str | None = None) -> str:
        """A new key for ``role`` (a ``unit`` key for ``unit_code``); returned once, only its hash is kept."""
        if role not in ROLES:
            raise ValueError(f"role {role!r} is not one of {', '.join(ROLES)}")
        if (role == "unit") != bool(unit_code):
            raise ValueError("a unit key needs the code of its unit" if role == "unit"
                             else f"only a unit key belongs to a unit, not a {role} key")
        key = generate_key()
        with self._session.begin() as s:
            s.add(ApiKey(name=name, role=role, prefix=key[:8], key_hash=hash_key(key), unit_code=unit_code))
        return key

    def key_role(self, key: str) -> tuple[str, str] | None:
        """(name, role) of a live key, or None for an unknown or revoked one."""
        found = self.key_identity(key)
        return found[:2] if found else None

    def key_identity(self, key: str) -> tuple[str, str, str | None] | None:
        """(name, role, unit code) of a live key, or None for an unknown or revoked one."""
        with self._session() as s:
            row = s.scalars(select(ApiKey).where(ApiKey.key_hash == hash_key(key), ApiKey.revoked_at.is_(None))).first()
            return (row.name, row.role, row.unit_code) if row else None

    def list_keys(self) -> list[dict[str, Any]]:
        with self._session() as s:
            return [{"id": k.id, "name": k.name, "role": k.role, "unit_code": k.unit_code, "prefix": k.prefix,
                     "created_at": utc_text(k.created_at), "revoked_at": utc_text(k.revoked_at)}
                    for k in s.scalars(select(ApiKey).order_by(ApiKey.id))]

    def revoke_key(self, key_id: int) -> None:
        with self._session.begin() as s:
            row = s.get(ApiKey, key_id)
            if row is None:
                raise NotFound(f"no API key {key_id}")
            row.revoked_at = row.revoked_at or utcnow()

    # retraining jobs

    def create_job(self, requested_by: str, active_version: str | None) -> int:
        return self.open_job(requested_by, active_version)[0]

    def open_job(self, requested_by: str, active_version: str | None,
                 idempotency: IdempotencyKey | None = None) -> tuple[int, bool]:
        """A new queued job, or the one made before under ``idempotency``: (its id, whether it is new)."""
        with self._session.begin() as s:
            done = claim(s, self.engine.dialect.name, idempotency) if idempotency else None
            if done is not None:
                return done["job"], False
            job = RetrainJob(requested_by=requested_by, status="queued", progress="queued",
                             active_version=active_version)
            s.add(job)
            s.flush()
            if idempotency:
                remember(s, idempotency, {"job": job.id})
            return job.id, True

    def update_job(self, job_id: int, **fields: Any) -> None:
        """Set job fields (status, progress, candidate_version, report); a final status stamps the time."""
        with self._session.begin() as s:
            job = s.get(RetrainJob, job_id)
            if job is None:
                raise NotFound(f"no retraining job {job_id}")
            for name, value in fields.items():
                setattr(job, name, value)
            if fields.get("status") in ("promoted", "rejected", "failed"):
                job.finished_at = utcnow()

    def job(self, job_id: int) -> dict[str, Any]:
        with self._session() as s:
            job = s.get(RetrainJob, job_id)
            if job is None:
                raise NotFound(f"no retraining job {job_id}")
            return {"id": job.id, "status": job.status, "progress": job.progress, "requested_by": job.requested_by,
                    "active_version": job.active_version, "candidate_version": job.candidate_version,
                    "report": job.report, "created_at": utc_text(job.created_at),
                    "finished_at": utc_text(job.finished_at)}

    # the active model, for hosts that share this store

    def active_model(self) -> str | None:
        """The version the store names as active (None: none named yet)."""
        with self._session() as s:
            row = s.get(ActiveModel, 1)
            return row.version if row else None

    def set_active_model(self, version: str, changed_by: str) -> None:
        with self._session.begin() as s:
            row = s.get(ActiveModel, 1, with_for_update=True)
            if row is None:
                s.add(ActiveModel(id=1, version=version, changed_by=changed_by))
            else:
                row.version, row.changed_by, row.changed_at = version, changed_by, utcnow()
