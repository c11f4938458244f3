"""Idempotency keys in the store, on SQLite and PostgreSQL: a write retried under its key is done once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import text
from test_store import result

from service.store import IdempotencyKey, KeyReused, NotFound, Store, fingerprint, make_engine, migrate


def key(name="k-1", request="the request", owner="intake-system", **kw) -> IdempotencyKey:
    return IdempotencyKey(owner, name, fingerprint("POST /v1/triage", request), **kw)


def test_a_save_retried_under_its_key_returns_the_first_tickets_and_stores_nothing_new(store: Store):
    assert store.save_triaged([{"id": "first-uuid", "text": "小区停水了"}], [result()], idempotency=key()) == [None]
    [again] = store.save_triaged([{"id": "retry-uuid", "text": "小区停水了"}], [result("other", confidence=0.4)],
                                 idempotency=key())
    assert (again["id"], again["category"], again["confidence"]) == ("first-uuid", "water", 0.9)
    assert len(store.ticket("first-uuid")["predictions"]) == 1
    with pytest.raises(NotFound):
        store.ticket("retry-uuid")


def test_a_key_used_for_another_request_is_refused_and_nothing_is_stored(store: Store):
    store.save_triaged([{"id": "a", "text": "小区停水了"}], [result()], idempotency=key())
    with pytest.raises(KeyReused, match="k-1"):
        store.save_triaged([{"id": "b", "text": "路灯不亮"}], [result("lighting")],
                           idempotency=key(request="another request"))
    with pytest.raises(NotFound):
        store.ticket("b")


def test_keys_belong_to_their_owner(store: Store):
    store.save_triaged([{"id": "a", "text": "停水"}], [result()], idempotency=key(owner="one"))
    assert store.save_triaged([{"id": "b", "text": "停水"}], [result()], idempotency=key(owner="two")) == [None]
    assert store.ticket("b")["text"] == "停水"


def test_a_correction_retried_under_its_key_is_answered_again_not_appended_nor_stale(store: Store):
    store.save_triaged([{"id": "t", "text": "路灯不亮"}], [result("lighting", route="streetlight_authority")])
    first = store.add_correction("t", annotator="wang", urgency="normal", if_version="0", idempotency=key())
    again = store.add_correction("t", annotator="wang", urgency="normal", if_version="0", idempotency=key())
    assert again == first
    assert len(store.ticket("t")["corrections"]) == 1
    with pytest.raises(KeyReused):
        store.add_correction("t", annotator="wang", urgency="high", idempotency=key(request="urgency high"))


def test_a_failed_write_leaves_its_key_free(store: Store):
    with pytest.raises(NotFound):
        store.add_correction("not-yet", annotator="wang", urgency="high", idempotency=key())
    store.save_triaged([{"id": "not-yet", "text": "路灯不亮"}], [result("lighting")])
    store.add_correction("not-yet", annotator="wang", urgency="high", idempotency=key())
    assert len(store.ticket("not-yet")["corrections"]) == 1


def test_a_key_older_than_its_keeping_time_may_be_used_again(store: Store):
    store.save_triaged([{"id": "t", "text": "路灯不亮"}], [result("lighting")])
    store.add_correction("t", annotator="wang", urgency="high", idempotency=key(keep=timedelta(0)))
    store.add_correction("t", annotator="wang", urgency="high", idempotency=key(keep=timedelta(0)))
    assert len(store.ticket("t")["corrections"]) == 2


def test_the_same_request_sent_at_once_under_one_key_is_stored_once(store: Store):
    def post(i: int) -> str:
        [answer] = store.save_triaged([{"id": f"uuid-{i}", "text": "同一条来电"}], [result()], idempotency=key())
        return f"uuid-{i}" if answer is None else answer["id"]

    with ThreadPoolExecutor(8) as pool:
        ids = set(pool.map(post, range(16)))
    assert len(ids) == 1
    (stored,) = ids
    assert len(store.ticket(stored)["predictions"]) == 1
    with store.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM tickets")).scalar() == 1


def test_a_database_made_before_idempotency_keys_is_migrated_with_its_data(database_url):
    engine = make_engine(database_url)
    migrate(engine, "0001")
    with engine.begin() as c:
        c.execute(text("INSERT INTO tickets (id, text, received_at) VALUES ('old', '旧工单', CURRENT_TIMESTAMP)"))
    engine.dispose()
    store = Store.open(database_url)
    assert store.ticket("old")["text"] == "旧工单"
    store.save_triaged([{"id": "new", "text": "停水"}], [result()], idempotency=key())
    assert store.save_triaged([{"id": "x", "text": "停水"}], [result()], idempotency=key())[0]["id"] == "new"
    store.close()
