"""Taking steps over the API: the table's rules, versions, deadlines on a fake clock, unit keys' reach."""

import pytest
from lifecycle_helpers import FakeClock, lifecycle_client, store_ticket


@pytest.fixture
def api(triager, tmp_path):
    clock = FakeClock()
    with lifecycle_client(triager, tmp_path, clock) as client:
        client.clock, client.staff = clock, client.key("staff")
        yield client


def step(api, ticket, headers, **body):
    return api.post(f"/v1/tickets/{ticket}/transitions", json=body, headers=headers)


def test_a_new_ticket_waits_for_dispatch_with_the_deadline_from_receipt(api):
    ticket = store_ticket(api)
    life = api.get(f"/v1/tickets/{ticket}/lifecycle", headers=api.staff).json()
    assert (life["state"], life["state_name"], life["version"], life["unit"]) == ("pending_dispatch", "待派单", 0, None)
    assert life["deadline"] == "2026-12-14T09:00:00+08:00"  # normal: 5 working days from Monday 09:00
    assert life["time_left_seconds"] == 7 * 86400 and life["overdue"] is False
    assert life["allowed"] == ["dispatch"]


def test_dispatch_gives_the_unit_its_levels_deadline_and_records_the_step(api):
    ticket = store_ticket(api)
    api.clock.advance(minutes=30)
    life = step(api, ticket, api.staff, action="dispatch", version=0, unit="SQ-XFL").json()
    assert life["unit"] == {"code": "SQ-XFL", "name": "幸福里社区居委会", "level": "community", "level_name": "社区"}
    assert (life["state"], life["version"], life["deadline"]) == ("dispatched", 1, "2026-12-09T09:30:00+08:00")
    [history] = life["history"]
    assert {k: history[k] for k in ("action", "action_name", "from", "to", "to_unit", "actor", "actor_role")} == {
        "action": "dispatch", "action_name": "派单", "from": "pending_dispatch", "to": "dispatched",
        "to_unit": "SQ-XFL", "actor": "staff", "actor_role": "staff"}
    assert history["at"] == "2026-12-07T01:30:00+00:00"


def test_an_illegal_step_is_409_naming_the_current_state_and_writes_nothing(api):
    ticket = store_ticket(api)
    r = step(api, ticket, api.staff, action="close", version=0)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "illegal_transition" and r.json()["current"] == {"state": "pending_dispatch"}
    assert "pending_dispatch" in r.json()["error"]["message"]
    assert api.get(f"/v1/tickets/{ticket}/lifecycle", headers=api.staff).json()["version"] == 0


def test_a_stale_version_is_409_and_the_first_step_stands(api):
    ticket = store_ticket(api)
    assert step(api, ticket, api.staff, action="dispatch", version=0, unit="SQ-XFL").status_code == 200
    r = step(api, ticket, api.staff, action="dispatch", version=0, unit="SQ-HPL")  # a colleague read version 0 too
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "stale_version" and r.json()["current"] == {"state": "dispatched", "version": 1}
    life = api.get(f"/v1/tickets/{ticket}/lifecycle", headers=api.staff).json()
    assert life["unit"]["code"] == "SQ-XFL" and len(life["history"]) == 1


def test_closing_needs_a_measure_and_a_return_needs_a_reason(api):
    ticket = store_ticket(api)
    unit = api.key("unit", "SQ-XFL")
    step(api, ticket, api.staff, action="dispatch", version=0, unit="SQ-XFL")
    r = step(api, ticket, unit, action="return", version=1)
    assert r.status_code == 422 and r.json()["error"]["fields"] == ["note"]
    step(api, ticket, unit, action="accept", version=1)
    r = step(api, ticket, unit, action="close", version=2)
    assert r.status_code == 422 and r.json()["error"]["fields"] == ["measures"]
    assert api.post(f"/v1/tickets/{ticket}/rectifications", json={"kind": "measure", "text": "已维修"},
                    headers=unit).status_code == 201
    assert step(api, ticket, unit, action="close", version=2).json()["state"] == "closed"


def test_a_disputed_ticket_goes_back_to_dispatch_and_counts_against_the_unit(api):
    ticket = store_ticket(api)
    step(api, ticket, api.staff, action="dispatch", version=0, unit="SQ-XFL")
    life = step(api, ticket, api.key("unit", "SQ-XFL"), action="return", version=1, note="不在本社区辖区").json()
    assert (life["state"], life["unit"], life["allowed"]) == ("returned", None, ["redispatch"])
    life = step(api, ticket, api.staff, action="redispatch", version=2, unit="SQ-HPL").json()
    assert life["unit"]["code"] == "SQ-HPL"
    summary = api.get("/v1/ledger/summary", headers=api.staff).json()
    assert summary["returns_by_unit"] == {"SQ-XFL": 1}


def test_a_suspended_tickets_clock_stands_and_resuming_moves_the_deadline(api):
    ticket = store_ticket(api, urgency="emergency")
    step(api, ticket, api.staff, action="dispatch", version=0, unit="SQ-XFL")  # 2 hours: 11:00
    api.clock.advance(hours=1)
    step(api, ticket, api.staff, action="suspend", version=1, note="等待燃气公司到场")
    api.clock.advance(hours=5)
    life = api.get(f"/v1/tickets/{ticket}/lifecycle", headers=api.staff).json()
    assert life["time_left_seconds"] == 3600 and life["overdue"] is False
    assert api.life.escalate_due() == []  # not escalated while suspended
    life = step(api, ticket, api.staff, action="resume", version=2).json()
    assert life["deadline"] == "2026-12-07T16:00:00+08:00" and life["time_left_seconds"] == 3600


def test_an_overdue_emergency_escalates_within_hours(api):
    ticket = store_ticket(api, urgency="emergency")
    step(api, ticket, api.staff, action="dispatch", version=0, unit="SQ-XFL")
    api.clock.advance(hours=1, minutes=59)
    assert api.life.escalate_due() == []
    api.clock.advance(minutes=1)
    [taken] = api.life.escalate_due()
    assert taken == {"ticket": ticket, "unit": "JD-CG", "level": "street", "deadline": "2026-12-07T15:00:00+08:00"}
    api.clock.advance(hours=4)
    assert api.life.escalate_due()[0]["unit"] == "QU-CG"
    api.clock.advance(days=30)
    assert api.life.escalate_due() == []  # the district is the top: it stays there, overdue
    life = api.get(f"/v1/tickets/{ticket}/lifecycle", headers=api.staff).json()
    assert life["overdue"] is True and [h["actor"] for h in life["history"]] == ["staff", "escalation", "escalation"]


def test_a_community_that_cannot_solve_it_hands_it_to_its_street(api):
    ticket = store_ticket(api)
    step(api, ticket, api.staff, action="dispatch", version=0, unit="SQ-DJY")
    life = step(api, ticket, api.key("unit", "SQ-DJY"), action="cannot_solve", version=1, note="需街道协调").json()
    assert life["unit"]["code"] == "JD-DJ" and life["level"] == "street"


def test_a_dissatisfied_visit_may_reopen_the_ticket(api):
    ticket = store_ticket(api)
    unit = api.key("unit", "SQ-XFL")
    step(api, ticket, api.staff, action="dispatch", version=0, unit="SQ-XFL")
    step(api, ticket, unit, action="accept", version=1)
    api.post(f"/v1/tickets/{ticket}/rectifications", json={"kind": "measure", "text": "已更换水管"}, headers=unit)
    step(api, ticket, unit, action="close", version=2)
    step(api, ticket, api.staff, action="visit", version=3, satisfaction="satisfied")
    assert step(api, ticket, api.staff, action="reopen", version=4).status_code == 422  # the caller was satisfied
    ticket = store_ticket(api, "路灯不亮好几天了")
    step(api, ticket, api.staff, action="dispatch", version=0, unit="SQ-XFL")
    step(api, ticket, unit, action="accept", version=1)
    api.post(f"/v1/tickets/{ticket}/rectifications", json={"kind": "measure", "text": "已报修"}, headers=unit)
    step(api, ticket, unit, action="close", version=2)
    life = step(api, ticket, api.staff, action="visit", version=3, satisfaction="dissatisfied").json()
    assert life["satisfaction_name"] == "不满意"
    life = step(api, ticket, api.staff, action="reopen", version=4).json()
    assert (life["state"], life["unit"]["code"], life["overdue"]) == ("in_progress", "SQ-XFL", False)


def test_a_unit_key_reaches_only_its_units_tickets_and_those_below(api):
    ticket = store_ticket(api)
    step(api, ticket, api.staff, action="dispatch", version=0, unit="SQ-XFL")
    url = f"/v1/tickets/{ticket}/lifecycle"
    assert api.get(url, headers=api.key("unit", "SQ-XFL")).status_code == 200
    assert api.get(url, headers=api.key("unit", "JD-CG")).status_code == 200  # its 街道
    other = api.key("unit", "SQ-HPL")
    assert api.get(url, headers=other).status_code == 403
    assert step(api, ticket, other, action="accept", version=1).status_code == 403
    assert api.post(f"/v1/tickets/{ticket}/rectifications", json={"kind": "progress", "text": "x"},
                    headers=other).status_code == 403
    assert api.get(url, headers=api.key("unit", "JD-DJ")).status_code == 403  # another 街道
    assert api.get(url, headers=api.key("intake")).status_code == 403
    assert step(api, ticket, api.key("unit", "SQ-XFL"), action="redispatch", version=1, unit="SQ-HPL").status_code \
        == 403  # the desk's step
    assert api.get(f"/v1/tickets/{ticket}", headers=other).status_code == 403  # the staff API stays staff's
    assert api.get("/v1/ledger", headers=other).json()["rows"] == []


@pytest.mark.parametrize(("body", "field"), [({"action": "fly", "version": 0}, "body"),
                                             ({"action": "dispatch", "version": 0, "unit": "NOPE"}, "body"),
                                             ({"action": "dispatch"}, "version"),
                                             ({"action": "dispatch", "version": -1, "unit": "SQ-XFL"}, "version")])
def test_a_body_that_is_not_a_step_is_422(api, body, field):
    ticket = store_ticket(api)
    r = api.post(f"/v1/tickets/{ticket}/transitions", json=body, headers=api.staff)
    assert r.status_code == 422 and field in r.json()["error"]["fields"], r.text


def test_an_unknown_ticket_is_404(api):
    assert api.get("/v1/tickets/none/lifecycle", headers=api.staff).status_code == 404
    assert step(api, "none", api.staff, action="dispatch", version=0, unit="SQ-XFL").status_code == 404


def test_the_table_is_served_with_the_deadlines(api):
    table = api.get("/v1/lifecycle", headers=api.key("unit", "SQ-XFL")).json()
    assert {"code": "returned", "name": "退回"} in table["states"]
    assert table["deadlines"]["street"]["normal"] == "5 working days" and table["calendar"] == "china"


def test_the_service_does_not_start_with_an_invalid_transition_table(triager, tmp_path):
    from triage.errors import ConfigError

    bad = tmp_path / "lifecycle.yaml"
    bad.write_text("start: a\nstates: {a: 甲}\nactions: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=f"^{bad}: actions"):
        lifecycle_client(triager, tmp_path, FakeClock(), lifecycle_path=bad)


def test_the_service_escalates_overdue_tickets_by_itself(triager, tmp_path):
    import time

    clock = FakeClock()
    with lifecycle_client(triager, tmp_path, clock, escalation_seconds=0.05) as api:
        ticket = store_ticket(api, urgency="emergency")
        api.post(f"/v1/tickets/{ticket}/transitions", json={"action": "dispatch", "version": 0, "unit": "SQ-XFL"},
                 headers=api.key("staff"))
        clock.advance(hours=3)
        for _ in range(100):
            life = api.get(f"/v1/tickets/{ticket}/lifecycle", headers=api.key("staff")).json()
            if life["unit"]["code"] != "SQ-XFL":
                break
            time.sleep(0.05)
        assert life["unit"]["code"] == "JD-CG" and life["history"][-1]["actor"] == "escalation"


@pytest.mark.parametrize("body", [{"action": "accept", "version": 1, "unit": "SQ-HPL"},
                                  {"action": "accept", "version": 1, "satisfaction": "dissatisfied"}])
def test_a_step_refuses_what_its_action_does_not_take(api, body):
    ticket = store_ticket(api)
    step(api, ticket, api.staff, action="dispatch", version=0, unit="SQ-XFL")
    r = step(api, ticket, api.staff, **body)
    assert r.status_code == 422 and "accept takes no" in r.json()["error"]["message"]
    assert api.get(f"/v1/tickets/{ticket}/lifecycle", headers=api.staff).json()["unit"]["code"] == "SQ-XFL"
