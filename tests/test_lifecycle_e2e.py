"""A ticket's whole life on SQLite and PostgreSQL: posted, dispatched to a 社区, overdue on a fake clock,
escalated to the 街道, a measure recorded, closed, visited, and every step found in the ledger export."""

from datetime import timedelta

from lifecycle_helpers import FakeClock, lifecycle_client
from openpyxl import load_workbook
from typer.testing import CliRunner

from service.cli import app as cli

runner = CliRunner()


def test_a_ticket_from_intake_to_the_ledger(triager, tmp_path, database_url, monkeypatch):
    monkeypatch.setenv("TRIAGE_DATABASE_URL", database_url)
    clock = FakeClock()  # Monday 2026-12-07 09:00 in the city
    with lifecycle_client(triager, tmp_path, clock, database_url=database_url) as api:
        staff, street = api.key("staff"), api.key("unit", "JD-CG")
        text = "幸福里小区3号楼停水两天了，联系电话13812345678"
        posted = api.post("/v1/triage", json={"text": text, "channel": "hotline", "store": True}).json()
        ticket = posted["id"]
        api.post(f"/v1/tickets/{ticket}/corrections", json={"urgency": "normal"}, headers=staff)

        clock.advance(minutes=30)
        life = api.post(f"/v1/tickets/{ticket}/transitions", json={"action": "dispatch", "version": 0,
                                                                   "unit": "SQ-XFL"}, headers=staff).json()
        assert (life["level_name"], life["deadline"]) == ("社区", "2026-12-09T09:30:00+08:00")  # 2 working days

        clock.advance(days=2, minutes=1)  # Wednesday 09:31: the 社区's deadline has passed
        assert api.get(f"/v1/tickets/{ticket}/lifecycle", headers=staff).json()["overdue"] is True
        at = clock.now.isoformat(timespec="seconds")
        result = runner.invoke(cli, ["lifecycle", "escalate", "--at", at])
        assert result.exit_code == 0, result.output
        assert f'"ticket": "{ticket}", "unit": "JD-CG", "level": "street"' in result.output

        life = api.get(f"/v1/tickets/{ticket}/lifecycle", headers=street).json()
        assert (life["state"], life["unit"]["name"], life["level_name"]) == ("dispatched", "城关街道办事处", "街道")
        assert life["deadline"] == "2026-12-16T09:31:00+08:00" and life["overdue"] is False
        assert api.get(f"/v1/tickets/{ticket}/lifecycle", headers=api.key("unit", "SQ-XFL")).status_code == 403

        clock.advance(hours=1)
        api.post(f"/v1/tickets/{ticket}/transitions", json={"action": "accept", "version": 2}, headers=street)
        for kind, text in (("progress", "已联系供水公司排查"), ("measure", "更换3号楼进水阀门，恢复供水")):
            assert api.post(f"/v1/tickets/{ticket}/rectifications", json={"kind": kind, "text": text},
                            headers=street).status_code == 201
        clock.advance(hours=3)
        api.post(f"/v1/tickets/{ticket}/transitions", json={"action": "close", "version": 3}, headers=street)
        clock.advance(days=1)
        life = api.post(f"/v1/tickets/{ticket}/transitions", json={"action": "visit", "version": 4,
                                                                   "satisfaction": "satisfied"}, headers=staff).json()
        assert [h["action"] for h in life["history"]] == ["dispatch", "escalate", "accept", "close", "visit"]

        ledger = api.get("/v1/ledger", params={"from": "2026-12-07"}, headers=street).json()["rows"]
        assert [row["编号"] for row in ledger] == [ticket]
        summary = api.get("/v1/ledger/summary", headers=staff).json()
        assert summary["solved_at"] == {"community": 0, "street": 1, "district": 0}
        assert summary["satisfaction_rate"] == 1.0 and summary["overdue_rate"] == 0.0

    out = tmp_path / "ledger.xlsx"
    result = runner.invoke(cli, ["ledger", "export", "--from", "2026-12-07", "--to", "2026-12-13", "-o", str(out)])
    assert result.exit_code == 0, result.output
    [header, row] = [list(r) for r in load_workbook(out).active.iter_rows(values_only=True)]
    row = dict(zip(header, row, strict=True))
    assert {k: row[k] for k in ("编号", "来源", "登记时间", "责任单位", "层级", "状态", "整改措施", "进展", "完成时限",
                                "是否超期", "满意度")} == {
        "编号": ticket, "来源": "12345热线", "登记时间": "2026-12-07 09:00", "责任单位": "城关街道办事处",
        "层级": "街道", "状态": "已回访", "整改措施": "更换3号楼进水阀门，恢复供水", "进展": "已联系供水公司排查",
        "完成时限": "2026-12-16 09:31", "是否超期": "否", "满意度": "满意"}
    assert "13812345678" not in row["问题"] and "停水" in row["问题"]
    steps = row["处理过程"].splitlines()
    assert [s.split(" ")[2].split("：")[0] for s in steps] == ["派单", "升级", "签收", "办结", "回访"]
    assert "交幸福里社区居委会" in steps[0] and "交城关街道办事处" in steps[1] and "满意" in steps[4]
    assert (clock.now - timedelta(days=1)).strftime("%Y-%m-%d") in steps[3]
