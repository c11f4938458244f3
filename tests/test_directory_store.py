"""The dispatch directory in the store, on SQLite and PostgreSQL: versioned imports, export with contacts masked."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from service.store import NotFound, Store
from service.store.directory_export import write_directory
from triage.dispatch import load_directory


def test_each_import_is_a_new_version_and_the_latest_is_in_use(store: Store):
    assert store.directory() is None and store.active_directory_version() is None
    example = load_directory()
    first = store.import_directory(example, imported_by="王芳")
    assert (first["version"], first["units"], first["compounds"]) == (1, 19, 12)
    read = store.directory()
    assert read.version == "1" and read.units == example.units and read.compounds == example.compounds
    fewer = load_directory()
    fewer.compounds.pop("C12")
    assert store.import_directory(fewer, imported_by="李强")["version"] == 2
    assert store.active_directory_version() == 2 and "C12" not in store.directory().compounds
    assert "C12" in store.directory(1).compounds  # older versions stay, to explain older answers
    assert [(v["version"], v["imported_by"]) for v in store.directory_versions()] == [(2, "李强"), (1, "王芳")]
    with pytest.raises(NotFound, match="no directory version 9"):
        store.directory(9)


def test_a_stored_answer_keeps_its_place_and_unit(store: Store):
    answer = {"model_version": "v1", "category": "drainage", "categories": ["drainage"], "urgency": "high",
              "route": "community", "confidence": 0.9, "needs_review": False,
              "explanation": {"category": {"top": [["drainage", 0.9], ["other", 0.05]]}},
              "place": {"span": "农机厂家属院", "start": 0, "end": 6, "kind": "compound", "compound": "C08",
                        "confidence": 0.95},
              "unit": {"code": "M03", "name": "河西社区居委会", "kind": "community"}, "unit_reason": "目录"}
    store.save_triaged([{"id": "t1", "text": "农机厂家属院下水道堵了"}], [answer])
    [prediction] = store.ticket("t1")["predictions"]
    assert prediction["place"] == answer["place"] and prediction["unit"] == answer["unit"]
    assert store.save_triaged([{"id": "t1", "text": "农机厂家属院下水道堵了"}], [answer])[0]["unit_reason"] == "目录"


@pytest.mark.parametrize("form", ["folder", "xlsx"])
def test_an_export_masks_contacts_and_imports_back_as_the_same_directory(store: Store, tmp_path, form):
    store.import_directory(load_directory(), imported_by="cli")
    target = tmp_path / ("out.xlsx" if form == "xlsx" else "out")
    write_directory(store.directory(), target)
    if form == "xlsx":
        sheet = load_workbook(target)["units"]
        contacts = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    else:
        with open(target / "units.csv", encoding="utf-8") as f:
            contacts = [row["contact"] for row in csv.DictReader(f)]
    assert "客服 [手机号]" in contacts and "值班室 [固话]" in contacts
    assert not any(ch.isdigit() for c in contacts for ch in c)
    again = load_directory(target)
    assert again.compounds == load_directory().compounds
    assert {c: u.name for c, u in again.units.items()} == {c: u.name for c, u in load_directory().units.items()}


def test_upgrading_a_store_from_0004_keeps_its_predictions_with_no_place_or_unit(database_url):
    from service.store import make_engine, migrate

    engine = make_engine(database_url)
    migrate(engine, "0004")  # a store written before the dispatch directory
    with engine.begin() as c:
        c.exec_driver_sql("INSERT INTO tickets (id, text, received_at) VALUES ('old', '路灯不亮', '2026-11-30')")
        c.exec_driver_sql(
            "INSERT INTO predictions (ticket_id, model_version, category, categories, urgency, route, confidence, "
            "margin, needs_review, review_confidence, explanation, created_at) VALUES ('old', 'v0', 'lighting', "
            "'[\"lighting\"]', 'normal', 'streetlight_authority', 0.97, 0.9, false, 0.97, '{}', '2026-11-30')")
    engine.dispose()
    store = Store.open(database_url)
    [prediction] = store.ticket("old")["predictions"]
    assert prediction["place"] is None and prediction["unit"] is None and prediction["unit_reason"] == ""
    assert store.directory() is None
    store.close()
