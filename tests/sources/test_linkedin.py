"""LinkedIn Page analytics: the real raw .xls of Ethioware and the CSV conversions of Women in
AI USA (both without an open licence: read in place through the `real` fixture, never copied
into tests/fixtures).

Expected numbers were checked by hand against the files, independently of smi, with xlrd
and Python's csv module (a few lines each):

    xlrd 'All posts': rows 3..55 -> 53 posts, 53 distinct `Post link`s, none empty;
        `Created date` min 08/07/2024, max 07/28/2025; sums Impressions 48,922, Clicks 6,772,
        Likes 677, Comments 172, Reposts 89; Views given for 6 posts (sum 2,890), exactly the
        6 with `Content Type` = Video; `Follows` empty in all 53.
    xlrd 'Metrics': rows 3..367 -> 365 days 07/30/2024..07/29/2025; Impressions (total)
        sum 50,998.
    csv women_in_ai_usa_followers.csv: 365 rows 2025-02-08..2026-02-07; `Total followers`
        sum 2,200, negative (-1) on 2025-03-30, 2025-07-17, 2025-11-11.
    csv women_in_ai_usa_clean.csv: 365 rows 2025-01-28..2026-01-27; Impressions (total)
        sum 170,398 (the owner's README says the same).
    The two CSVs' days together: 2025-01-28..2026-02-07 = 4 + 365 + 7 = 376 days.
"""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from smi.workspace import Workspace

ETHIOWARE = "linkedin-page-ethioware"
XLS = "Linkedin 1 year stat.xls"
WOMENINAI = "linkedin-page-womeninai-usa"
ACCOUNT = "linkedin:ethioware"
# audience days: the Metrics sheet's 365 days, each with its page impressions (migration 0008)
CONTENT_STATUS = {"posts": 53, "replies": 0, "reposts": 0, "interactions": 0, "audience_days": 365,
                  "first": "2024-08-07", "last": "2025-07-28"}


def _rows(ws, sql, params=()):
    with Workspace.open(ws) as w:
        return w.store.rows(sql, params)


def _snapshot(ws):
    with Workspace.open(ws) as w:
        return w.store.snapshot()


def _check_content(ws):
    """The numbers of the Ethioware content export, however it reached smi."""
    sums = _rows(ws, "SELECT count(*) AS n, sum(impressions) AS impressions, sum(clicks) AS clicks, "
                     "sum(reactions) AS reactions, sum(comments) AS comments, sum(shares) AS shares, "
                     "sum(video_views) AS video_views, count(video_views) AS with_views, "
                     "count(reach) AS with_reach, count(saves) AS with_saves FROM post_metrics")
    assert sums == [{"n": 53, "impressions": 48922, "clicks": 6772, "reactions": 677, "comments": 172,
                     "shares": 89, "video_views": 2890, "with_views": 6, "with_reach": 0, "with_saves": 0}]
    assert _rows(ws, "SELECT format, count(*) AS n FROM posts GROUP BY 1 ORDER BY 1 NULLS FIRST") == [
        {"format": None, "n": 47}, {"format": "video", "n": 6}]
    first = _rows(ws, "SELECT p.native_id, p.published_at::DATE AS day, p.url, p.extra->>'Engagement rate' AS er, "
                      "m.impressions, m.clicks, m.reactions, m.comments, m.shares FROM posts p "
                      "JOIN post_metrics m USING (post_key) WHERE p.text LIKE 'Call for Junior Creatives%'")
    assert first == [{"native_id": "urn:li:activity:7355562008013860867", "day": date(2025, 7, 28),
                      "url": "https://www.linkedin.com/feed/update/urn:li:activity:7355562008013860867",
                      "er": "0.06203007698059082", "impressions": 532, "clicks": 27, "reactions": 5,
                      "comments": 0, "shares": 1}]
    # PROVENANCE: (27 clicks + 5 likes + 0 comments + 1 repost) / 532 impressions = its engagement rate
    assert round((27 + 5 + 0 + 1) / 532, 4) == round(float(first[0]["er"]), 4)
    days = _rows(ws, "SELECT count(*) AS n, min(item_key) AS first, max(item_key) AS last, "
                     "sum((payload->>'Impressions (total)')::DOUBLE) AS impressions "
                     "FROM raw_items WHERE kind = 'page_daily'")
    assert days == [{"n": 365, "first": "2024-07-30", "last": "2025-07-29", "impressions": 50998.0}]
    aud = _rows(ws, "SELECT count(*) AS n, min(date) AS first, max(date) AS last, sum(impressions) AS impressions, "
                    "count(gained) AS gained, count(visits) AS visits FROM audience_daily")
    assert aud == [{"n": 365, "first": date(2024, 7, 30), "last": date(2025, 7, 29), "impressions": 50998,
                    "gained": 0, "visits": 0}]


def test_real_content_xls(real, make_ws, cli, status):
    ws = make_ws()
    res = cli("import", "-w", ws, "--account", "@Ethioware", real(ETHIOWARE))
    assert "posts 53 new" in res.output
    assert "365 days of page-level totals" in res.output
    assert "does not name" not in res.output
    assert status(ws)["platforms"] == {"linkedin": CONTENT_STATUS}
    assert _rows(ws, "SELECT account_id, handle FROM accounts") == [{"account_id": ACCOUNT, "handle": "ethioware"}]
    assert _rows(ws, "SELECT DISTINCT account_id FROM posts") == [{"account_id": ACCOUNT}]
    _check_content(ws)
    # The file's name has no export time: its numbers are dated the last day of its Metrics
    # sheet (07/29/2025, by hand), not the file's modification time.
    assert _rows(ws, "SELECT DISTINCT observed_at::DATE AS d FROM post_metrics") == [{"d": date(2025, 7, 29)}]
    assert "file modified time" not in res.output


def test_account_from_profile_or_placeholder(real, make_ws, cli):
    ws = make_ws()
    cli("accounts", "add", "-w", ws, "linkedin:@ethioware")
    res = cli("import", "-w", ws, real(ETHIOWARE, XLS))
    assert "does not name" not in res.output
    assert _rows(ws, "SELECT DISTINCT account_id FROM posts") == [{"account_id": ACCOUNT}]

    ws2 = make_ws()
    res = cli("import", "-w", ws2, real(ETHIOWARE, XLS))
    assert "linkedin:unnamed" in res.output and "--account" in res.output
    assert _rows(ws2, "SELECT DISTINCT account_id FROM posts") == [{"account_id": "linkedin:unnamed"}]

    ws3 = make_ws()
    res = cli("import", "-w", ws3, "--account", "youtube:@ethioware", real(ETHIOWARE, XLS), ok=False)
    assert res.exit_code == 1 and "names a youtube account" in res.output


def test_real_csv_conversions(real, make_ws, cli, status):
    ws = make_ws()
    res = cli("import", "-w", ws, "--account", "linkedin:@womeninaiusa", real(WOMENINAI))
    assert "audience daily 365 new" in res.output
    # the two columns the project appended are not LinkedIn's: ignored, and said so
    assert "Cumulative Followers, Followers 7d Avg" in res.output
    assert status(ws)["platforms"] == {"linkedin": {
        "posts": 0, "replies": 0, "reposts": 0, "interactions": 0, "audience_days": 376,
        "first": "2025-01-28", "last": "2026-02-07"}}
    aud = _rows(ws, "SELECT count(*) AS n, sum(gained) AS gained, count(gained) AS gained_days, "
                    "sum(impressions) AS impressions, count(impressions) AS impression_days, "
                    "count(followers) AS followers, count(lost) AS lost, count(visits) AS visits "
                    "FROM audience_daily WHERE account_id = 'linkedin:womeninaiusa'")
    assert aud == [{"n": 376, "gained": 2200, "gained_days": 365, "impressions": 170398, "impression_days": 365,
                    "followers": 0, "lost": 0, "visits": 0}]
    negative = _rows(ws, "SELECT date, gained FROM audience_daily WHERE gained < 0 ORDER BY date")
    assert negative == [{"date": date(2025, 3, 30), "gained": -1}, {"date": date(2025, 7, 17), "gained": -1},
                        {"date": date(2025, 11, 11), "gained": -1}]  # kept as given
    days = _rows(ws, "SELECT count(*) AS n, min(item_key) AS first, max(item_key) AS last, "
                     "sum((payload->>'Impressions (total)')::DOUBLE) AS impressions FROM raw_items")
    assert days == [{"n": 365, "first": "2025-01-28", "last": "2026-01-27", "impressions": 170398.0}]


def test_import_twice_changes_nothing(real, make_ws, cli, status):
    ws = make_ws()
    cli("import", "-w", ws, "--account", "@ethioware", real(ETHIOWARE), real(WOMENINAI))
    first, snap = status(ws), _snapshot(ws)
    res = cli("import", "-w", ws, "--account", "@ethioware", real(ETHIOWARE), real(WOMENINAI))
    assert res.output.count("already imported") == 3
    assert status(ws) == first
    assert _snapshot(ws) == snap


def _to_xlsx(src, dest, change=None):
    """Write the real .xls as an .xlsx (numbers stay numbers), optionally changing one cell."""
    import openpyxl
    import xlrd

    book = xlrd.open_workbook(src)
    out = openpyxl.Workbook()
    out.remove(out.active)
    for sh in book.sheets():
        ws = out.create_sheet(sh.name)
        for r in range(sh.nrows):
            ws.append([None if v == "" else v for v in sh.row_values(r)])
    if change:
        sheet, cell, value = change
        out[sheet][cell] = value
    out.save(dest)


def test_xlsx_reads_like_xls(real, make_ws, cli, status, tmp_path):
    path = tmp_path / "ethioware_content_1753920000000.xlsx"
    _to_xlsx(real(ETHIOWARE, XLS), path)
    ws = make_ws()
    cli("import", "-w", ws, "--account", "@ethioware", path)
    assert status(ws)["platforms"] == {"linkedin": CONTENT_STATUS}
    _check_content(ws)
    # the export time LinkedIn puts in its file names (epoch ms) is when the numbers were true
    assert _rows(ws, "SELECT DISTINCT epoch_ms(observed_at) AS t FROM post_metrics") == [{"t": 1753920000000}]


def test_corrupted_cell_names_file_row_and_field(real, make_ws, cli, tmp_path):
    ws = make_ws()
    cli("import", "-w", ws, "--account", "@ethioware", real(WOMENINAI))
    before = _snapshot(ws)
    path = tmp_path / "content.xlsx"
    # 'All posts' row 9 is the 7th post; column O is Likes
    _to_xlsx(real(ETHIOWARE, XLS), path, change=("All posts", "O9", "lots"))
    res = cli("import", "-w", ws, "--account", "@ethioware", path, ok=False)
    assert res.exit_code == 1
    assert "content.xlsx, sheet 'All posts', row 9 (post urn:li:activity:" in res.output
    assert "field 'Likes': 'lots' is not a number" in res.output
    assert _snapshot(ws) == before


def test_truncated_files_fail_cleanly(real, make_ws, cli, tmp_path):
    ws = make_ws()
    before = _snapshot(ws)
    data = real(ETHIOWARE, XLS).read_bytes()
    cut = tmp_path / "cut.xls"
    cut.write_bytes(data[: len(data) // 2])
    res = cli("import", "-w", ws, cut, ok=False)
    assert res.exit_code == 1
    assert "cut.xls: is not a readable .xls workbook" in res.output and "cut short" in res.output

    followers = real(WOMENINAI, "women_in_ai_usa_followers.csv").read_text()
    lines = followers.splitlines(keepends=True)
    cut_csv = tmp_path / "followers.csv"
    cut_csv.write_text("".join(lines[:100]) + lines[100][:12])  # line 101 ends mid-row
    res = cli("import", "-w", ws, "--account", "@w", cut_csv, ok=False)
    assert "followers.csv, line 101: has 2 of the header's 7 columns" in res.output

    bad = tmp_path / "bad_date.csv"
    bad.write_text(followers.replace("2025-03-30,", "30.03.2025,", 1))
    res = cli("import", "-w", ws, "--account", "@w", bad, ok=False)
    assert "bad_date.csv, line 52, field 'Date': '30.03.2025' is not a date" in res.output
    assert _snapshot(ws) == before


def test_visitors_and_followers_sheets(make_ws, cli, tmp_path):
    """No real followers/visitors workbook is available: a small one in LinkedIn's layout
    (description row, header on row 2, US dates) shows the mapping. Visits = Total page views
    (total); gained = Total followers (the day's new followers); the two merge per day."""
    import openpyxl

    book = openpyxl.Workbook()
    sh = book.active
    sh.title = "Visitor metrics"
    sh.append(["Page views and unique visitors over time."])
    sh.append(["Date", "Overview page views (total)", "Total page views (desktop)", "Total page views (mobile)",
               "Total page views (total)", "Total unique visitors (total)"])
    sh.append(["10/01/2026", 3, 4, 2, 6, 5])
    sh.append(["10/02/2026", 0, 1, 0, 1, 1])
    book.create_sheet("Location").append(["Location", "Total views"])
    book.save(tmp_path / "ourpage_visitors_1791000000000.xlsx")
    folder = tmp_path / "followers"
    folder.mkdir()
    (folder / "new.csv").write_text(
        "Date,Sponsored followers,Organic followers,Auto-invited followers,Total followers\n"
        "10/01/2026,0,2,0,2\n10/02/2026,0,-1,0,-1\n10/03/2026,,,,\n")
    ws = make_ws()
    cli("import", "-w", ws, "--account", "@ourpage", tmp_path / "ourpage_visitors_1791000000000.xlsx", folder)
    got = _rows(ws, "SELECT date, followers, gained, lost, visits FROM audience_daily ORDER BY date")
    assert got == [
        {"date": date(2026, 10, 1), "followers": None, "gained": 2, "lost": None, "visits": 6},
        {"date": date(2026, 10, 2), "followers": None, "gained": -1, "lost": None, "visits": 1},
        {"date": date(2026, 10, 3), "followers": None, "gained": None, "lost": None, "visits": None},
    ]


@pytest.mark.parametrize("folder", ["youtube-studio-ethioware", "youtube-studio-codingtrain"])
def test_does_not_claim_youtube_exports(real, folder):
    from smi.sources import REGISTRY, ImportOptions, expand, load_all

    load_all()
    assert REGISTRY["linkedin_page"]().claim(expand([real(folder)]), ImportOptions()) == []


def test_xls_from_another_platform_is_not_claimed(real, tmp_path):
    from smi.sources import REGISTRY, ImportOptions, expand, load_all

    load_all()
    other = tmp_path / "report.xls"
    shutil.copy(real(ETHIOWARE, XLS), other)
    data = bytearray(other.read_bytes())
    for name in (b"All posts", b"Metrics"):  # same bytes, other sheet names
        i = data.find(name)
        data[i:i + len(name)] = b"X" * len(name)
    other.write_bytes(bytes(data))
    assert REGISTRY["linkedin_page"]().claim(expand([other]), ImportOptions()) == []


def test_reimport_with_account_moves_audience_rows_off_the_placeholder(real, make_ws, cli, tmp_path):
    """Issue 9: after the same export is imported again with `--account`, its audience days
    stayed under linkedin:unnamed as well (counted twice), and so did the placeholder. The
    followers CSV (csv module): 365 days, `Total followers` sum 2,200; the clean CSV's
    `Impressions (total)` sum 170,398; days together 376 (see the module docstring)."""
    import csv

    followers, clean = real(WOMENINAI, "women_in_ai_usa_followers.csv"), real(WOMENINAI, "women_in_ai_usa_clean.csv")
    with followers.open(newline="", encoding="utf-8") as f:
        gained = [int(r["Total followers"]) for r in csv.DictReader(f)]
    assert (len(gained), sum(gained)) == (365, 2200)
    ws = make_ws()
    res = cli("import", "-w", ws, followers, clean)
    assert res.output.count("linkedin:unnamed") >= 2  # each file warns that it names no page
    placed = "SELECT account_id, count(*) AS n, sum(gained) AS gained, sum(impressions) AS impressions FROM audience_daily GROUP BY 1"
    assert _rows(ws, placed) == [{"account_id": "linkedin:unnamed", "n": 376, "gained": 2200, "impressions": 170398}]

    # the followers file again, named: its gains move; the daily totals (another file) stay
    cli("import", "-w", ws, "--account", "@womeninaiusa", followers)
    got = {r["account_id"]: r for r in _rows(ws, placed)}
    assert got["linkedin:womeninaiusa"] == {"account_id": "linkedin:womeninaiusa", "n": 365, "gained": 2200,
                                            "impressions": None}
    assert got["linkedin:unnamed"] == {"account_id": "linkedin:unnamed", "n": 365, "gained": None,
                                       "impressions": 170398}
    # the other file, named: nothing is left on the placeholder, and the placeholder goes
    cli("import", "-w", ws, "--account", "@womeninaiusa", clean)
    assert _rows(ws, placed) == [{"account_id": "linkedin:womeninaiusa", "n": 376, "gained": 2200, "impressions": 170398}]
    assert _rows(ws, "SELECT account_id FROM accounts") == [{"account_id": "linkedin:womeninaiusa"}]
    assert "unnamed" not in cli("accounts", "list", "-w", ws).stdout


def test_reimport_of_the_content_xls_with_account_moves_posts_and_days(real, make_ws, cli):
    ws = make_ws()
    cli("import", "-w", ws, real(ETHIOWARE, XLS))
    cli("import", "-w", ws, "--account", "@ethioware", real(ETHIOWARE, XLS))
    assert _rows(ws, "SELECT DISTINCT account_id FROM posts") == [{"account_id": ACCOUNT}]
    # xlrd, sheet Metrics: 365 days, Impressions (total) sum 50,998 (module docstring)
    assert _rows(ws, "SELECT account_id, count(*) AS n, sum(impressions) AS i FROM audience_daily GROUP BY 1") == [
        {"account_id": ACCOUNT, "n": 365, "i": 50998}]
    assert _rows(ws, "SELECT account_id FROM accounts") == [{"account_id": ACCOUNT}]


def test_remap_fills_page_impressions_of_imports_made_before_they_were_stored(real, make_ws, cli):
    """Imports before migration 0008 kept the Metrics days as raw items only, without an
    account: `smi remap` stores their impressions, under the profile's page. (Simulated: the
    days' impressions and the raw items' account are taken out again.)"""
    ws = make_ws()
    cli("accounts", "add", "-w", ws, "linkedin:@ethioware")
    cli("import", "-w", ws, real(ETHIOWARE, XLS))
    with Workspace.open(ws) as w:
        w.store.con.execute("UPDATE audience_daily SET impressions = NULL")
        w.store.con.execute("UPDATE raw_items SET payload = json_remove(payload, '$.account_id')")
    res = cli("remap", "-w", ws)
    assert "audience daily 0 new, 365 updated" in res.output
    # xlrd, sheet Metrics: 365 days, Impressions (total) sum 50,998 (module docstring)
    assert _rows(ws, "SELECT account_id, count(*) AS n, sum(impressions) AS i FROM audience_daily GROUP BY 1") == [
        {"account_id": ACCOUNT, "n": 365, "i": 50998}]
