"""`triage tag --directory`: a backlog tagged with the unit and place the dispatch directory names, as the
service answers with it; without the option the columns stay as they were."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from service.cli import app
from triage.datafiles import default_data_path

EXAMPLE = default_data_path("directory_example")
ROWS = [{"id": "a", "text": "锦绣花园小区楼道灯坏了一个月"}, {"id": "b", "text": "幸福里小区楼道灯坏了，物业不管"},
        {"id": "c", "text": ""}]


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def backlog(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS), encoding="utf-8")
    return source


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_row_gets_the_unit_and_place_the_directory_names(backlog, tmp_path, small_models_dir, jobs):
    out = tmp_path / "out.csv"
    result = run("tag", backlog, "-o", out, "--directory", EXAMPLE, "-j", jobs, "--models", small_models_dir)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert list(rows[0])[-3:] == ["unit_code", "unit_name", "place"]
    first, second = rows
    assert (first["unit_code"], first["unit_name"]) == ("P01", "安居物业服务有限公司")
    assert "锦绣花园" in first["place"]
    # a compound the directory does not have: the place is still read, no unit is named
    assert (second["unit_code"], second["unit_name"], second["place"]) == ("", "", "幸福里小区")


def test_without_a_directory_the_columns_are_unchanged(backlog, tmp_path, small_models_dir):
    out = tmp_path / "out.jsonl"
    assert run("tag", backlog, "-o", out, "--models", small_models_dir).exit_code == 0
    assert not {"unit_code", "unit_name", "place"} & set(json.loads(out.read_text().splitlines()[0]))


def test_a_broken_directory_is_refused_naming_the_row(backlog, tmp_path, small_models_dir):
    broken = tmp_path / "directory"
    broken.mkdir()
    for name in ("units.csv", "compounds.csv"):
        (broken / name).write_text((EXAMPLE / name).read_text(encoding="utf-8"), encoding="utf-8")
    units = (broken / "units.csv").read_text(encoding="utf-8").replace("M01,文昌社区居委会,community,S01",
                                                                        "M01,文昌社区居委会,community,S99")
    (broken / "units.csv").write_text(units, encoding="utf-8")
    result = run("tag", backlog, "-o", tmp_path / "out.csv", "--directory", broken, "--models", small_models_dir)
    assert result.exit_code == 1 and "S99" in result.stderr and "units.csv" in result.stderr
    assert not (tmp_path / "out.csv").exists()
