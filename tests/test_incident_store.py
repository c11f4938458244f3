"""Incidents in the store, on SQLite and PostgreSQL: linking as tickets are stored, splitting, hot spots."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from service.store import NotFound, Store, Unsplittable

BURST = json.loads((Path(__file__).parent / "data" / "burst_pipe.json").read_text(encoding="utf-8"))
T0 = datetime(2026, 12, 7, 0, 30, tzinfo=UTC)
PLACE = {"span": BURST["place"], "start": 0, "end": 5, "kind": "compound", "compound": None, "confidence": 0.9}


def answer(category="water", place=PLACE):
    return {"category": category, "categories": [category], "urgency": "normal", "route": "water_utility",
            "confidence": 0.9, "needs_review": False, "explanation": {"category": {"top": [[category, 0.9]]}},
            "model_version": "v1", "place": place}


def store_one(store, ticket_id, text, at, **kw) -> int:
    _, incidents = store.save_linked([{"id": ticket_id, "text": text}], [answer(**kw)], received_at=at)
    return incidents[ticket_id]


def burst(store) -> list[int]:
    """The twenty reports of one burst pipe, three minutes apart (an hour in all)."""
    return [store_one(store, f"pipe-{i}", text, T0 + timedelta(minutes=3 * i))
            for i, text in enumerate(BURST["burst_pipe"])]


def test_twenty_reports_of_one_burst_pipe_become_one_incident_and_other_problems_stay_apart(store):
    [incident, *_] = linked = burst(store)
    assert linked == [incident] * 20
    lamp, sewer = BURST["other_problems"]
    assert store_one(store, "lamp", lamp, T0 + timedelta(minutes=30), category="lighting") != incident
    assert store_one(store, "sewer", sewer, T0 + timedelta(minutes=40), category="drainage") != incident
    [listed] = store.open_incidents(now=T0 + timedelta(hours=2))
    assert listed == {"id": incident, "category": "water", "place": "span:幸福里小区", "members": 20,
                      "first_report_at": "2026-12-07T00:30:00+00:00", "last_report_at": "2026-12-07T01:27:00+00:00",
                      "open": True}
    assert len(store.open_incidents(min_members=1, now=T0 + timedelta(hours=2))) == 3
    members = store.incident(incident, now=T0 + timedelta(hours=2))["tickets"]
    assert [m["ticket_id"] for m in members] == [f"pipe-{i}" for i in range(20)]
    assert members[0]["how"] == "opened" and {m["how"] for m in members[1:]} == {"merged"}
    assert all(m["linked_by"] == "rule" and m["matched_ticket"].startswith("pipe-") for m in members[1:])


def test_a_report_after_the_window_opens_a_new_incident_and_the_old_one_closes(store):
    first = store_one(store, "a", BURST["burst_pipe"][0], T0)
    window = store.incident_policy.window("water")
    assert store_one(store, "b", BURST["burst_pipe"][1], T0 + window - timedelta(minutes=1)) == first
    # the window counts from the incident's members: b is within it of c, a is not
    assert store_one(store, "c", BURST["burst_pipe"][2], T0 + 2 * window - timedelta(minutes=2)) == first
    later = store_one(store, "d", BURST["burst_pipe"][3], T0 + 4 * window)
    assert later != first
    assert store.incident(first, now=T0 + 4 * window)["open"] is False
    assert [i["id"] for i in store.open_incidents(min_members=1, now=T0 + 4 * window)] == [later]


def test_the_same_words_at_another_place_are_another_incident(store):
    here = store_one(store, "here", BURST["burst_pipe"][0], T0)
    there = store_one(store, "there", BURST["burst_pipe"][0], T0 + timedelta(minutes=5),
                      place={"span": "阳光花园", "compound": None})
    assert here != there


def test_without_a_place_only_a_close_wording_merges(store):
    first = store_one(store, "n1", BURST["burst_pipe"][0], T0, place=None)
    assert store_one(store, "n2", BURST["burst_pipe"][0] + "快点", T0 + timedelta(minutes=3), place=None) == first
    assert store_one(store, "n3", BURST["burst_pipe"][12], T0 + timedelta(minutes=6), place=None) != first


def test_a_batch_links_its_own_tickets_to_each_other(store):
    texts = BURST["burst_pipe"][:5]
    _, incidents = store.save_linked([{"id": f"b{i}", "text": t} for i, t in enumerate(texts)],
                                     [answer() for _ in texts], received_at=T0)
    assert len(set(incidents.values())) == 1 and len(incidents) == 5
    again, incidents_again = store.save_linked([{"id": "b0", "text": texts[0]}], [answer()])  # a retry
    assert again[0]["id"] == "b0" and incidents_again == {"b0": incidents["b0"]}


def test_a_batch_of_two_categories_joins_what_another_worker_stored_of_each(database_url):
    """A worker that has linked both categories before reads in both categories' new memberships, in one query
    for the batch, before linking it."""
    pipe, lamp, other = BURST["burst_pipe"][0], BURST["other_problems"][0], "市民反映情况，请尽快处理"
    first, second = Store.open(database_url), Store.open(database_url)
    try:
        before = [store_one(second, "seen-water", other, T0, place=None)]
        water = store_one(first, "pipe-a", pipe, T0)  # between what the second worker saw of each category
        before.append(store_one(second, "seen-lighting", other, T0, category="lighting", place=None))
        lighting = store_one(first, "lamp-a", lamp, T0, category="lighting")
        _, linked = second.save_linked([{"id": "pipe-b", "text": pipe}, {"id": "lamp-b", "text": lamp}],
                                       [answer(), answer(category="lighting")], received_at=T0 + timedelta(minutes=5))
        assert linked == {"pipe-b": water, "lamp-b": lighting} and not set(before) & {water, lighting}
    finally:
        first.close()
        second.close()


def test_a_report_stored_elsewhere_after_a_ticket_was_prepared_is_still_the_one_it_joins(database_url, monkeypatch):
    """The match a worker finds before its transaction is a guess: what it reads in inside it decides."""
    first, second = Store.open(database_url), Store.open(database_url)
    try:
        store_one(second, "seen", "市民反映情况，请尽快处理", T0, place=None)  # it has looked at water before
        prepare = second._linker.prepare

        def prepare_then_another_worker_stores(*args):
            pending = prepare(*args)
            monkeypatch.setattr(second._linker, "prepare", prepare)
            store_one(first, "pipe-a", BURST["burst_pipe"][0], T0)
            return pending

        monkeypatch.setattr(second._linker, "prepare", prepare_then_another_worker_stores)
        joined = store_one(second, "pipe-b", BURST["burst_pipe"][1], T0 + timedelta(minutes=1))
        assert first.incident(joined, now=T0)["members"] == 2
    finally:
        first.close()
        second.close()


def test_a_split_ticket_leaves_with_who_when_and_why_and_nothing_is_deleted(store):
    incident = burst(store)[0]
    done = store.split("pipe-7", by="王芳", note="5号楼的另一根管")
    assert done["from_incident"] == incident and done["incident_id"] != incident and done["split_by"] == "王芳"
    old = store.incident(incident, now=T0 + timedelta(hours=2))
    assert old["members"] == 19 and len(old["tickets"]) == 20
    gone = old["tickets"][-1]
    assert gone["ticket_id"] == "pipe-7" and gone["ended_by"] == "王芳" and gone["note"] == "5号楼的另一根管"
    assert gone["ended_at"] is not None and all(m["ended_at"] is None for m in old["tickets"][:-1])
    own = store.incident(done["incident_id"], now=T0 + timedelta(hours=2))
    assert own["members"] == 1 and own["place"] == "span:幸福里小区"
    assert [(m["ticket_id"], m["how"], m["linked_by"]) for m in own["tickets"]] == [("pipe-7", "split", "王芳")]
    with pytest.raises(Unsplittable, match="alone in incident"):
        store.split("pipe-7", by="王芳")
    with pytest.raises(NotFound):
        store.split("no-such-ticket", by="王芳")


def test_a_split_from_the_end_of_an_incident_moves_its_last_report_back(store):
    incident = burst(store)[0]
    store.split("pipe-19", by="王芳")
    assert store.incident(incident, now=T0)["last_report_at"] == "2026-12-07T01:24:00+00:00"


def test_hotspots_count_place_by_category_beside_the_window_before(store):
    now = T0 + timedelta(days=8)
    for i in range(3):  # the week before last
        store_one(store, f"old-{i}", BURST["burst_pipe"][i], T0 + timedelta(hours=i))
    for i in range(5):  # last week
        store_one(store, f"new-{i}", BURST["burst_pipe"][i], now - timedelta(days=1, hours=i))
    store_one(store, "lamp", BURST["other_problems"][0], now - timedelta(hours=3), category="lighting")
    store_one(store, "nowhere", "路灯不亮", now - timedelta(hours=2), category="lighting", place=None)
    found = store.hotspots(7, now=now)
    assert found["hotspots"] == [
        {"place": "span:幸福里小区", "category": "water", "count": 5, "previous": 3, "change": 2},
        {"place": "span:幸福里小区", "category": "lighting", "count": 1, "previous": 0, "change": 1}]
    assert found["without_place"] == 1 and found["days"] == 7


def test_with_merging_off_every_ticket_stands_alone(database_url):
    store = Store.open(database_url, merge=False)
    try:
        stored, incidents = store.save_linked([{"id": "x", "text": BURST["burst_pipe"][0]}], [answer()])
        assert stored == [None] and incidents == {}
        with pytest.raises(Unsplittable, match="without incident merging"):
            store.split("x", by="王芳")
    finally:
        store.close()


def test_two_workers_storing_one_burst_at_once_open_one_incident(database_url):
    """Two stores on one database (two workers, or two hosts) storing the reports concurrently. The texts
    differ by a word, so that whichever comes first the rest match it: the test is of the locking."""
    from concurrent.futures import ThreadPoolExecutor

    workers = [Store.open(database_url), Store.open(database_url)]
    try:
        jobs = [(workers[i % 2], f"pipe-{i}", f"{BURST['burst_pipe'][0]}第{i}位来电") for i in range(20)]
        with ThreadPoolExecutor(8) as pool:
            linked = list(pool.map(lambda job: store_one(job[0], job[1], job[2], T0), jobs))
        assert len(set(linked)) == 1
        assert workers[0].incident(linked[0], now=T0)["members"] == 20
    finally:
        for w in workers:
            w.close()


def test_a_store_from_before_incidents_migrates_and_its_old_tickets_stand_outside_any(tmp_path):
    from sqlalchemy import inspect

    from service.store import make_engine, migrate

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    migrate(engine, "0005")  # the revision before incidents
    old = Store(engine, merge=False)
    old.save_triaged([{"id": "before", "text": BURST["burst_pipe"][0]}], [answer()])
    migrate(engine, "head")
    assert {"incidents", "incident_members"} <= set(inspect(engine).get_table_names())
    store = Store(engine)
    stored, incidents = store.save_linked([{"id": "before", "text": BURST["burst_pipe"][0]}], [answer()])
    assert stored[0]["id"] == "before" and incidents == {}  # stored before merging: in no incident
    _, incidents = store.save_linked([{"id": "after", "text": BURST["burst_pipe"][0]}], [answer()])
    assert store.incident(incidents["after"])["members"] == 1
    from alembic import command
    from alembic.config import Config

    from service.store.database import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:  # and back down
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
    assert not {"incidents", "incident_members"} & set(inspect(engine).get_table_names())
    assert old.ticket("before")["text"] == BURST["burst_pipe"][0]
    engine.dispose()


def test_a_write_that_rolls_back_leaves_no_trace_in_the_workers_index(store, monkeypatch):
    def fail(*_):
        raise RuntimeError("the disk is full")

    with monkeypatch.context() as m:
        m.setattr(store, "current_incidents", fail)  # fails after linking, inside the transaction
        with pytest.raises(RuntimeError):
            store_one(store, "lost", BURST["burst_pipe"][0], T0)
    kept = store_one(store, "kept", BURST["burst_pipe"][0], T0 + timedelta(minutes=1))
    assert store.incident(kept, now=T0)["tickets"][0]["ticket_id"] == "kept"
