"""The store, on SQLite and on a real PostgreSQL server: tickets, append-only corrections, queue, keys, jobs."""

from __future__ import annotations

import pytest

from service.store import NotFound, Store


def result(category="water", confidence=0.9, runner_up=0.05, urgency="high", route="water_utility"):
    """A triage result as the service stores it (only the fields the store reads)."""
    return {"model_version": "v1", "category": category, "categories": [category], "urgency": urgency,
            "route": route, "confidence": confidence, "needs_review": confidence < 0.8,
            "explanation": {"category": {"top": [[category, confidence], ["other", runner_up]]}}}


def test_ticket_keeps_its_prediction_and_the_whole_correction_history(store: Store):
    assert store.save_triaged([{"id": "t1", "text": "小区停水了", "channel": "phone"}], [result()]) == [None]
    store.add_correction("t1", annotator="wang", category="drainage", note="其实是下水道")
    store.add_correction("t1", annotator="li", route="drainage_authority")

    ticket = store.ticket("t1")
    assert ticket["text"] == "小区停水了" and ticket["channel"] == "phone"
    assert [p["confidence"] for p in ticket["predictions"]] == [0.9]
    assert [c["changes"] for c in ticket["corrections"]] == [
        {"category": {"from": "water", "to": "drainage"}},
        {"route": {"from": "water_utility", "to": "drainage_authority"}},
    ]
    assert [c["annotator"] for c in ticket["corrections"]] == ["wang", "li"]
    assert ticket["labels"] == {"category": "drainage", "urgency": "high", "route": "drainage_authority"}


def test_corrections_are_checked_against_the_label_codes(store: Store):
    store.save_triaged([{"id": "t1", "text": "路灯不亮"}], [result("lighting")])
    with pytest.raises(ValueError, match="category 'heating' is not one of"):
        store.add_correction("t1", annotator="wang", category="heating")
    with pytest.raises(ValueError, match="at least one"):
        store.add_correction("t1", annotator="wang", note="no labels")
    with pytest.raises(NotFound):
        store.add_correction("missing", annotator="wang", urgency="high")
    assert store.ticket("t1")["corrections"] == []


def test_review_queue_is_least_confident_first_ties_by_closest_top_two_and_skips_reviewed(store: Store):
    tickets = [{"id": f"t{i}", "text": f"投诉{i}"} for i in range(4)]
    store.save_triaged(tickets, [result(confidence=0.9), result(confidence=0.5, runner_up=0.1),
                                 result(confidence=0.5, runner_up=0.45), result(confidence=0.6)])
    assert [t["id"] for t in store.review_queue()] == ["t2", "t1", "t3", "t0"]
    store.add_correction("t2", annotator="wang", category="other")
    assert [t["id"] for t in store.review_queue(limit=2)] == ["t1", "t3"]


def flagged(field: str, confidence: float, category_confidence: float = 0.99) -> dict:
    """A result whose answer was flagged for review because one field's confidence was low."""
    r = result(confidence=category_confidence)
    sure = {"category": category_confidence, "urgency": 0.9, "route": 0.9, field: confidence}
    r["explanation"]["review"] = {"confidence": sure, "flagged": [field]}
    return {**r, "needs_review": True}


def test_review_queue_puts_what_the_answer_flagged_first_weakest_field_first(store: Store):
    tickets = [{"id": t, "text": f"投诉{t}"} for t in ("calm", "route", "urgency", "unsure")]
    store.save_triaged(tickets, [result(confidence=0.85), flagged("route", 0.4), flagged("urgency", 0.3),
                                 result(confidence=0.55)])
    queue = store.review_queue()
    # a burst pipe routed at 0.4 is flagged though its category is 0.99 sure: it is not left behind a calm 0.85
    assert [t["id"] for t in queue] == ["urgency", "route", "unsure", "calm"]
    assert [t["prediction"]["needs_review"] for t in queue] == [True, True, True, False]


def test_corrected_labels_carry_the_answer_that_was_sent(store: Store):
    store.save_triaged([{"id": "r", "text": "楼道水管爆了，小区没有物业"}], [flagged("route", 0.4)])
    store.add_correction("r", annotator="wang", route="community")
    (row,) = store.corrected_labels()
    assert row["route"] == "community"
    assert row["predicted"] == {"category": "water", "urgency": "high", "route": "water_utility",
                                "confidence": 0.99, "needs_review": True, "flagged": ["route"],
                                "model_version": "v1"}


def test_corrected_labels_fold_every_correction_latest_wins(store: Store):
    store.save_triaged([{"id": "a", "text": "有煤气味"}, {"id": "b", "text": "路灯坏了"}],
                       [result("gas", urgency="high", route="gas_utility"), result("lighting")])
    store.add_correction("a", annotator="wang", urgency="normal")
    store.add_correction("a", annotator="li", urgency="emergency")
    (row,) = store.corrected_labels()
    assert (row["id"], row["category"], row["urgency"], row["route"], row["annotator"]) == (
        "a", "gas", "emergency", "gas_utility", "li")


def test_counts_use_the_labels_in_force(store: Store):
    store.save_triaged([{"id": "a", "text": "x"}, {"id": "b", "text": "y"}], [result("water"), result("water")])
    store.add_correction("b", annotator="wang", category="drainage")
    assert store.counts(7)["category"] == {"water": 1, "drainage": 1}


def test_api_keys_are_stored_hashed_and_can_be_revoked(store: Store):
    key = store.create_key("intake-system", "intake")
    assert store.key_role(key) == ("intake-system", "intake")
    assert store.key_role(key + "x") is None
    (listed,) = store.list_keys()
    assert key not in str(listed) and listed["prefix"] == key[:8]
    store.revoke_key(listed["id"])
    assert store.key_role(key) is None
    with pytest.raises(ValueError, match="role"):
        store.create_key("x", "root")


def test_retraining_jobs_record_progress_and_finish_time(store: Store):
    job = store.create_job("admin", active_version="v1")
    store.update_job(job, status="running", progress="training")
    assert store.job(job)["finished_at"] is None
    store.update_job(job, status="rejected", progress="done", report={"reasons": ["macro-F1 dropped"]})
    done = store.job(job)
    assert done["status"] == "rejected" and done["finished_at"] and done["report"]["reasons"]
    with pytest.raises(NotFound):
        store.job(job + 1)


def test_reopening_an_existing_database_keeps_its_data(database_url):
    first = Store.open(database_url)
    first.save_triaged([{"id": "t1", "text": "x"}], [result()])
    first.close()
    again = Store.open(database_url)
    assert again.ticket("t1")["text"] == "x"
    again.close()


def test_upgrading_fills_in_the_review_order_of_stored_predictions(tmp_path):
    from service.store import make_engine, migrate

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    migrate(engine, "0001")  # a store written before predictions kept their weakest confidence
    with engine.begin() as c:
        c.exec_driver_sql("INSERT INTO tickets (id, text, received_at) VALUES ('old', '路灯不亮', '2026-11-30')")
        c.exec_driver_sql(
            "INSERT INTO predictions (ticket_id, model_version, category, categories, urgency, route, confidence, "
            "margin, needs_review, explanation, created_at) VALUES ('old', 'v0', 'lighting', '[\"lighting\"]', "
            "'normal', 'street_lighting', 0.97, 0.9, 1, "
            "'{\"review\": {\"confidence\": {\"category\": 0.97, \"route\": 0.35}, \"flagged\": [\"route\"]}}', "
            "'2026-11-30')")
    engine.dispose()
    store = Store.open(url)
    store.save_triaged([{"id": "new", "text": "投诉"}], [result(confidence=0.5)])
    assert [t["id"] for t in store.review_queue()] == ["old", "new"]  # flagged first, whatever its category said
    store.close()


def test_a_bad_database_url_is_a_clear_error():
    from service.store import StoreError

    with pytest.raises(StoreError, match="unsupported database 'mysql'"):
        Store.open("mysql://u@h/db")


def test_the_same_id_and_text_again_writes_nothing_and_returns_the_stored_answer(store: Store):
    store.save_triaged([{"id": "t1", "text": "小区停水了"}], [result(confidence=0.9)])
    [again] = store.save_triaged([{"id": "t1", "text": "小区停水了"}], [result("other", confidence=0.5)])
    assert (again["category"], again["confidence"]) == ("water", 0.9) and again["received_at"]
    assert len(store.ticket("t1")["predictions"]) == 1


def test_the_same_id_with_another_text_is_a_conflict_and_nothing_is_written(store: Store):
    from service.store import Conflict

    store.save_triaged([{"id": "X", "text": "小区停水了"}], [result()])
    with pytest.raises(Conflict, match="X") as info:
        store.save_triaged([{"id": "new", "text": "路灯不亮"}, {"id": "X", "text": "路灯不亮"}],
                           [result("lighting"), result("lighting")])
    assert info.value.ids == ["X"]
    assert store.ticket("X")["text"] == "小区停水了" and len(store.ticket("X")["predictions"]) == 1
    with pytest.raises(NotFound):
        store.ticket("new")  # the whole batch was refused


def test_concurrent_requests_with_one_ticket_id_store_it_once(store: Store):
    from concurrent.futures import ThreadPoolExecutor

    from service.store import Conflict

    texts = ["同一条来电" if i % 2 else f"第{i}次来电" for i in range(16)]

    def post(i: int) -> str:
        try:
            store.save_triaged([{"id": "same", "text": texts[i]}], [result(confidence=i / 100)])
            return "ok"
        except Conflict:
            return "conflict"

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(post, range(16)))
    ticket = store.ticket("same")
    assert len(ticket["predictions"]) == 1
    assert outcomes == ["ok" if text == ticket["text"] else "conflict" for text in texts]


def test_a_repeated_id_in_one_batch(store: Store):
    from service.store import Conflict

    first, second = store.save_triaged([{"id": "r", "text": "first"}, {"id": "r", "text": "first"}],
                                       [result(confidence=0.9), result(confidence=0.1)])
    assert first is None and second["confidence"] == 0.9
    assert len(store.ticket("r")["predictions"]) == 1
    with pytest.raises(Conflict):
        store.save_triaged([{"id": "s", "text": "first"}, {"id": "s", "text": "second"}], [result(), result()])


def test_text_no_database_accepts_is_stored_with_a_replacement_character(store: Store):
    store.save_triaged([{"id": "nul", "text": "停水\x00了\ud800"}], [result()])
    assert store.ticket("nul")["text"] == "停水\ufffd了\ufffd"


def test_a_correction_based_on_an_old_version_is_refused_with_the_current_labels(store: Store):
    from service.store import Stale

    store.save_triaged([{"id": "v", "text": "路灯不亮"}], [result("lighting", route="streetlight_authority")])
    assert store.ticket("v")["version"] == "0"
    first = store.add_correction("v", annotator="wang", urgency="normal", if_version="0")
    assert store.ticket("v")["version"] == first["version"] != "0"
    with pytest.raises(Stale) as info:
        store.add_correction("v", annotator="li", category="other", if_version="0")  # li read it before wang
    assert info.value.version == first["version"]
    assert info.value.labels == {"category": "lighting", "urgency": "normal", "route": "streetlight_authority"}
    assert len(store.ticket("v")["corrections"]) == 1
    store.add_correction("v", annotator="li", category="other", if_version=first["version"])
    assert store.ticket("v")["labels"]["category"] == "other"
