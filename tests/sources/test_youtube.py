"""YouTube Studio exports: Ethioware's Content and Traffic source exports (no licence: read in
place through the `real` fixture) and The Coding Train's Geography export (MIT).

Expected numbers were checked by hand against the files, independently of smi, with Python's
csv module (csv.DictReader over Content/Table_data.csv):

    104 rows: the `Total` row + 103 videos; 39 have a `Video publish time` ("%b %d, %Y"),
    64 have it blank (1,582 views between them). Of the 39: publish dates 2021-08-07 ..
    2025-07-28; Views sum 6,656; Impressions sum 71,084 (none blank); Watch time (hours) sum
    388.4914. Ids with a leading space: ' -e0JZNRR-QA', ' -ErzNW5H7Ks' (both undated).
    The 64 undated: Views 1,582, Impressions 20, Watch time 142.0074 h. All 103 videos:
    Views 8,238 (the `Total` row says 8,244: Studio counts 6 views it lists under no video),
    Impressions 71,104 (Total row 71,105), Watch time 530.4988 h.
    `WcGwa_XZQxI` "Importance of Digital Literacy", Aug 12, 2024: 239 views, 3.3871 h, 1,308
    impressions. No Likes / Comments added / Shares columns were chosen in this export.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import UTC, date, datetime

import pytest

from smi.workspace import Workspace

ETHIOWARE = "youtube-studio-ethioware"
CODINGTRAIN = "youtube-studio-codingtrain"
ACCOUNT = "youtube:ethioware"
CONTENT_STATUS = {"posts": 103, "replies": 0, "reposts": 0, "interactions": 0, "audience_days": 0,
                  "first": "2021-08-07", "last": "2025-07-28"}


def _rows(ws, sql, params=()):
    with Workspace.open(ws) as w:
        return w.store.rows(sql, params)


def _snapshot(ws):
    with Workspace.open(ws) as w:
        return w.store.snapshot()


def _check_content(ws):
    # Every video row is kept: the 64 undated ones too (issue: 64 of 103 were dropped).
    sums = _rows(ws, "SELECT count(*) AS n, sum(views) AS views, sum(video_views) AS video_views, "
                     "sum(impressions) AS impressions, round(sum(watch_time_seconds) / 3600, 4) AS hours, "
                     "count(reactions) AS reactions, count(comments) AS comments, count(shares) AS shares "
                     "FROM post_metrics")
    assert sums == [{"n": 103, "views": 8238, "video_views": 8238, "impressions": 71104, "hours": 530.4988,
                     "reactions": 0, "comments": 0, "shares": 0}]
    dated = _rows(ws, "SELECT p.published_at IS NULL AS undated, count(*) AS n, sum(views) AS views, "
                      "sum(impressions) AS impressions FROM posts p JOIN post_metrics m USING (post_key) "
                      "GROUP BY 1 ORDER BY 1")
    assert dated == [{"undated": False, "n": 39, "views": 6656, "impressions": 71084},
                     {"undated": True, "n": 64, "views": 1582, "impressions": 20}]
    one = _rows(ws, "SELECT p.post_key, p.format, p.text, p.published_at, p.url, p.extra->>'Subscribers' AS subs, "
                    "m.views, m.impressions, m.watch_time_seconds FROM posts p JOIN post_metrics m USING (post_key) "
                    "WHERE native_id = 'WcGwa_XZQxI'")
    assert one == [{"post_key": "youtube:WcGwa_XZQxI", "format": "video", "text": "Importance of Digital Literacy",
                    "published_at": datetime(2024, 8, 12, tzinfo=UTC),
                    "url": "https://www.youtube.com/watch?v=WcGwa_XZQxI", "subs": "3",
                    "views": 239, "impressions": 1308, "watch_time_seconds": 12193.56}]


def test_real_content_folder(real, make_ws, cli, status):
    ws = make_ws()
    res = cli("import", "-w", ws, "--account", "@ethioware", real(ETHIOWARE, "Content"))
    assert "posts 103 new" in res.output
    assert "64 videos in Table_data.csv with no publish time (1,582 views between them) kept as undated" in res.output
    assert ("Table_data.csv: its Total row gives 8,244 views and its video rows 8,238: the difference (+6) "
            "is on no video the export lists" in " ".join(res.output.split()))
    st = status(ws)
    assert st["platforms"] == {"youtube": CONTENT_STATUS}
    assert st["undated_posts"] == {"youtube": 64}
    text = cli("status", "-w", ws).stdout
    assert "youtube: 64 undated posts" in text
    # A period's figure counts the dated videos only, and says how many it could not place:
    # July 2025 has 2 videos with 142 views (csv.DictReader, "%b %d, %Y" publish times).
    july = json.loads(cli("metric", "views", "--month", "2025-07", "--format", "json", "-w", ws).stdout)
    assert july["rows"][0]["value"] == 142 and july["undated_posts"] == 64
    assert "not placed: 64 undated posts" in cli("metric", "views", "--month", "2025-07", "-w", ws).stdout
    # The numbers are dated the export's last day (Totals.csv's last Date, 2025-08-06, by
    # hand), not the files' modification time.
    assert _rows(ws, "SELECT DISTINCT observed_at FROM post_metrics") == [
        {"observed_at": datetime(2025, 8, 6, tzinfo=UTC)}]
    assert "file modified time" not in res.output
    assert _rows(ws, "SELECT account_id FROM accounts") == [{"account_id": ACCOUNT}]
    # the trio is one import
    assert _rows(ws, "SELECT count(*) AS n, max(len(files::JSON[])) AS files FROM imports") == [{"n": 1, "files": 3}]
    _check_content(ws)


@pytest.mark.parametrize(("folder", "dimension"), [((ETHIOWARE, "Traffic"), "Traffic source"),
                                                   ((CODINGTRAIN,), "Geography")])
def test_other_dimensions_are_recognised_and_store_nothing(real, make_ws, cli, status, folder, dimension):
    ws = make_ws()
    res = cli("import", "-w", ws, real(*folder))
    assert f"a YouTube Studio {dimension} export; smi uses only the Content export" in res.output
    assert "skipped" not in res.output or "no importer reads (PROVENANCE.md)" in res.output
    st = status(ws)
    assert st["platforms"] == {} and st["imports"] == 1
    assert _rows(ws, "SELECT (SELECT count(*) FROM posts) + (SELECT count(*) FROM audience_daily) "
                     "+ (SELECT count(*) FROM raw_items) AS n") == [{"n": 0}]


def test_studio_zip_with_its_own_names(real, make_ws, cli, status, tmp_path):
    """A zip as Studio downloads it: spaces in the file names, the channel in the zip's name."""
    src = real(ETHIOWARE, "Content")
    path = tmp_path / "Content 2021-07-16_2025-08-06 Ethioware EdTech Initiative.zip"
    with zipfile.ZipFile(path, "w") as z:
        for name in ("Table data", "Chart data", "Totals"):
            z.write(src / f"{name.replace(' ', '_')}.csv", f"{name}.csv")
    ws = make_ws()
    cli("import", "-w", ws, "--account", "@ethioware", path)
    assert status(ws)["platforms"] == {"youtube": CONTENT_STATUS}
    assert _rows(ws, "SELECT display_name FROM accounts") == [{"display_name": "Ethioware EdTech Initiative"}]
    _check_content(ws)


def test_leading_space_in_video_id(real, make_ws, cli, tmp_path):
    """Both ids with a leading space are undated in the real file; give one a date."""
    table = real(ETHIOWARE, "Content", "Table_data.csv").read_text()
    row = " -e0JZNRR-QA,Ethioware Product Description,,96,"
    assert row in table
    (tmp_path / "Table data.csv").write_text(table.replace(row, row.replace(",,", ',"Jul 16, 2021",', 1)))
    ws = make_ws()
    cli("import", "-w", ws, "--account", "@ethioware", tmp_path)
    got = _rows(ws, "SELECT post_key, url, published_at::DATE AS day FROM posts WHERE native_id LIKE '%e0JZNRR%'")
    assert got == [{"post_key": "youtube:-e0JZNRR-QA", "url": "https://www.youtube.com/watch?v=-e0JZNRR-QA",
                    "day": date(2021, 7, 16)}]


def test_subscribers_from_totals(make_ws, cli, tmp_path):
    """No real export chose the subscriber metrics: a small Content export that did."""
    (tmp_path / "Table data.csv").write_text(
        "Content,Video title,Video publish time,Subscribers gained,Subscribers lost,Views,Likes,Comments added,Shares\n"
        "Total,,,5,1,120,7,2,1\n"
        'abc123DEF45,"Say ""hi"" to us","Oct 1, 2026",5,1,120,7,2,\n')
    (tmp_path / "Totals.csv").write_text(
        "Date,Subscribers gained,Subscribers lost\n2026-10-01,3,0\n2026-10-02,2,-1\n")
    (tmp_path / "Chart data.csv").write_text("Date,Content,Video title,Video publish time,Views\n")
    ws = make_ws(timezone="Europe/London")
    cli("import", "-w", ws, "--account", "youtube:@us", tmp_path)
    assert _rows(ws, "SELECT date, followers, gained, lost, visits FROM audience_daily ORDER BY date") == [
        {"date": date(2026, 10, 1), "followers": None, "gained": 3, "lost": 0, "visits": None},
        {"date": date(2026, 10, 2), "followers": None, "gained": 2, "lost": -1, "visits": None}]
    got = _rows(ws, "SELECT p.text, p.published_at, m.views, m.reactions, m.comments, m.shares, m.impressions "
                    "FROM posts p JOIN post_metrics m USING (post_key)")
    # midnight in the workspace's time zone (BST), a blank Shares cell and an unchosen metric are NULL
    assert got == [{"text": 'Say "hi" to us', "published_at": datetime(2026, 9, 30, 23, tzinfo=UTC),
                    "views": 120, "reactions": 7, "comments": 2, "shares": None, "impressions": None}]


def test_reimport_with_account_moves_subscriber_days_off_the_placeholder(make_ws, cli, tmp_path):
    """No real export holds subscriber days (see above): the same small export, imported
    without naming the channel and then again with `--account`. Its days (gained 3 + 2 by
    hand) stayed under youtube:unnamed too, counted twice in followers_gained."""
    (tmp_path / "Table data.csv").write_text(
        'Content,Video title,Video publish time,Views\nTotal,,,120\nabc123DEF45,Hi,"Oct 1, 2026",120\n')
    (tmp_path / "Totals.csv").write_text("Date,Subscribers gained,Subscribers lost\n2026-10-01,3,0\n2026-10-02,2,1\n")
    (tmp_path / "Chart data.csv").write_text("Date,Content,Video title,Video publish time,Views\n")
    ws = make_ws()
    cli("import", "-w", ws, tmp_path)
    cli("import", "-w", ws, "--account", "youtube:@us", tmp_path)
    assert _rows(ws, "SELECT account_id, count(*) AS n, sum(gained) AS g FROM audience_daily GROUP BY 1") == [
        {"account_id": "youtube:us", "n": 2, "g": 5}]
    assert _rows(ws, "SELECT account_id FROM accounts") == [{"account_id": "youtube:us"}]
    got = json.loads(cli("metric", "followers_gained", "--from", "2026-10-01", "--to", "2026-10-02",
                         "--format", "json", "-w", ws).stdout)
    assert got["rows"] == [{"value": 5}]


def test_import_twice_changes_nothing(real, make_ws, cli, status):
    ws = make_ws()
    cli("import", "-w", ws, "--account", "@ethioware", real(ETHIOWARE), real(CODINGTRAIN))
    first, snap = status(ws), _snapshot(ws)
    res = cli("import", "-w", ws, "--account", "@ethioware", real(ETHIOWARE), real(CODINGTRAIN))
    assert res.output.count("already imported") == 3
    assert status(ws) == first and first["platforms"] == {"youtube": CONTENT_STATUS}
    assert _snapshot(ws) == snap


def _copy_content(real, dest):
    shutil.copytree(real(ETHIOWARE, "Content"), dest)
    return dest / "Table_data.csv"


def test_truncated_and_corrupted_copies_fail_cleanly(real, make_ws, cli, tmp_path):
    ws = make_ws()
    cli("import", "-w", ws, "--account", "@ethioware", real(CODINGTRAIN))
    before = _snapshot(ws)

    table = _copy_content(real, tmp_path / "cut")
    text = table.read_text()
    table.write_text(text[: text.index("The reason I left Google")])  # line 4 ends mid-row
    res = cli("import", "-w", ws, tmp_path / "cut", ok=False)
    assert res.exit_code == 1
    assert "Table_data.csv, line 4: has 2 of the header's 13 columns" in res.output and "cut short" in res.output

    table = _copy_content(real, tmp_path / "bad")
    table.write_text(text.replace(",239,239,3.3871,", ",239,23x9,3.3871,", 1))
    res = cli("import", "-w", ws, tmp_path / "bad", ok=False)
    assert "Table_data.csv, line 3 (video WcGwa_XZQxI), field 'Views': '23x9' is not a number" in res.output

    table = _copy_content(real, tmp_path / "date")
    table.write_text(text.replace('"Aug 12, 2024"', '"12.08.2024"', 1))
    res = cli("import", "-w", ws, tmp_path / "date", ok=False)
    assert "line 3 (video WcGwa_XZQxI), field 'Video publish time': '12.08.2024' is not a date" in res.output
    assert _snapshot(ws) == before


@pytest.mark.parametrize("folder", ["linkedin-page-ethioware", "linkedin-page-womeninai-usa"])
def test_does_not_claim_linkedin_exports(real, folder):
    from smi.sources import REGISTRY, ImportOptions, expand, load_all

    load_all()
    assert REGISTRY["youtube_studio"]().claim(expand([real(folder)]), ImportOptions()) == []


def test_lone_totals_file_is_not_claimed(real, tmp_path):
    """`Date,Views` says too little alone: only a Table data file's siblings are claimed."""
    from smi.sources import REGISTRY, ImportOptions, expand, load_all

    load_all()
    shutil.copy(real(CODINGTRAIN, "Totals.csv"), tmp_path / "Totals.csv")
    assert REGISTRY["youtube_studio"]().claim(expand([tmp_path]), ImportOptions()) == []
