"""The lifecycle's commands: unit keys, escalation once, the ledger as a spreadsheet; exact exits and lines."""

from openpyxl import load_workbook
from typer.testing import CliRunner

from service.cli import app
from service.store import Store

runner = CliRunner()


def test_a_unit_key_names_a_unit_of_the_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    result = runner.invoke(app, ["keys", "create", "--role", "unit", "--unit", "JD-CG", "--database-url", url])
    assert result.exit_code == 0, result.output
    store = Store.open(url)
    assert store.key_identity(result.output.strip()) == ("JD-CG", "unit", "JD-CG")
    store.close()
    result = runner.invoke(app, ["keys", "create", "--role", "unit", "--unit", "NOPE", "--database-url", url])
    assert result.exit_code == 2
    assert result.output.strip().startswith("Error: --unit NOPE: not a unit of ") and "escalation.yaml" in result.output
    result = runner.invoke(app, ["keys", "create", "--role", "unit", "--database-url", url])
    assert result.exit_code == 2
    assert result.output.strip() == "Error: --unit CODE goes with --role unit, and only with it"
    result = runner.invoke(app, ["keys", "create", "--role", "staff", "--unit", "JD-CG", "--database-url", url])
    assert result.exit_code == 2


def test_escalate_with_nothing_due_says_so(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    result = runner.invoke(app, ["lifecycle", "escalate", "--database-url", url, "--at", "2026-12-07T09:00:00+08:00"])
    assert (result.exit_code, result.output.strip()) == (0, "0 tickets escalated")


def test_the_ledger_export_writes_the_header_and_refuses_odd_requests(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    out = tmp_path / "empty.xlsx"
    result = runner.invoke(app, ["ledger", "export", "--from", "2026-12-01", "-o", str(out), "--database-url", url])
    assert (result.exit_code, result.output.strip()) == (0, f"0 tickets written to {out}")
    [header] = list(load_workbook(out).active.iter_rows(values_only=True))
    assert header[:4] == ("编号", "来源", "登记时间", "问题") and "满意度" in header
    result = runner.invoke(app, ["ledger", "export", "-o", str(tmp_path / "l.csv"), "--database-url", url])
    assert (result.exit_code, result.output.strip()) == (2, f"Error: -o {tmp_path / 'l.csv'}: the ledger is written "
                                                            "as .xlsx")
    result = runner.invoke(app, ["ledger", "export", "--from", "2026-12-07", "--to", "2026-12-01", "-o", str(out),
                                 "--database-url", url])
    assert (result.exit_code, result.output.strip()) == (2, "Error: --to 2026-12-01 is before --from 2026-12-07")
