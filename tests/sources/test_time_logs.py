"""Staff time logs: Toggl Track and Clockify detailed reports, and canonical effort.csv."""

from __future__ import annotations

from pathlib import Path

import pytest

from smi.errors import ProfileError, SourceError
from smi.importer import run_import
from smi.workspace import Workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TOGGL = FIXTURES / "time_logs" / "toggl_detailed.csv"
CLOCKIFY = FIXTURES / "time_logs" / "clockify_detailed.csv"
EFFORT = FIXTURES / "canonical_csv" / "effort.csv"

MAPPING = """
[effort.platforms]
"Newsletter" = "none"
"Social media" = "x"
"Website" = "none"
"Admin" = "none"

[effort.activities]
"Planning" = "plan"
"Newsletter" = "create"
"Admin" = "other"
"Website" = "other"

[effort.people]
"dafydd" = "Dafydd Evans"
"""


def _import(ws_path: Path, *paths: Path):
    with Workspace.open(ws_path) as ws:
        return run_import(ws, list(paths))


def _rows(ws_path: Path, sql: str) -> list[dict]:
    with Workspace.open(ws_path) as ws:
        return ws.store.rows(sql)


def _map(ws_path: Path) -> None:
    toml = ws_path / "workspace.toml"
    toml.write_text(toml.read_text() + MAPPING)


def test_toggl_detailed_report_imports_with_exact_counts(make_ws):
    ws = make_ws("UTC")
    report = _import(ws, TOGGL)
    (result,) = report.results
    assert result.source == "toggl" and result.status == "imported"
    rows = _rows(ws, "SELECT * FROM effort ORDER BY date, minutes")
    assert len(rows) == 6
    assert sum(r["minutes"] for r in rows) == 90 + 15 + 60 + 45 + 20 + 10
    assert [(r["platform"], r["activity"]) for r in rows] == [
        ("instagram", "create"),  # 1 Jul, 15 min: project "Instagram posts"
        ("instagram", "create"),  # 1 Jul, 90 min: tag "Design"
        ("x", "monitor"),  # tags "Twitter, Monitoring"
        (None, "other"),  # Newsletter
        (None, "other"),  # Social media / Planning
        (None, "other"),  # Admin
    ]
    assert {r["source"] for r in rows} == {"toggl"}
    assert rows[0]["note"] == "Replies to comments"
    # One warning counts the unmapped rows, names them and says how to map them.
    (warning,) = result.warnings
    assert "3 of 6 time entries" in warning
    assert "'Admin'" in warning and "'Newsletter'" in warning and "'Social media'" in warning
    assert "workspace.toml" in warning and "effort.platforms" in warning


def test_the_profile_maps_projects_tags_and_people(make_ws):
    ws = make_ws("UTC")
    _map(ws)
    report = _import(ws, TOGGL, CLOCKIFY)
    assert all(not r.warnings for r in report.results), [r.warnings for r in report.results]
    toggl = _rows(ws, "SELECT person, platform, activity, minutes FROM effort WHERE source = 'toggl' ORDER BY date, minutes")
    assert [r["person"] for r in toggl] == ["Ceri Jones", "Ceri Jones", "Dafydd Evans", "Ceri Jones", "Dafydd Evans", "Dafydd Evans"]
    assert [(r["platform"], r["activity"]) for r in toggl] == [
        ("instagram", "create"), ("instagram", "create"), ("x", "monitor"), (None, "create"), ("x", "plan"), (None, "other"),
    ]


def test_clockify_detailed_report_with_us_dates_and_12_hour_times(make_ws):
    ws = make_ws("UTC")
    (result,) = _import(ws, CLOCKIFY).results
    assert result.source == "clockify" and result.status == "imported"
    rows = _rows(ws, "SELECT date::VARCHAR d, minutes, platform, activity, person FROM effort ORDER BY date, minutes")
    assert [(r["d"], r["minutes"]) for r in rows] == [
        ("2026-07-01", 30.0), ("2026-07-01", 75.0), ("2026-07-14", 60.0), ("2026-07-15", 45.0),
    ]
    assert [(r["platform"], r["activity"]) for r in rows] == [
        ("facebook", "engage"), ("facebook", "create"), ("linkedin", "report"), (None, "other"),
    ]
    assert "1 of 4 time entries" in result.warnings[0] and "'Website'" in result.warnings[0]


def test_an_overlapping_toggl_export_does_not_duplicate(make_ws, tmp_path):
    ws = make_ws("UTC")
    lines = TOGGL.read_text().splitlines()
    header, body = lines[0], lines[1:]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "Toggl_time_entries_1.csv").write_text("\n".join([header, *body[:4]]) + "\n")
    (tmp_path / "b" / "Toggl_time_entries_2.csv").write_text("\n".join([header, *body[2:]]) + "\n")
    _import(ws, tmp_path / "a")
    assert _rows(ws, "SELECT count(*) n, sum(minutes) m FROM effort")[0] == {"n": 4, "m": 90 + 15 + 60 + 45}
    (result,) = _import(ws, tmp_path / "b").results
    assert result.counts["effort"] == {"new": 2, "updated": 0, "unchanged": 2}
    assert _rows(ws, "SELECT count(*) n, sum(minutes) m FROM effort")[0] == {"n": 6, "m": 240}


def test_identical_entries_in_one_file_both_count_and_stay_counted_once(make_ws, tmp_path):
    ws = make_ws("UTC")
    lines = TOGGL.read_text().splitlines()
    twice = tmp_path / "one" / "toggl.csv"
    twice.parent.mkdir()
    twice.write_text("\n".join([lines[0], lines[1], lines[1]]) + "\n")
    thrice = tmp_path / "two" / "toggl.csv"
    thrice.parent.mkdir()
    thrice.write_text("\n".join([lines[0], lines[1], lines[1], lines[1]]) + "\n")
    _import(ws, twice)
    assert _rows(ws, "SELECT count(*) n FROM effort")[0]["n"] == 2
    _import(ws, thrice)
    assert _rows(ws, "SELECT count(*) n FROM effort")[0]["n"] == 3


def test_an_overlapping_canonical_effort_file_does_not_duplicate(make_ws, tmp_path, status):
    ws = make_ws("UTC")
    _import(ws, EFFORT)
    lines = EFFORT.read_text().splitlines()
    later = tmp_path / "2026-07-effort.csv"
    later.write_text("\n".join([lines[0], *lines[2:], "Ceri Jones,2026-07-04,25,instagram,create,New"]) + "\n")
    (result,) = _import(ws, later).results
    assert result.counts["effort"] == {"new": 1, "updated": 0, "unchanged": 5}
    assert status(ws)["effort_entries"] == 7
    assert _rows(ws, "SELECT sum(minutes) m FROM effort")[0]["m"] == 215.5 + 25


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (["13/07/2026", "01/07/2026"], ["2026-07-13", "2026-07-01"]),  # day first: 13 > 12
        (["07/13/2026", "07/01/2026"], ["2026-07-13", "2026-07-01"]),  # month first: 13 > 12
        (["01.07.2026", "02.07.2026"], ["2026-07-01", "2026-07-02"]),  # dotted: always day first
        (["2026-07-01", "2026-07-02"], ["2026-07-01", "2026-07-02"]),
        (["13-07-2026", "01-07-26"], ["2026-07-13", "2026-07-01"]),
    ],
)
def test_day_and_month_order_is_decided_from_the_file(make_ws, tmp_path, dates, expected):
    ws = make_ws("UTC")
    head = "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags"
    rows = [f"Ceri,,,Instagram,,d{i},No,{d},09:00:00,{d},10:00:00,1:00:00," for i, d in enumerate(dates)]
    f = tmp_path / "toggl.csv"
    f.write_text("\n".join([head, *rows]) + "\n")
    (result,) = _import(ws, f).results
    assert result.status == "imported", result.error
    got = _rows(ws, "SELECT date::VARCHAR d FROM effort ORDER BY note")
    assert [r["d"] for r in got] == expected


def test_an_ambiguous_date_format_is_an_error_with_a_fix(make_ws, tmp_path):
    ws = make_ws("UTC")
    f = tmp_path / "Clockify_Time_Report_Detailed.csv"
    text = CLOCKIFY.read_text().replace("07/14/2026", "07/04/2026").replace("07/15/2026", "07/05/2026")
    f.write_text(text)
    with Workspace.open(ws) as w:
        before = w.store.snapshot()
    (result,) = _import(ws, f).results
    assert result.status == "failed"
    err = result.error
    assert isinstance(err, SourceError)
    assert "cannot tell whether '07/01/2026' is day/month or month/day" in str(err)
    assert err.record == "line 2" and err.field == "Start date"
    assert "YYYY-MM-DD" in err.fix
    with Workspace.open(ws) as w:
        assert w.store.snapshot() == before


def test_a_bad_duration_names_the_line_and_column(make_ws, tmp_path):
    ws = make_ws("UTC")
    lines = TOGGL.read_text().splitlines()
    lines[5] = lines[5].replace("00:20:00", "twenty")
    f = tmp_path / "toggl.csv"
    f.write_text("\n".join(lines) + "\n")
    (result,) = _import(ws, f).results
    assert result.status == "failed"
    assert result.error.record == "line 6" and result.error.field == "Duration"
    assert "'twenty' is not a duration" in str(result.error)


def test_an_unknown_platform_in_the_mapping_is_a_profile_error(make_ws):
    ws = make_ws("UTC")
    toml = ws / "workspace.toml"
    toml.write_text(toml.read_text() + '\n[effort.platforms]\n"Instagram posts" = "insta"\n')
    (result,) = _import(ws, TOGGL).results
    assert result.status == "failed"
    assert isinstance(result.error, ProfileError)
    assert "insta" in str(result.error) and "instagram" in result.error.fix
