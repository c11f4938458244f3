"""Settings: one typed object, read from command-line flags and TRIAGE_* environment variables, passed down.

This is the one module that reads where things are (the models folder, the database) from the
environment; the library and training take them as arguments.
"""

from __future__ import annotations

from ipaddress import ip_network
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["SHIPPED_MODELS", "Settings", "setting_errors"]

#: The models folder that ships with the code, served when TRIAGE_MODELS_DIR names no other.
SHIPPED_MODELS = Path(__file__).resolve().parent.parent / "models"


class Settings(BaseSettings):
    """Every setting has a safe default; values outside the bounds are refused at start-up."""

    model_config = SettingsConfigDict(env_prefix="TRIAGE_", extra="ignore", frozen=True)

    models_dir: Path = Field(SHIPPED_MODELS, description="Models folder; default: the shipped models/.")
    model_version: str | None = Field(None, description="Serve this version instead of models/ACTIVE.")
    deadlines_path: Path | None = Field(None, description="Deadline policy; default: triage/data/deadlines.yaml.")
    timezone: str = Field("Asia/Shanghai", description="Time zone of the deadlines returned and of working days.")
    lifecycle_path: Path | None = Field(None, description="States and actions of a ticket after triage; default: "
                                        "triage/data/lifecycle.yaml.")
    escalation_path: Path | None = Field(None, description="Units and their parents for escalation, until the "
                                         "dispatch directory gives them; default: triage/data/escalation.yaml.")
    escalation_seconds: float = Field(60.0, ge=0, le=86_400, description="How often each worker sends tickets "
                                      "past their deadline one level up (0: never; `triage lifecycle escalate` "
                                      "does it once).")
    max_text_chars: int = Field(10_000, ge=1, le=100_000, description="Longer texts get 413.")
    max_batch_items: int = Field(1_000, ge=1, le=10_000, description="Larger batches get 413.")
    max_body_bytes: int = Field(8 << 20, ge=1 << 10, le=64 << 20, description="Larger request bodies get 413.")
    batch_max_texts: int = Field(256, ge=1, le=4_096, description="Most texts one inference call takes.")
    log_requests: bool = Field(True, description="One JSON log line per request (texts masked).")
    database_url: str = Field("sqlite:///triage.db", description="The store: sqlite:///FILE or postgresql+psycopg://…")
    store_all: bool = Field(False, description="Store every triaged ticket, not only those posted with store=true.")
    open_intake: Literal["local", "always", "never"] = Field(
        "local", description="Who may triage without a key: callers on 127.0.0.1/::1 (local), anyone, or no one.")
    key_cache_seconds: float = Field(30.0, ge=0, le=3600, description="How long a checked API key is trusted.")
    model_poll_seconds: float = Field(2.0, ge=0, le=60, description="How often workers look for a newly "
                                      "activated model (0: never; a pinned model_version is never swapped).")
    corpus_dir: Path | None = Field(None, description="Corpus for retraining; default: training/corpus.")
    label_sets: list[Path] | None = Field(None, description="Manifests of real labels for retraining (a JSON list); "
                                          "default: training/real/sets.json; [] trains without them.")
    noop_route: bool = Field(False, description="Expose POST /v1/noop, the benchmark's baseline.")
    trusted_proxies: list[str] = Field(["127.0.0.1", "::1"], description="Addresses (or networks) of reverse "
                                       "proxies whose X-Forwarded-Proto and X-Forwarded-Host are believed "
                                       "(a JSON list).")
    merge_incidents: bool = Field(True, description="Link each stored ticket to an open incident (并单) when the "
                                  "merging policy says it reports the same problem; off: every ticket stands alone.")
    incidents_path: Path | None = Field(None, description="Merging policy (windows, thresholds); default: "
                                        "triage/data/incidents.yaml.")
    idempotency_hours: int = Field(24, ge=1, le=24 * 90, description="How long a write's Idempotency-Key is kept: "
                                   "a retry within this time is answered as the first time, not written again.")

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for proxy in value:
            try:
                ip_network(proxy, strict=False)
            except ValueError:
                message = f"expected IP addresses or networks such as 10.0.0.5 or 10.0.0.0/24, got {proxy!r}"
                raise ValueError(message) from None
        return value

    @field_validator("timezone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"expected an IANA time zone such as Asia/Shanghai, got {value!r}") from None
        return value


def setting_errors(error: ValidationError) -> list[str]:
    """One line per bad setting, naming its environment variable and what it must be."""
    lines = []
    for e in error.errors():
        name = "TRIAGE_" + "_".join(str(p) for p in e["loc"]).upper()
        lines.append(f"{name}: {e['msg'].removeprefix('Value error, ')}")
    return lines
