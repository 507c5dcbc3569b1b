"""Meta Business Suite exports: the real PC Merchandise Facebook Page export, and a synthetic
Instagram posts file.

The real numbers were checked by hand, independently of smi, with Python's csv module over
the files (`csv.DictReader(open(path, encoding="utf-8-sig", newline=""))` for the posts;
`open(path, encoding="utf-16").read().splitlines()[3:]` through `csv.reader` for the
page-level files):

    posts CSV: 81 rows, 81 distinct Post IDs, one Page (100064197037125, "PC Merchandise");
      Publish time 09/01/2025 21:13 ... 09/30/2025 22:00; Post type Reels 44, Photos 36,
      Videos 1; Is share = 1 on 1 row; sum(Reach) 167097, sum(Reactions) 1348,
      sum(Comments) 260, sum(Shares) 109, sum(Views) 266909; no `Total clicks` column;
      `3-second video views` blank on 44 rows.
    Follows.csv ("Facebook follows"): 28 days 2025-09-20 ... 2025-10-17, sum 631, first 20, last 18.
    Visits.csv ("Facebook visits"): the same 28 days, sum 31745, first 1148, last 854.

FollowerHistory.csv, Viewers.csv and the demographics files are TikTok Studio's layout (see
meta_facebook_page's docstring): they must not land as Facebook data (tiktok_studio reads
the first two as TikTok's; tests/sources/test_tiktok.py).

tests/fixtures/meta/instagram_posts.csv is SYNTHETIC: there is no real Instagram export
with an open licence. It was written by hand from the documented columns of Meta Business
Suite's Instagram post export (Post ID, Account ID, Account username, Account name,
Description, Duration (sec), Publish time, Permalink, Post type, Data comment, Date, Views,
Reach, Likes, Shares, Follows, Comments, Saves; `IG reel`/`IG carousel`/`IG image`), with
the quirks of the real Facebook file (BOM, US publish time, `Lifetime`, a multi-line
caption) plus thousands separators and `undefined` cells.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from smi.sources import REGISTRY, ImportOptions, expand, load_all
from smi.workspace import Workspace

FOLDER = "meta-facebook-page-pcmerchandise"
POSTS = "organic-posts/Sep-01-2025_Sep-30-2025_2855862537940540.csv"
PAGE = "100064197037125"
ACCOUNT = f"facebook:{PAGE}"
IG_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "meta" / "instagram_posts.csv"


def _rows(ws, sql, params=()):
    with Workspace.open(ws) as w:
        return w.store.rows(sql, params)


def _one(ws, sql, params=()):
    return next(iter(_rows(ws, sql, params)[0].values()))


def _snapshot(ws):
    with Workspace.open(ws) as w:
        return w.store.snapshot()


def _line_of(text: str, needle: str) -> int:
    """The line a record starts on, found in the raw text (not through smi's reader)."""
    return text[: text.index(needle)].count("\n") + 1


# -- Facebook posts -------------------------------------------------------------------------------
def test_real_posts_csv(real, make_ws, cli, status):
    ws = make_ws()
    res = cli("import", "-w", ws, real(FOLDER, POSTS))
    assert "81 new" in res.output and "81 metric snapshots" in res.output
    assert "'Total clicks'" in res.output  # said once: clicks left empty, not 0
    assert status(ws)["platforms"] == {"facebook": {
        "posts": 81, "replies": 0, "reposts": 1, "interactions": 0, "audience_days": 0,
        "first": "2025-09-01", "last": "2025-09-30"}}
    sums = _rows(ws, "SELECT count(*) AS n, sum(reach) AS reach, sum(reactions) AS reactions, "
                     "sum(comments) AS comments, sum(shares) AS shares, sum(views) AS views, "
                     "count(clicks) AS clicks, count(impressions) AS impressions, "
                     "count(video_views) AS video_views FROM post_metrics")[0]
    assert sums == {"n": 81, "reach": 167097, "reactions": 1348, "comments": 260, "shares": 109,
                    "views": 266909, "clicks": 0, "impressions": 0, "video_views": 81 - 44}
    formats = _rows(ws, "SELECT format, count(*) AS n FROM posts GROUP BY 1 ORDER BY 1")
    assert formats == [{"format": "image", "n": 36}, {"format": "reel", "n": 44}, {"format": "video", "n": 1}]
    assert _rows(ws, "SELECT account_id, handle, display_name, native_id FROM accounts") == [
        {"account_id": ACCOUNT, "handle": PAGE, "display_name": "PC Merchandise", "native_id": PAGE}]
    assert _one(ws, "SELECT count(DISTINCT account_id) FROM posts") == 1

    # The first row of the file, cell by cell.
    post = _rows(ws, "SELECT * FROM posts WHERE native_id = '1168834171933140'")[0]
    assert post["published_at"] == datetime(2025, 9, 1, 21, 13, tzinfo=UTC)
    assert post["account_id"] == ACCOUNT and post["kind"] == "original" and post["format"] == "image"
    assert post["url"].startswith("https://www.facebook.com/pcmerchandise.co/posts/pfbid0Xtaz")
    assert post["text"].startswith("One more rig complete.") and "𝐋𝐎𝐎𝐊𝐈𝐍𝐆" in post["text"]
    assert "https://pcmerchandise.live/LIST-PC-SET-2025" in post["links"]
    extra = json.loads(post["extra"])
    assert extra["Reactions, Comments and Shares"] == "7" and extra["Date"] == "Lifetime"
    assert extra["post_type"] == "Photos" and extra["page_id"] == PAGE
    m = _rows(ws, "SELECT * FROM post_metrics WHERE post_key = 'facebook:1168834171933140'")[0]
    assert (m["views"], m["reach"], m["reactions"], m["comments"], m["shares"]) == (1628, 923, 6, 1, 0)
    assert m["video_views"] == 0 and m["watch_time_seconds"] is None and m["clicks"] is None
    # A reel: blank 3-second views stay NULL; seconds viewed kept as a float.
    m = _rows(ws, "SELECT * FROM post_metrics WHERE post_key = 'facebook:1192508222899068'")[0]
    assert m["video_views"] is None and m["watch_time_seconds"] == pytest.approx(4395.683)


def test_observed_at_is_the_option_else_the_file_name_else_the_file_time(real, tmp_path, make_ws, cli):
    """Meta names the export for its date range (Sep-01-2025_Sep-30-2025_…): its numbers are
    dated the range's last day, not the file's modification time (reset by any copy)."""
    src = real(FOLDER, POSTS)
    ws = make_ws("Europe/London")
    res = cli("import", "-w", ws, src)
    assert _rows(ws, "SELECT DISTINCT observed_at FROM post_metrics") == [
        {"observed_at": datetime(2025, 9, 29, 23, tzinfo=UTC)}]  # midnight, 30 Sep, BST
    assert "file modified time" not in res.output
    ws2 = make_ws()
    cli("import", "-w", ws2, src, "--as-of", "2025-10-01T09:00")
    assert _one(ws2, "SELECT max(observed_at) FROM post_metrics") == datetime(2025, 10, 1, 9, tzinfo=UTC)
    # Renamed, the file says nothing: its modification time, and the summary says so.
    copy = tmp_path / "posts-export.csv"
    copy.write_bytes(src.read_bytes())
    ws3 = make_ws()
    res = cli("import", "-w", ws3, copy)
    mtime = datetime.fromtimestamp(copy.stat().st_mtime, UTC).replace(microsecond=0)
    assert _one(ws3, "SELECT max(observed_at) FROM post_metrics") == mtime
    assert (f"numbers dated {mtime.date().isoformat()} (file modified time); use --as-of to set it"
            in " ".join(res.output.split()))


def test_same_date_range_downloaded_again_with_new_numbers_is_not_lost_silently(real, tmp_path, make_ws, cli):
    """The file name dates the numbers (Sep 30); the same range downloaded later, with one
    post's Reach grown, carries the same date: the held numbers stay, a warning says so,
    and --as-of lands the newer ones."""
    ws = make_ws()
    cli("import", "-w", ws, real(FOLDER, POSTS))
    held = _one(ws, "SELECT count(*) FROM post_metrics")

    def grow(rows):
        rows[0]["Reach"] = str(int(rows[0]["Reach"]) + 10)

    path, _ = _edit_posts(real, tmp_path, grow)
    later = tmp_path / "later" / Path(POSTS).name
    later.parent.mkdir()
    path.rename(later)
    res = cli("import", "-w", ws, later)
    assert "1 post already had numbers dated 2025-09-30 that differ" in " ".join(res.output.split())
    assert _one(ws, "SELECT count(*) FROM post_metrics") == held
    cli("import", "-w", ws, later, "--as-of", "2025-10-05")
    assert _one(ws, "SELECT count(*) FROM post_metrics") == held + 1


def _edit_posts(real, tmp_path, change) -> tuple[Path, str]:
    """A copy of the real posts CSV in tmp_path with `change(rows)` applied to its rows."""
    text = real(FOLDER, POSTS).read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    change(rows)
    out = io.StringIO(newline="")
    w = csv.DictWriter(out, fieldnames=reader.fieldnames, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path = tmp_path / "posts.csv"
    path.write_text(out.getvalue(), encoding="utf-8-sig", newline="")
    return path, out.getvalue()


def test_undefined_and_blank_are_null_not_zero(real, tmp_path, make_ws, cli):
    def change(rows):
        rows[0]["Reach"] = "undefined"
        rows[0]["Reactions"] = ""
        rows[1]["Views"] = "5,348"  # thousands separator

    path, _ = _edit_posts(real, tmp_path, change)
    ws = make_ws()
    cli("import", "-w", ws, path)
    m = _rows(ws, "SELECT reach, reactions, comments, views FROM post_metrics "
                  "WHERE post_key = 'facebook:1168834171933140'")[0]
    assert m == {"reach": None, "reactions": None, "comments": 1, "views": 1628}
    assert _one(ws, "SELECT views FROM post_metrics WHERE post_key = 'facebook:1192620039554553'") == 5348
    assert _one(ws, "SELECT sum(reach) FROM post_metrics") == 167097 - 923


@pytest.mark.parametrize("what", ["bad number", "bad time", "cut in a caption", "cut in a row"])
def test_corrupted_copy_fails_cleanly(real, tmp_path, make_ws, cli, what):
    post = "1192374522912438"  # the fourth row: its caption spans several lines
    if what.startswith("cut"):
        text = real(FOLDER, POSTS).read_text(encoding="utf-8-sig")
        if what == "cut in a caption":
            cut = text.index("Near La Conception", text.index(post))
            field = None
        else:  # the third row (a reel), cut after `Post type,`: 13 cells (the last empty) of 35
            post = "1192508222899068"
            cut = text.index(",Reels,", text.index(post)) + len(",Reels,")
            assert "\n" not in text[text.index(post):cut]
            field = "Custom labels"
        path = tmp_path / "posts.csv"
        path.write_text(text[:cut], encoding="utf-8-sig")
    else:
        col, value = ("Reach", "12x") if what == "bad number" else ("Publish time", "31/09/2025 10:00")

        def change(rows):
            next(r for r in rows if r["Post ID"] == post)[col] = value

        path, text = _edit_posts(real, tmp_path, change)
        field = col
    line = _line_of(text, post)
    ws = make_ws()
    cli("import", "-w", ws, real(FOLDER, "page-level-metrics"), "--account", PAGE)
    before = _snapshot(ws)
    res = cli("import", "-w", ws, path, ok=False)
    assert res.exit_code != 0
    assert "posts.csv" in res.output and f"line {line}" in res.output and "fix:" in res.output
    if field == "Custom labels":
        assert "field 'Custom labels'" in res.output and "13 of the header's 35 columns" in res.output
    elif field:
        assert f"post {post}" in res.output and f"field '{field}'" in res.output
    else:
        assert "not valid CSV" in res.output
    assert _snapshot(ws) == before


# -- Facebook page-level files --------------------------------------------------------------------
def test_real_folder_posts_and_page_metrics(real, make_ws, cli, status):
    ws = make_ws()
    res = cli("import", "-w", ws, real(FOLDER))
    assert "audience daily 28 new" in res.output
    # The files that are not Meta page metrics are named, not read as Facebook data.
    out = " ".join(res.output.split())
    assert "FollowerGender.csv: a follower demographics export" in out
    # TikTok Studio's files in the folder are read as TikTok's (under a placeholder account)
    assert "TikTok dates have no year" in out and "tiktok:unnamed" in out
    assert "Views.csv (Views)" in out and "Link clicks.csv (Facebook link clicks)" in out
    st = status(ws)["platforms"]["facebook"]
    assert st["audience_days"] == 28 and st["posts"] == 81
    days = _rows(ws, "SELECT * FROM audience_daily WHERE platform = 'facebook' ORDER BY date")
    assert [d["date"] for d in days] == [date(2025, 9, 20) + timedelta(days=i) for i in range(28)]
    assert days[-1]["date"] == date(2025, 10, 17)
    assert {d["account_id"] for d in days} == {ACCOUNT} and {d["platform"] for d in days} == {"facebook"}
    assert sum(d["gained"] for d in days) == 631 and sum(d["visits"] for d in days) == 31745
    assert (days[0]["gained"], days[0]["visits"], days[-1]["gained"], days[-1]["visits"]) == (20, 1148, 18, 854)
    # No follower totals or unfollows in these files: NULL, never 0.
    assert all(d["followers"] is None and d["lost"] is None for d in days)
    assert _rows(ws, "SELECT account_id FROM accounts ORDER BY 1") == [{"account_id": ACCOUNT},
                                                                     {"account_id": "tiktok:unnamed"}]


def test_import_twice_changes_nothing(real, make_ws, cli, status):
    ws = make_ws()
    cli("import", "-w", ws, real(FOLDER))
    first, snap = status(ws), _snapshot(ws)
    res = cli("import", "-w", ws, real(FOLDER))
    assert "3 unchanged" in res.output  # posts, page metrics, TikTok
    assert status(ws) == first and _snapshot(ws) == snap


def test_page_metrics_alone_need_the_page_named(real, make_ws, cli, status):
    ws = make_ws()
    res = cli("import", "-w", ws, real(FOLDER, "page-level-metrics"), ok=False)
    assert res.exit_code != 0 and "do not say which Page" in res.output and "--account" in res.output
    assert status(ws)["platforms"].get("facebook") is None
    cli("import", "-w", ws, real(FOLDER, "page-level-metrics"), "--account", PAGE)
    cli("import", "-w", ws, real(FOLDER, POSTS))
    assert _rows(ws, "SELECT DISTINCT account_id FROM audience_daily WHERE platform = 'facebook' UNION "
                     "SELECT DISTINCT account_id FROM posts") == [{"account_id": ACCOUNT}]


def test_profile_account_names_posts_and_page(real, make_ws, cli):
    ws = make_ws()
    cli("accounts", "add", "facebook:@pcmerchandise.co", "-w", ws)
    cli("import", "-w", ws, real(FOLDER, "page-level-metrics"))
    cli("import", "-w", ws, real(FOLDER, POSTS))
    ids = _rows(ws, "SELECT DISTINCT account_id FROM audience_daily WHERE platform = 'facebook' "
                    "UNION SELECT DISTINCT account_id FROM posts")
    assert ids == [{"account_id": "facebook:pcmerchandise.co"}]
    acct = _rows(ws, "SELECT display_name, native_id FROM accounts WHERE account_id = 'facebook:pcmerchandise.co'")
    assert acct == [{"display_name": "PC Merchandise", "native_id": PAGE}]


def test_account_of_another_platform_is_refused(real, make_ws, cli):
    ws = make_ws()
    res = cli("import", "-w", ws, real(FOLDER, POSTS), "--account", "x:@someone", ok=False)
    assert res.exit_code != 0 and "not a facebook account" in res.output


def test_detection_is_by_content(real, tmp_path):
    """Renamed files are still recognised; look-alikes and the other platform's files are not."""
    load_all()
    shutil.copy(real(FOLDER, POSTS), tmp_path / "a.csv")
    shutil.copy(real(FOLDER, "page-level-metrics", "Follows.csv"), tmp_path / "b.csv")
    shutil.copy(IG_FIXTURE, tmp_path / "c.csv")
    for name in ("FollowerHistory.csv", "Viewers.csv"):
        shutil.copy(real(FOLDER, "page-level-metrics", name), tmp_path / name)
    for name in ("FollowerGender.csv", "FollowerTopTerritories.csv"):
        shutil.copy(real(FOLDER, "demographics", name), tmp_path / name)
    files = expand([tmp_path])
    claimed = {
        name: sorted(f.basename for u in REGISTRY[name]().claim(files, ImportOptions()) for f in u.files)
        for name in ("meta_facebook_posts", "meta_facebook_page", "meta_instagram_posts")
    }
    assert claimed == {"meta_facebook_posts": ["a.csv"], "meta_facebook_page": ["b.csv"],
                       "meta_instagram_posts": ["c.csv"]}


def test_lone_demographics_file_is_not_imported(real, make_ws, cli):
    ws = make_ws()
    res = cli("import", "-w", ws, real(FOLDER, "demographics", "FollowerGender.csv"), ok=False)
    assert res.exit_code != 0 and "no importer recognises" in res.output


def test_instagram_page_level_file_is_not_read_as_facebook(tmp_path):
    load_all()
    text = 'sep=,\n"Instagram follows"\n"Date","Primary"\n"2025-09-20T00:00:00","4"\n'
    (tmp_path / "Follows.csv").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    assert REGISTRY["meta_facebook_page"]().claim(expand([tmp_path]), ImportOptions()) == []


def test_broken_daily_file_names_line_and_field(real, tmp_path, make_ws, cli):
    folder = tmp_path / "page"
    shutil.copytree(real(FOLDER, "page-level-metrics"), folder)
    for name in ("FollowerHistory.csv", "Viewers.csv"):  # TikTok's: another import, which would land
        (folder / name).unlink()
    (folder / "Visits.csv").chmod(0o644)
    text = (folder / "Visits.csv").read_text(encoding="utf-16").replace('"1466"', '"14 66x"')
    (folder / "Visits.csv").write_text(text, encoding="utf-16")
    line = _line_of(text, "14 66x")
    ws = make_ws()
    before = _snapshot(ws)
    res = cli("import", "-w", ws, folder, "--account", PAGE, ok=False)
    out = " ".join(res.output.split())
    assert res.exit_code != 0 and f"Visits.csv, line {line}, field 'Primary'" in out
    assert _snapshot(ws) == before


# -- Instagram posts (synthetic) ------------------------------------------------------------------
def test_instagram_posts_fixture(make_ws, cli, status):
    ws = make_ws()
    res = cli("import", "-w", ws, IG_FIXTURE)
    assert "4 new" in res.output and "warning" not in res.output.replace("0 warnings", "")
    assert status(ws)["platforms"] == {"instagram": {
        "posts": 4, "replies": 0, "reposts": 0, "interactions": 0, "audience_days": 0,
        "first": "2026-10-03", "last": "2026-10-12"}}
    assert _rows(ws, "SELECT account_id, handle, display_name, native_id FROM accounts") == [
        {"account_id": "instagram:canolfancymraeg", "handle": "canolfancymraeg",
         "display_name": "Canolfan Gymraeg", "native_id": "17841400000000000"}]
    posts = {p["native_id"]: p for p in _rows(ws, "SELECT * FROM posts")}
    reel = posts["18011111111111111"]
    assert reel["format"] == "reel" and reel["published_at"] == datetime(2026, 10, 3, 18, 30, tzinfo=UTC)
    assert reel["text"].startswith("Noson cwis nos Wener!") and "\n#cymraeg" in reel["text"]
    assert reel["hashtags"] == ["cymraeg", "quiz"] and reel["mentions"] == ["ceri.jones"]
    assert json.loads(reel["extra"])["Follows"] == "41"
    assert posts["18022222222222222"]["format"] == "carousel"
    assert posts["18022222222222222"]["links"] == ["https://example.org/ffair"]
    assert posts["18044444444444444"]["text"] is None
    m = {r["post_key"]: r for r in _rows(ws, "SELECT * FROM post_metrics")}
    assert (m["instagram:18011111111111111"]["views"], m["instagram:18011111111111111"]["reactions"],
            m["instagram:18011111111111111"]["saves"]) == (12400, 610, 230)
    undefined = m["instagram:18033333333333333"]
    assert undefined["views"] is None and undefined["reactions"] is None and undefined["saves"] is None
    assert undefined["reach"] == 410 and undefined["shares"] == 0
    assert all(r["impressions"] is None and r["clicks"] is None for r in m.values())


def test_older_instagram_export_with_impressions(tmp_path, make_ws, cli):
    path = tmp_path / "ig.csv"
    path.write_text("Post ID,Account ID,Account username,Account name,Description,Publish time,"
                    "Permalink,Post type,Impressions,Reach,Likes,Comments,Shares,Saves\n"
                    "1,2,us,Us,hello,01/31/2024 23:59,https://www.instagram.com/p/x/,IG image,"
                    "900,700,10,1,0,2\n", encoding="utf-8")
    ws = make_ws("Europe/London")
    res = cli("import", "-w", ws, path)
    assert "no column" not in res.output
    m = _rows(ws, "SELECT impressions, views, reach FROM post_metrics")[0]
    assert m == {"impressions": 900, "views": None, "reach": 700}
    assert _one(ws, "SELECT published_at FROM posts") == datetime(2024, 1, 31, 23, 59, tzinfo=UTC)


def test_instagram_bad_row_names_line_and_field(tmp_path, make_ws, cli):
    text = IG_FIXTURE.read_text(encoding="utf-8-sig").replace(",1204,", ",12o4,")
    path = tmp_path / "ig.csv"
    path.write_text(text, encoding="utf-8-sig")
    ws = make_ws()
    before = _snapshot(ws)
    res = cli("import", "-w", ws, path, ok=False)
    out = " ".join(res.output.split())
    assert res.exit_code != 0
    assert "line 4 (post 18022222222222222), field 'Reach'" in out and "'12o4' is not a number" in out
    assert _snapshot(ws) == before
