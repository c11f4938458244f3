"""The stored side of a ticket's life, on SQLite and PostgreSQL: one step at a time per version, steps
appended, measures kept, and a database made before the lifecycle migrated with its keys."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from service.store import NotFound, StaleState, Store, make_engine, migrate

AT = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


def result(urgency: str = "normal") -> dict:
    return {"category": "water", "categories": ["water"], "urgency": urgency, "route": "water_utility",
            "confidence": 0.9, "needs_review": False, "model_version": "v1",
            "explanation": {"category": {"top": [["water", 0.9], ["other", 0.1]]}}}


def dispatch(unit: str, at: datetime = AT):
    def decide(current: dict) -> dict:
        return {"action": "dispatch", "to": "dispatched", "actor": "王芳", "actor_role": "staff", "at": at,
                "unit_code": unit, "level": "community", "deadline": at + timedelta(days=2)}
    return decide


def test_a_step_moves_the_version_and_is_appended(store: Store):
    store.save_triaged([{"id": "T1", "text": "停水"}], [result()], received_at=AT)
    assert store.life("T1")["state"] == "pending_dispatch" and store.life("T1")["version"] == 0
    after = store.step("T1", dispatch("SQ-XFL"), version=0)
    assert (after["state"], after["version"], after["unit_code"]) == ("dispatched", 1, "SQ-XFL")
    life = store.life("T1")
    assert life["deadline"] == AT + timedelta(days=2) and life["labels"]["urgency"] == "normal"
    [step] = life["events"]
    assert (step["from"], step["to"], step["to_unit"], step["actor"], step["at"]) == (
        "pending_dispatch", "dispatched", "SQ-XFL", "王芳", "2026-12-07T01:00:00+00:00")
    assert store.due_tickets(AT + timedelta(days=2), ["dispatched"]) == ["T1"]
    assert store.due_tickets(AT + timedelta(days=1), ["dispatched"]) == []


def test_a_stale_version_writes_nothing(store: Store):
    store.save_triaged([{"id": "T1", "text": "停水"}], [result()], received_at=AT)
    store.step("T1", dispatch("SQ-XFL"), version=0)
    with pytest.raises(StaleState) as info:
        store.step("T1", dispatch("SQ-HPL"), version=0)
    assert info.value.current["version"] == 1 and info.value.current["unit_code"] == "SQ-XFL"
    assert len(store.life("T1")["events"]) == 1
    with pytest.raises(NotFound):
        store.step("none", dispatch("SQ-XFL"), version=0)


def test_concurrent_steps_on_one_version_let_exactly_one_through(store: Store):
    store.save_triaged([{"id": "T1", "text": "停水"}], [result()], received_at=AT)

    def attempt(unit: str) -> str:
        try:
            store.step("T1", dispatch(unit), version=0)
            return "ok"
        except StaleState:
            return "stale"

    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(attempt, [f"U{i}" for i in range(6)]))
    assert sorted(outcomes) == ["ok"] + ["stale"] * 5
    assert store.life("T1")["version"] == 1 and len(store.life("T1")["events"]) == 1


def test_measures_and_progress_are_appended_and_listed(store: Store):
    store.save_triaged([{"id": "T1", "text": "停水"}, {"id": "T2", "text": "路灯不亮"}], [result(), result()],
                       received_at=AT)
    store.record("T1", kind="progress", text="已联系", actor="社区", unit_code="SQ-XFL", at=AT)
    store.record("T1", kind="measure", text="已更换阀门", actor="社区", unit_code="SQ-XFL", at=AT)
    with pytest.raises(ValueError, match="kind 'plan'"):
        store.record("T1", kind="plan", text="x", actor="社区", unit_code=None, at=AT)
    assert store.life("T1")["measures"] == 1
    lives = list(store.lives(since=AT - timedelta(hours=1), until=AT + timedelta(hours=1)))
    assert [life["id"] for life in lives] == ["T1", "T2"]
    assert [r["text"] for r in lives[0]["rectifications"]] == ["已联系", "已更换阀门"]
    assert list(store.lives(since=AT + timedelta(hours=1))) == []


def test_a_store_made_before_the_lifecycle_is_migrated_with_its_keys(database_url):
    engine = make_engine(database_url)
    migrate(engine, "0004")
    with engine.begin() as c:
        c.execute(text("INSERT INTO api_keys (name, role, prefix, key_hash, created_at) "
                       "VALUES ('old', 'staff', 'trg_x', 'abc', CURRENT_TIMESTAMP)"))
    engine.dispose()
    store = Store.open(database_url)
    assert [(k["name"], k["unit_code"]) for k in store.list_keys()] == [("old", None)]
    key = store.create_key("街道", "unit", "JD-CG")
    assert store.key_identity(key) == ("街道", "unit", "JD-CG") and store.key_role(key) == ("街道", "unit")
    with pytest.raises(ValueError, match="a unit key needs the code of its unit"):
        store.create_key("x", "unit")
    with pytest.raises(ValueError, match="only a unit key belongs to a unit"):
        store.create_key("x", "staff", "JD-CG")
    store.close()
