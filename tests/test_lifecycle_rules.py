"""The library's side of a ticket's life: the transition table, units and parents, deadlines by level on
China's working-day calendar, and how a deadline reads."""

from datetime import datetime, timedelta, timezone

import pytest

from triage.errors import ConfigError, IllegalTransition, MissingRequirement
from triage.lifecycle import FileDirectory, Machine, deadline_status, due_for_escalation, within
from triage.rules.deadlines import Deadlines
from triage.rules.workdays import Workdays

TZ = timezone(timedelta(hours=8))


def test_the_shipped_table_walks_a_ticket_from_dispatch_to_visit():
    m = Machine.load()
    state = m.start
    for action, given in [("dispatch", {"unit"}), ("accept", set()), ("close", {"measure"}),
                          ("visit", {"satisfaction"}), ("reopen", {"dissatisfied"})]:
        state = m.check(state, action, given).target
    assert state == "in_progress"
    assert m.states["visited"] == "已回访" and m.actions["return"].name == "退回"


def test_an_illegal_action_names_the_current_state():
    with pytest.raises(IllegalTransition, match=r"cannot close a ticket that is dispatched \(已派单\)") as info:
        Machine.load().check("dispatched", "close", {"measure"})
    assert info.value.state == "dispatched"


@pytest.mark.parametrize(("state", "action", "given", "missing"), [
    ("in_progress", "close", set(), ["measure"]),
    ("dispatched", "return", set(), ["reason"]),
    ("visited", "reopen", set(), ["dissatisfied"]),
    ("pending_dispatch", "dispatch", {"reason"}, ["unit"]),
])
def test_an_action_without_what_it_needs_says_what(state, action, given, missing):
    with pytest.raises(MissingRequirement) as info:
        Machine.load().check(state, action, given)
    assert info.value.needs == missing


@pytest.mark.parametrize(("body", "message"), [
    ("start: nowhere\nstates: {a: 甲}\nactions: {go: {name: 走, from: [a], to: a, by: [staff]}}\n",
     "start: 'nowhere' is not a state"),
    ("start: a\nstates: {a: 甲}\nactions: {go: {name: 走, from: [a], to: b, by: [staff]}}\n",
     "actions: go: to: 'b' is not a state"),
    ("start: a\nstates: {a: 甲}\nactions: {go: {name: 走, from: [a], to: a, by: [mayor]}}\n",
     "actions: go: by: unknown 'mayor'"),
    ("start: a\nstates: {a: 甲, b: 乙}\nactions: {go: {name: 走, from: [a], to: a, by: [staff]}}\n",
     "states: 'b' is reached by no action"),
    ("start: a\nstates: {a: 甲}\nactions: {go: {name: 走, from: [a], to: a, by: [staff], needs: [luck]}}\n",
     "actions: go: needs: unknown 'luck'"),
])
def test_an_invalid_table_names_the_file_and_entry(tmp_path, body, message):
    path = tmp_path / "lifecycle.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        Machine.load(path)
    assert str(info.value).startswith(str(path))


def test_parents_go_one_level_up_and_default_where_none_is_named():
    d = FileDirectory.load()
    assert d.parent_of("SQ-XFL").code == "JD-CG"
    assert d.parent_of("SQ-NEW").code == "JD-CG"  # names no parent: the default 街道
    assert d.parent_of("JD-DJ").code == "QU-CG"
    assert d.parent_of("QU-CG") is None and d.parent_of("NOPE") is None
    assert within(d, "SQ-XFL", "JD-CG") and within(d, "SQ-XFL", "QU-CG") and within(d, "SQ-XFL", "SQ-XFL")
    assert not within(d, "SQ-XFL", "SQ-HPL") and not within(d, "SQ-DJY", "JD-CG") and not within(d, None, "JD-CG")


@pytest.mark.parametrize(("units", "message"), [
    ("  - {code: A, name: 甲, level: village}\n", r"row 1: A: level 'village'"),
    ("  - {code: A, name: 甲, level: community, parent: Z}\n", "A: parent 'Z' is not a unit"),
    ("  - {code: A, name: 甲, level: community, parent: B}\n  - {code: B, name: 乙, level: district}\n",
     "A: parent B is a district unit, not one level above community"),
    ("  - {code: A, name: 甲, level: community}\n  - {code: A, name: 乙, level: street}\n",
     "row 2: code 'A' is given twice"),
])
def test_an_invalid_unit_file_names_the_file_and_row(tmp_path, units, message):
    path = tmp_path / "escalation.yaml"
    path.write_text("units:\n" + units, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        FileDirectory.load(path)
    assert str(info.value).startswith(str(path))


def test_chinas_calendar_knows_holidays_and_make_up_working_days():
    china, weekdays = Workdays("china"), Workdays("weekdays")
    assert not china.is_workday(datetime(2026, 10, 1).date())  # National Day
    assert china.is_workday(datetime(2026, 10, 10).date())  # a Saturday worked in its place
    assert weekdays.is_workday(datetime(2026, 10, 1).date()) and not weekdays.is_workday(datetime(2026, 10, 10).date())


def test_working_days_ahead_are_counted_over_weekends_and_holidays():
    china, weekdays = Workdays("china"), Workdays("weekdays")
    friday = datetime(2026, 12, 4).date()
    assert weekdays.days_until(friday, 1) == 3  # Monday
    assert weekdays.days_until(friday, 5) == 7  # the next Friday
    assert weekdays.days_until(friday, 0) == 0
    assert china.days_until(datetime(2026, 9, 30).date(), 2) == 9  # Oct 1-7 off: the 8th, then the 9th
    assert china.days_until(datetime(2026, 9, 30).date(), 2) == 9  # asked again: the remembered answer


def test_a_deadline_by_level_skips_the_national_day_holiday():
    d = Deadlines.load()
    before = datetime(2026, 9, 30, 10, 0, tzinfo=TZ)  # the Wednesday before the holiday week
    # 社区, normal: 2 working days: Oct 1-7 are off, Thursday the 8th is the first, Friday the 9th the second
    assert d.due("normal", before, "community") == datetime(2026, 10, 9, 10, 0, tzinfo=TZ)
    # 街道, normal: 5 working days: 8, 9, 10 (the make-up Saturday), 12, 13
    assert d.due("normal", before, "street") == datetime(2026, 10, 13, 10, 0, tzinfo=TZ)
    assert d.due("emergency", before, "street") == datetime(2026, 9, 30, 14, 0, tzinfo=TZ)  # hours, not days


def test_the_table_gives_every_level_and_urgency():
    table = Deadlines.load().table()
    assert table["community"] == {"emergency": "2 hours", "high": "24 hours", "normal": "2 working days"}
    assert table["district"]["normal"] == "10 working days"


def test_a_version_1_file_still_loads_with_one_limit_for_every_level(tmp_path):
    path = tmp_path / "deadlines.yaml"
    path.write_text("version: 1\ndeadlines:\n  emergency: {hours: 2}\n  high: {hours: 24}\n"
                    "  normal: {working_days: 5}\n", encoding="utf-8")
    d = Deadlines.load(path)
    assert d.calendar == "weekdays"
    national_day = datetime(2026, 10, 1, 9, 0, tzinfo=TZ)  # Thursday; Monday to Friday counts it
    assert d.due("normal", national_day, "street") == datetime(2026, 10, 8, 9, 0, tzinfo=TZ)


@pytest.mark.parametrize(("body", "message"), [
    ("version: 2\ncalendar: lunar\ndeadlines: {emergency: {hours: 1}, high: {hours: 2}, normal: {hours: 3}}\n",
     "calendar 'lunar' is not one of weekdays, china"),
    ("version: 2\ndeadlines: {emergency: {hours: 1}, high: {hours: 2}, normal: {hours: 3}}\n"
     "levels: {city: {emergency: {hours: 1}, high: {hours: 2}, normal: {hours: 3}}}\n", "levels: unknown level 'city'"),
    ("version: 2\ndeadlines: {emergency: {hours: 1}, high: {hours: 2}, normal: {hours: 3}}\n"
     "levels: {street: {emergency: {hours: 1}, high: {hours: 2}}}\n", r"levels: street: no deadline for \['normal'\]"),
    ("version: 1\ncalendar: china\ndeadlines: {emergency: {hours: 1}, high: {hours: 2}, normal: {hours: 3}}\n",
     "'levels' and 'calendar' need version: 2"),
])
def test_invalid_level_deadlines_name_the_file_and_entry(tmp_path, body, message):
    path = tmp_path / "deadlines.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        Deadlines.load(path)
    assert str(info.value).startswith(str(path))


def test_a_deadline_reads_as_time_left_and_overdue():
    due = datetime(2026, 12, 7, 12, 0, tzinfo=TZ)
    assert deadline_status(due, due - timedelta(hours=1))["time_left_seconds"] == 3600
    assert deadline_status(due, due + timedelta(minutes=1)) == {"deadline": "2026-12-07T12:00:00+08:00",
                                                                "time_left_seconds": -60, "overdue": True}
    closed = deadline_status(due, due + timedelta(days=9), closed_at=due - timedelta(hours=2))
    assert closed["overdue"] is False and closed["time_left_seconds"] is None
    frozen = deadline_status(due, due + timedelta(days=9), suspended_at=due - timedelta(hours=2))
    assert frozen["time_left_seconds"] == 7200 and frozen["overdue"] is False
    assert due_for_escalation("in_progress", due, due) and not due_for_escalation("closed", due, due)
    assert not due_for_escalation("dispatched", due, due - timedelta(seconds=1))
