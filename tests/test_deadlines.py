from datetime import datetime, timedelta, timezone

import pytest

from triage.errors import ConfigError
from triage.rules.deadlines import Deadlines

TZ = timezone(timedelta(hours=8))


def test_shipped_deadlines():
    d = Deadlines.load()
    friday = datetime(2026, 11, 20, 9, 30, tzinfo=TZ)
    assert d.due("emergency", friday) == datetime(2026, 11, 20, 11, 30, tzinfo=TZ)
    assert d.due("high", friday) == datetime(2026, 11, 21, 9, 30, tzinfo=TZ)
    assert d.due("normal", friday) == datetime(2026, 11, 27, 9, 30, tzinfo=TZ)  # skips the weekend
    assert d.describe() == {"emergency": "2 hours", "high": "24 hours", "normal": "5 working days"}


def test_a_saturday_complaint_counts_from_monday():
    saturday = datetime(2026, 11, 21, 15, 0, tzinfo=TZ)
    assert Deadlines.load().due("normal", saturday) == datetime(2026, 11, 27, 15, 0, tzinfo=TZ)


@pytest.mark.parametrize(("body", "message"), [
    ("deadlines:\n  emergency: {hours: 2}\n  high: {hours: 24}\n", r"no deadline for \['normal'\]"),
    ("deadlines:\n  emergency: {hours: -1}\n  high: {hours: 24}\n  normal: {hours: 1}\n",
     "emergency: hours must be a positive number"),
    ("deadlines:\n  emergency: {days: 1}\n  high: {hours: 24}\n  normal: {hours: 1}\n",
     "emergency: days must be a positive number"),
])
def test_invalid_files_name_the_file_and_entry(tmp_path, body, message):
    path = tmp_path / "deadlines.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        Deadlines.load(path)
    assert str(info.value).startswith(str(path))
