"""Dispatch and escalation follow the city's dispatch directory: its 社区, 街道 and 区 departments are units
a ticket can be sent to, a 社区 escalates to the 街道 the directory puts above it, and what the directory
does not say (a 街道 with no 区 above, the escalation file's own units) comes from the escalation file."""

from __future__ import annotations

from dataclasses import replace

import pytest
from lifecycle_helpers import FakeClock, lifecycle_client, store_ticket
from typer.testing import CliRunner

from service.cli import app as cli
from service.directory_watch import DirectoryWatcher
from triage.datafiles import default_data_path
from triage.dispatch import load_directory
from triage.lifecycle import DirectoryUnits, FileDirectory

DATA = default_data_path("directory_example").parent


@pytest.fixture
def api(triager, tmp_path):
    clock = FakeClock()
    with lifecycle_client(triager, tmp_path, clock) as client:
        client.app.state.service.store.import_directory(load_directory(), imported_by="test")
        DirectoryWatcher(client.app, client.app.state.service.store, interval=1.0).check()
        client.clock, client.staff = clock, client.key("staff")
        yield client


def step(api, ticket, **body):
    r = api.post(f"/v1/tickets/{ticket}/transitions", json=body, headers=api.staff)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_ticket_goes_to_a_directory_community_and_escalates_to_its_subdistrict_then_the_district(api):
    ticket = store_ticket(api, urgency="emergency")
    life = step(api, ticket, action="dispatch", version=0, unit="M03")
    assert life["unit"] == {"code": "M03", "name": "河西社区居委会", "level": "community", "level_name": "社区"}
    api.clock.advance(hours=2)
    [taken] = api.life.escalate_due()
    assert (taken["unit"], taken["level"]) == ("S02", "street")  # the directory's parent, 河西街道
    api.clock.advance(hours=4)
    assert api.life.escalate_due()[0]["unit"] == "QU-CG"  # no 区 in the directory: the file's default district
    history = api.get(f"/v1/tickets/{ticket}/lifecycle", headers=api.staff).json()["history"]
    assert [h["to_unit"] for h in history] == ["M03", "S02", "QU-CG"]


def test_a_unit_key_of_a_subdistrict_sees_its_communities_tickets(api):
    ticket = store_ticket(api)
    step(api, ticket, action="dispatch", version=0, unit="M01")
    assert api.get(f"/v1/tickets/{ticket}/lifecycle", headers=api.key("unit", "S01")).status_code == 200
    assert api.get(f"/v1/tickets/{ticket}/lifecycle", headers=api.key("unit", "S02")).status_code == 403


def test_a_property_company_is_named_in_answers_but_not_a_dispatch_unit(api):
    ticket = store_ticket(api)
    r = api.post(f"/v1/tickets/{ticket}/transitions", json={"action": "dispatch", "version": 0, "unit": "P01"},
                 headers=api.staff)
    assert r.status_code == 422 and "P01" in r.text


def test_a_new_import_moves_escalation_to_the_new_parent(api):
    moved = load_directory()
    moved.units["M03"] = replace(moved.units["M03"], parent="S01")
    store = api.app.state.service.store
    store.import_directory(moved, imported_by="test")
    assert DirectoryWatcher(api.app, store, interval=1.0).check()
    assert api.life.directory.parent_of("M03").code == "S01"


def test_a_parent_that_is_not_one_level_up_falls_back_to_the_files_default():
    directory = load_directory()
    directory = replace(directory, units={**directory.units, "M01": replace(directory.units["M01"], parent="M02")})
    units = DirectoryUnits(directory, FileDirectory.load())
    assert units.parent_of("M01").code == "JD-CG"  # a 社区 above a 社区 is no parent: the file's default street
    assert units.parent_of("SQ-DJY").code == "JD-DJ"  # the file's own units keep the file's parents
    assert DirectoryUnits(None, FileDirectory.load()).unit("M01") is None


def test_a_unit_key_may_be_made_for_a_directory_community(tmp_path):
    url = f"sqlite:///{tmp_path / 'triage.db'}"
    runner = CliRunner()
    example = str(DATA / "directory_example")
    assert runner.invoke(cli, ["directory", "import", example, "--database-url", url]).exit_code == 0
    made = runner.invoke(cli, ["keys", "create", "--role", "unit", "--unit", "M01", "--database-url", url])
    assert made.exit_code == 0, made.output
    refused = runner.invoke(cli, ["keys", "create", "--role", "unit", "--unit", "P01", "--database-url", url])
    assert refused.exit_code == 2 and "not a unit of the dispatch directory in use" in refused.output
