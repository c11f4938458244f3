"""What the lifecycle tests share: a clock the test moves, a service on it, keys, a stored ticket."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from fastapi.testclient import TestClient

CST = timezone(timedelta(hours=8))
MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=CST)


class FakeClock:
    """Stands still until the test moves it."""

    def __init__(self, now: datetime = MONDAY) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def lifecycle_client(triager, folder, clock: FakeClock, **settings) -> TestClient:
    """A test client of a service on ``clock``, with ``client.key(role, unit=None)`` making bearer headers."""
    from conftest import service_settings

    from service.app import create_app

    chosen = {"log_requests": False, "model_poll_seconds": 0, "escalation_seconds": 0, **settings}
    app = create_app(service_settings(folder, **chosen), triager=triager, clock=clock)
    client = TestClient(app)
    store = app.state.service.store

    def key(role: str, unit: str | None = None) -> dict[str, str]:
        return {"Authorization": "Bearer " + store.create_key(unit or role, role, unit)}

    client.key = key
    client.life = app.state.service.life
    return client


def store_ticket(client: TestClient, text: str = "小区停水两天了，一直没人来修", urgency: str = "normal") -> str:
    """A stored ticket whose urgency staff set to ``urgency`` (so that its deadlines do not hang on the model)."""
    ticket = client.post("/v1/triage", json={"text": text, "store": True}).json()["id"]
    r = client.post(f"/v1/tickets/{ticket}/corrections", json={"urgency": urgency}, headers=client.key("staff"))
    assert r.status_code == 201, r.text
    return ticket
