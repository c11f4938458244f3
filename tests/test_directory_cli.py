"""``triage directory``: import (refused whole, every bad row named), show, export with contacts masked."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from service.cli import app

EXAMPLE = Path(__file__).resolve().parent.parent / "triage" / "data" / "directory_example"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_import_show_and_export(tmp_path):
    url = f"sqlite:///{tmp_path / 'triage.db'}"
    assert run("directory", "show", "--database-url", url).output == \
        "no directory has been imported (triage directory import FILE)\n"
    imported = run("directory", "import", EXAMPLE, "--by", "王芳", "--database-url", url)
    assert imported.exit_code == 0
    assert imported.output == f"directory version 1: 19 units, 12 compounds, from {EXAMPLE}\n"
    shown = run("directory", "show", "--database-url", url).output.splitlines()
    assert shown[0].startswith("* version 1  ") and "by 王芳" in shown[0]
    assert "C08  农机厂家属院  家属院  no manager: its 社区  河西社区居委会  河西街道办事处" in shown
    assert "C01  锦绣花园小区  小区  安居物业服务有限公司 (property_company)  文昌社区居委会  文昌街道办事处" in shown
    exported = run("directory", "export", "-o", tmp_path / "out.xlsx", "--database-url", url)
    assert exported.exit_code == 0 and exported.output == f"wrote {tmp_path / 'out.xlsx'}\n"
    again = run("directory", "import", tmp_path / "out.xlsx", "--database-url", url)
    assert again.output.startswith("directory version 2: 19 units, 12 compounds")
    assert run("directory", "show", "--database-url", url).output.splitlines()[:2][1].startswith("  version 1 ")


def test_a_bad_directory_is_not_imported_and_every_row_is_named(tmp_path):
    url = f"sqlite:///{tmp_path / 'triage.db'}"
    folder = tmp_path / "bad"
    shutil.copytree(EXAMPLE, folder)
    with open(folder / "compounds.csv", "a", encoding="utf-8") as f:
        f.write("C13,新苑小区,小区,锦绣花园,P01,M01,S01,\nC14,旧苑,小区,,P01,,S01,\n")
    result = run("directory", "import", folder, "--database-url", url)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"Error: {folder}: not imported:"
    assert lines[1:] == [f"{folder / 'compounds.csv'}: row 14: duplicate alias '锦绣花园': already names 'C01' "
                         f"({folder / 'compounds.csv'}: row 2)",
                         f"{folder / 'compounds.csv'}: row 15: compound 'C14' has no 社区 (community)"]
    assert "no directory has been imported" in run("directory", "show", "--database-url", url).output


def test_export_without_a_directory_says_how_to_import_one(tmp_path):
    result = run("directory", "export", "-o", tmp_path / "x.xlsx", "--database-url", f"sqlite:///{tmp_path / 'd.db'}")
    assert result.exit_code == 1
    assert result.output == "Error: no directory has been imported (triage directory import FILE)\n"
