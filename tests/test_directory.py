"""The dispatch directory: the shipped example loads, and a broken directory is refused naming file and row."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from triage.dispatch import load_directory
from triage.dispatch.loading import COMPOUND_COLUMNS, UNIT_COLUMNS
from triage.errors import DirectoryError

EXAMPLE = Path(__file__).resolve().parent.parent / "triage" / "data" / "directory_example"


def test_the_example_district_has_managed_estates_staff_compounds_and_unmanaged_courtyards():
    d = load_directory()
    kinds = {c.kind for c in d.compounds.values()}
    assert len(d.compounds) == 12 and kinds == {"小区", "家属院", "楼院"}
    assert d.units[d.compounds["C05"].manager].kind == "owner_unit"
    assert d.compounds["C08"].manager == "" and d.compounds["C08"].community == "M03"
    assert d.compounds["C02"].subdistrict == "S01"
    assert d.unit_for_route("urban_management", "S01").code == "G05"  # the 街道's own squad
    assert d.unit_for_route("urban_management", "S02").code == "G04"  # the district-wide one
    assert d.at_address("文昌路", 8).code == "C01" and d.at_address("文昌路", 9) is None


def copy_example(tmp_path: Path) -> Path:
    folder = tmp_path / "directory"
    shutil.copytree(EXAMPLE, folder)
    return folder


def append(path: Path, line: str) -> int:
    """Add a row; returns its row number as a spreadsheet shows it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, line]) + "\n", encoding="utf-8")
    return len(lines) + 1


@pytest.mark.parametrize(("table", "line", "message"), [
    ("compounds.csv", "C13,新苑小区,小区,锦绣花园,P01,M01,S01,", "duplicate alias '锦绣花园': already names 'C01'"),
    ("compounds.csv", "C13,新苑小区,小区,,P01,,S01,", "compound 'C13' has no 社区 (community)"),
    ("compounds.csv", "C13,新苑小区,别墅区,,P01,M01,S01,", "unknown compound kind '别墅区'"),
    ("compounds.csv", "C13,新苑小区,小区,,M02,M01,S01,", "manager 'M02' is not a property_company or owner_unit"),
    ("compounds.csv", "C13,新苑小区,小区,,P01,M01,S01,文昌路九号", "cannot read address '文昌路九号'"),
    ("units.csv", "M09,新社区,community,S09,,,", "unknown parent 'S09'"),
    ("units.csv", "X01,某公司,company,,,,", "unknown unit kind 'company'"),
    ("units.csv", "U09,第二水厂,utility,,,water_utility,", "route 'water_utility' is already served by 'U01'"),
    ("units.csv", "U09,第二水厂,utility,,,water,", "unknown route code 'water'"),
])
def test_a_bad_row_is_refused_naming_the_file_and_row(tmp_path, table, line, message):
    folder = copy_example(tmp_path)
    row = append(folder / table, line)
    with pytest.raises(DirectoryError) as caught:
        load_directory(folder)
    assert f"{folder / table}: row {row}: {message}" in str(caught.value)


def test_every_problem_is_reported_at_once(tmp_path):
    folder = copy_example(tmp_path)
    append(folder / "compounds.csv", "C13,新苑小区,小区,,,,,")
    append(folder / "compounds.csv", "C14,旧苑小区,小区,,,M99,,")
    with pytest.raises(DirectoryError) as caught:
        load_directory(folder)
    assert "row 14: compound 'C13' has no 社区" in str(caught.value)
    assert "row 15: community 'M99' is not a 社区" in str(caught.value)


def test_a_missing_column_names_the_header_row(tmp_path):
    folder = copy_example(tmp_path)
    (folder / "units.csv").write_text("code,name\nS01,文昌街道\n", encoding="utf-8")
    with pytest.raises(DirectoryError, match=r"units.csv: row 1: missing column\(s\) kind"):
        load_directory(folder)


def test_an_xlsx_workbook_loads_like_the_csv_folder(tmp_path):
    csv_directory = load_directory()
    book = Workbook()
    book.remove(book.active)
    for name, columns in (("units", UNIT_COLUMNS), ("compounds", COMPOUND_COLUMNS)):
        sheet = book.create_sheet(name)
        lines = (EXAMPLE / f"{name}.csv").read_text(encoding="utf-8").splitlines()
        for line in lines:
            sheet.append(line.split(","))
        assert lines[0].split(",") == list(columns)
    book.save(tmp_path / "directory.xlsx")
    from_xlsx = load_directory(tmp_path / "directory.xlsx")
    assert from_xlsx.units == csv_directory.units and from_xlsx.compounds == csv_directory.compounds


def test_an_xlsx_without_the_compounds_sheet_says_which_sheets_it_has(tmp_path):
    book = Workbook()
    book.active.title = "units"
    book.save(tmp_path / "d.xlsx")
    with pytest.raises(DirectoryError, match="no sheet named 'compounds' \\(sheets: units\\)"):
        load_directory(tmp_path / "d.xlsx")
