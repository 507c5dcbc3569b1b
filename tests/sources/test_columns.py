"""Column maps: match by alias, keep unknown columns, never turn 'not available' into 0."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from smi.errors import SourceError
from smi.sources.columns import Column, ColumnMap, parse_date, parse_datetime, parse_int

MAP = ColumnMap("test export", [
    Column("post_id", ("Post ID",), required=True),
    Column("published_at", ("Publish time", "Date"), required=True),
    Column("reach", ("Reach",)),
    Column("engagements", ("Reactions, Comments and Shares",)),
])


def test_match_by_alias_case_and_space_insensitive():
    header = ["\ufeffPost ID", "publish  time", "Reactions, comments and shares", "Colour"]
    m = MAP.match(header, "f.csv")
    assert m.index == {"post_id": 0, "published_at": 1, "engagements": 2}
    assert m.unknown == ["Colour"]
    assert m.missing_optional == ["reach"]
    row = ["1", "2026-01-01", "undefined", "blue"]
    assert m.get(row, "engagements") is None
    assert m.get(row, "reach") is None
    assert m.extra(row) == {"Colour": "blue"}


def test_missing_required_column_is_named_with_the_fix():
    with pytest.raises(SourceError) as e:
        MAP.match(["Post ID", "Reach"], "export.csv")
    msg = str(e.value)
    assert "export.csv" in msg and "'Publish time'" in msg and "line 1" in msg and "fix:" in msg


def test_score():
    assert MAP.score(["Post ID", "Date"]) == 1.0
    assert MAP.score(["Post ID"]) == 0.5


@pytest.mark.parametrize(("text", "value"), [("1,234", 1234), (" 7 ", 7), ("-3", -3), ("", None), ("undefined", None), ("12.0", 12), ("1 234", 1234)])
def test_parse_int(text, value):
    assert parse_int(text, file="f", record="line 2", field="x") == value


def test_parse_int_rejects_text():
    with pytest.raises(SourceError, match=r"f, line 2, field 'reach': 'lots' is not a number"):
        parse_int("lots", file="f", record="line 2", field="reach")


def test_parse_datetime_offsets_and_local_time():
    kw = {"file": "f", "record": "line 2", "field": "t"}
    assert parse_datetime("2026-07-01T10:00:00Z", **kw) == datetime(2026, 7, 1, 10, tzinfo=UTC)
    # summer: London is UTC+1; winter: UTC+0
    assert parse_datetime("2026-07-01 10:00", tz="Europe/London", **kw) == datetime(2026, 7, 1, 9, tzinfo=UTC)
    assert parse_datetime("2026-01-01 10:00", tz="Europe/London", **kw) == datetime(2026, 1, 1, 10, tzinfo=UTC)
    assert parse_datetime("09/30/2025 07:00", formats=["%m/%d/%Y %H:%M"], **kw) == datetime(2025, 9, 30, 7, tzinfo=UTC)
    with pytest.raises(SourceError, match="not a date and time"):
        parse_datetime("soon", **kw)


def test_parse_date():
    assert parse_date("11/26/2026", file="f", record="r", field="d", formats=["%m/%d/%Y"]) == date(2026, 11, 26)
    with pytest.raises(SourceError):
        parse_date("26/11/2026", file="f", record="r", field="d", formats=["%m/%d/%Y"])
