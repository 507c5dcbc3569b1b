"""TikTok Studio analytics exports.

Real files: `FollowerHistory.csv` and `Viewers.csv` (and the two demographics files) in
../shared/data/real/meta-facebook-page-pcmerchandise, which are TikTok Studio's layout (see
that folder's PROVENANCE). No licence: read in place, copied only into tmp folders. The
expected numbers are recounted in each test with Python's csv module, independently of smi:

    FollowerHistory.csv: 60 rows, "August 18" 22551 ... "October 16" 22788; the "Difference in
      followers from previous day" column equals followers[D+1] - followers[D] on 59 of 59 days.
    Viewers.csv: 60 rows, "August 19" ... "October 17"; the last row's total is `undefined`.

No real Overview.csv or Content.csv exists here: those tests write files in the documented
layout (Overview: Date, Video Views, Profile Views, Likes, Comments, Shares; Content: Time,
Video title, Video link, Post time, Total likes, Total comments, Total shares, Total views).
"""

from __future__ import annotations

import csv
import shutil
from datetime import date, timedelta

import pytest

from smi.sources.tiktok_studio import MonthDay, place_in_years
from smi.workspace import Workspace

FOLDER = "meta-facebook-page-pcmerchandise"


def _csv(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _rows(ws, sql: str) -> list[tuple]:
    with Workspace.open(ws) as w:
        return [tuple(r.values()) for r in w.store.rows(sql)]


@pytest.fixture
def tiktok_folder(real, tmp_path):
    folder = tmp_path / "tiktok"
    folder.mkdir()
    for part in ("page-level-metrics/FollowerHistory.csv", "page-level-metrics/Viewers.csv",
                 "demographics/FollowerGender.csv", "demographics/FollowerTopTerritories.csv"):
        shutil.copy(real(FOLDER, *part.split("/")), folder)
    return folder


def test_real_followers_and_viewers(tiktok_folder, make_ws, cli, status):
    ws = make_ws()
    res = cli("import", "-w", ws, tiktok_folder, "--account", "@pcmerchandise", "--as-of", "2025-10-19")
    out = " ".join(res.output.split())
    assert "kept, not analysed" in out and "FollowerGender.csv (follower gender)" in out
    hist = _csv(tiktok_folder / "FollowerHistory.csv")
    views = _csv(tiktok_folder / "Viewers.csv")
    # 18 Aug .. 17 Oct 2025: 61 days between the two files
    assert status(ws)["platforms"]["tiktok"]["audience_days"] == 61
    got = dict(_rows(ws, "SELECT date, followers FROM audience_daily WHERE followers IS NOT NULL ORDER BY date"))
    assert len(got) == len(hist) == 60
    assert got[date(2025, 8, 18)] == int(hist[0]["Followers"]) == 22551
    assert got[date(2025, 10, 16)] == int(hist[-1]["Followers"]) == 22788
    # viewers: `undefined` is not 0, and the day's 0 new / 0 returning are not read either
    last = _rows(ws, "SELECT viewers, new_viewers, returning_viewers FROM audience_daily WHERE date = '2025-10-17'")
    assert views[-1]["Total Viewers"] == "undefined" and last == [(None, None, None)]
    total = sum(int(r["Total Viewers"]) for r in views if r["Total Viewers"] != "undefined")
    returning = sum(int(r["Returning Viewers"]) for r in views if r["Total Viewers"] != "undefined")
    assert _rows(ws, "SELECT sum(viewers), sum(returning_viewers) FROM audience_daily") == [(total, returning)]
    # the catalogue reads them: September's growth and returning share, recounted from the files
    by_day = {r["Date"]: int(r["Followers"]) for r in hist}
    growth = by_day["September 30"] - by_day["September 1"]
    sept = [r for r in views if r["Date"].startswith("September")]
    share = sum(int(r["Returning Viewers"]) for r in sept) / sum(int(r["Total Viewers"]) for r in sept)
    import json

    g = json.loads(cli("metric", "net_follower_growth", "--month", "2025-09", "--format", "json", "-w", ws).stdout)
    s = json.loads(cli("metric", "returning_viewer_share", "--month", "2025-09", "--format", "json", "-w", ws).stdout)
    assert g["rows"][0]["value"] == growth
    assert s["rows"][0]["value"] == pytest.approx(share)


def test_year_is_assumed_and_said(tiktok_folder, make_ws, cli):
    """Without --observed-at the year comes from the files' modification time, and the summary says so."""
    ws = make_ws()
    res = cli("import", "-w", ws, tiktok_folder, "--account", "@pcmerchandise")
    out = " ".join(res.output.split())
    assert "TikTok dates have no year" in out and "modification time" in out and "--as-of" in out


def test_years_step_back_across_new_year():
    days = [MonthDay(12, 30, None), MonthDay(12, 31, None), MonthDay(1, 1, None), MonthDay(1, 2, None)]
    assert place_in_years(days, date(2026, 1, 5)) == [date(2025, 12, 30), date(2025, 12, 31),
                                                       date(2026, 1, 1), date(2026, 1, 2)]
    # a last day after the export's day is last year's
    assert place_in_years([MonthDay(12, 31, None)], date(2026, 6, 1)) == [date(2025, 12, 31)]


def test_overview_and_content(tmp_path, make_ws, cli, status):
    folder = tmp_path / "export"
    folder.mkdir()
    start = date(2026, 10, 1)
    with open(folder / "Overview.csv", "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL)
        w.writerow(["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"])
        for i in range(10):
            d = start + timedelta(days=i)
            w.writerow([f"{d:%B} {d.day}", 100 + i, 10 + i, 5, 1, 0])
    with open(folder / "Content.csv", "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL)
        w.writerow(["Time", "Video title", "Video link", "Post time", "Total likes", "Total comments",
                    "Total shares", "Total views"])
        w.writerow(["October 12", "Rehearsal day #panto", "https://www.tiktok.com/@theatr/video/7420000000000000001",
                    "October 3", "120", "8", "4", "2300"])
        w.writerow(["October 12", "Backstage", "https://www.tiktok.com/@theatr/video/7420000000000000002",
                    "October 9", "undefined", "2", "0", "900"])
    ws = make_ws("Europe/London")
    cli("import", "-w", ws, folder, "--account", "@theatr", "--as-of", "2026-10-12")
    st = status(ws)["platforms"]["tiktok"]
    assert st["audience_days"] == 10
    assert _rows(ws, "SELECT sum(views), sum(visits) FROM audience_daily") == [(sum(range(100, 110)), sum(range(10, 20)))]
    posts = _rows(ws, "SELECT native_id, format, timezone('Europe/London', published_at)::DATE, hashtags "
                      "FROM posts ORDER BY native_id")
    assert posts == [("7420000000000000001", "video", date(2026, 10, 3), ["panto"]),
                     ("7420000000000000002", "video", date(2026, 10, 9), None)]
    m = _rows(ws, "SELECT reactions, comments, shares, views, video_views FROM post_metrics ORDER BY post_key")
    assert m == [(120, 8, 4, 2300, 2300), (None, 2, 0, 900, 900)]  # `undefined` likes: not available, not 0


def test_a_bad_date_names_file_line_and_field(tmp_path, make_ws, cli):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "FollowerHistory.csv").write_text(
        '\ufeff"Date","Followers","Difference in followers from previous day"\n"August 18","10","1"\n'
        '"Agust 19","11","0"\n', encoding="utf-8")
    ws = make_ws()
    res = cli("import", "-w", ws, folder, "--account", "@x", ok=False)
    out = " ".join(res.output.split())
    assert res.exit_code != 0 and "FollowerHistory.csv, line 3, field 'Date'" in out and "fix:" in out
    assert _rows(ws, "SELECT count(*) FROM audience_daily") == [(0,)]


def test_viewers_survive_the_canonical_csv_round_trip(tiktok_folder, make_ws, cli, tmp_path):
    ws = make_ws()
    cli("import", "-w", ws, tiktok_folder, "--account", "@pcmerchandise", "--as-of", "2025-10-19")
    cli("export", "csv", "--out", tmp_path / "out", "-w", ws)
    again = make_ws()
    cli("import", "-w", again, tmp_path / "out" / "audience.csv")
    sql = "SELECT sum(followers), sum(viewers), sum(new_viewers), sum(returning_viewers), count(*) FROM audience_daily"
    assert _rows(again, sql) == _rows(ws, sql)
