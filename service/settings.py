"""Service settings: one typed object, read from TRIAGE_* environment variables, passed to create_app."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Every setting has a safe default; values outside the bounds are refused at start-up."""

    model_config = SettingsConfigDict(env_prefix="TRIAGE_", extra="ignore", frozen=True)

    models_dir: Path | None = Field(None, description="Models folder; default: the repository's models/.")
    model_version: str | None = Field(None, description="Serve this version instead of models/ACTIVE.")
    deadlines_path: Path | None = Field(None, description="Deadline policy; default: triage/data/deadlines.yaml.")
    timezone: str = Field("Asia/Shanghai", description="Time zone of the deadlines returned.")
    max_text_chars: int = Field(10_000, ge=1, le=100_000, description="Longer texts get 413.")
    max_batch_items: int = Field(1_000, ge=1, le=10_000, description="Larger batches get 413.")
    max_body_bytes: int = Field(8 << 20, ge=1 << 10, le=64 << 20, description="Larger request bodies get 413.")
    batch_max_texts: int = Field(256, ge=1, le=4_096, description="Most texts one inference call takes.")
    log_requests: bool = Field(True, description="One JSON log line per request (texts masked).")
    noop_route: bool = Field(False, description="Expose POST /v1/noop, the benchmark's baseline.")
