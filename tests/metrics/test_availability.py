"""What each source fills, and every number NULL with a reason where no import can say.

Expected values come from the real files, read here with json, csv and xlrd (independent
of smi's importers), or from the data owners' published figures (PROVENANCE.md).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from smi.canonical import SCHEMAS
from smi.importer import run_import
from smi.metrics import Period, get, load_all
from smi.metrics.api import run
from smi.metrics.availability import PLATFORM_COLUMNS, platforms_for
from smi.sources import REGISTRY
from smi.sources import load_all as load_sources
from smi.sources.base import ImportOptions
from smi.workspace import Workspace

load_sources()
SOURCES = sorted(REGISTRY)
CATALOGUE = load_all()


def _import(tmp_path: Path, *paths: Path, account: str | None = None) -> Workspace:
    ws = Workspace.create(tmp_path / "ws", name="Test", timezone="UTC")
    assert not run_import(ws, list(paths), options=ImportOptions(account=account)).failed
    return ws


def value(ws: Workspace, name: str, period: Period, by: tuple[str, ...] = ()):  # -> value or {key: value}
    rows = get(name).build(ws.store.ibis(), period, by).to_pyarrow().to_pylist()
    if not by:
        return rows[0]["value"]
    return {r[by[0]] if len(by) == 1 else tuple(r[b] for b in by): r["value"] for r in rows}


# -- the declarations -----------------------------------------------------------------------------
PSEUDO = ("posts.replies", "posts.reposts")  # not columns: the exports can hold such posts at all


@pytest.mark.parametrize("name", SOURCES)
def test_every_source_declares_the_columns_it_fills(name):
    cls = REGISTRY[name]
    if cls.fills_any:
        assert not cls.fills and not cls.fills_once
        return
    assert cls.fills, f"{name} declares no `fills`"
    assert not set(cls.fills) & set(cls.fills_once)
    for item in (*cls.fills, *cls.fills_once):
        table, column = item.split(".", 1)
        assert table in cls.provides, f"{name} fills {item} but provides no {table}"
        assert column in SCHEMAS[table].names or item in PSEUDO, item
    if cls.kinds:  # the kinds of its files together fill what it declares, no more
        assert {c for cols in cls.kinds.values() for c in cols} == {*cls.fills, *cls.fills_once}, name


def test_platform_table_is_built_from_the_sources():
    for platform, (cols, names) in PLATFORM_COLUMNS.items():
        declared = set()
        for n in names:
            assert REGISTRY[n].platform == platform
            declared |= {*REGISTRY[n].fills, *REGISTRY[n].fills_once}
        assert declared <= set(cols)
    # X archives' one follower count postdates every tweet: no rate per follower on the
    # posting day (the hand-kept table listed X). Only LinkedIn has LinkedIn's own rate.
    assert "x" not in platforms_for(CATALOGUE["engagement_rate_followers"])
    assert "x" not in platforms_for(CATALOGUE["net_follower_growth"])
    # YouTube: gained and lost; TikTok: followers day by day (FollowerHistory.csv)
    assert platforms_for(CATALOGUE["net_follower_growth"]) == ["youtube", "tiktok"]
    assert platforms_for(CATALOGUE["followers_gained"]) == ["facebook", "linkedin", "youtube"]
    assert platforms_for(CATALOGUE["linkedin_engagement_rate"]) == ["linkedin"]
    assert "x" in platforms_for(CATALOGUE["followers"])  # a level: one count is enough


# Columns every row carries (keys, bookkeeping) or that smi fills after import: not a claim.
BOOKKEEPING = {
    "posts.post_key", "posts.platform", "posts.native_id", "posts.extra", "posts.kind", "posts.language",
    "post_metrics.post_key", "post_metrics.observed_at", "interactions.interaction_key",
    "interactions.platform", "interactions.native_id", "interactions.extra", "interactions.language",
    "audience_daily.platform", "audience_daily.account_id", "audience_daily.date",
}
REAL = {  # folder -> --account
    "x-archive-rtiatmla": None,
    "mastodon-archive-dealingwith": None,
    "meta-facebook-page-pcmerchandise": None,
    "linkedin-page-ethioware": None,
    "linkedin-page-womeninai-usa": None,
    "bluesky-posts-nyc-health-search": None,
    "customer-service-ibm-twitter-care": None,
}


def _filled(ws: Workspace) -> dict[str, set[str]]:
    """Per source: the canonical columns that hold a value in a row its imports wrote."""
    con = ws.store.con
    out: dict[str, set[str]] = {}
    for (source,) in con.execute("SELECT DISTINCT source FROM imports").fetchall():
        ids = ",".join(str(r[0]) for r in con.execute(
            "SELECT import_id FROM imports WHERE source = ?", [source]).fetchall())
        cols = out.setdefault(source, set())
        for table in ("posts", "post_metrics", "interactions", "audience_daily"):
            where = f"import_id IN ({ids})" + ("" if table == "post_metrics" else f" OR first_import_id IN ({ids})")
            for column in SCHEMAS[table].names:
                n = con.execute(f'SELECT count(*) FROM {table} WHERE ({where}) AND "{column}" IS NOT NULL').fetchall()[0][0]
                if n and f"{table}.{column}" not in BOOKKEEPING:
                    cols.add(f"{table}.{column}")
    return out


@pytest.mark.parametrize("folder", sorted(REAL))
def test_declarations_hold_on_real_exports(real, tmp_path, folder):
    """Every column an import of a real export fills is declared: nothing the metrics read
    comes from a source that says it cannot give it."""
    ws = _import(tmp_path, real(folder), account=REAL[folder])
    for source, cols in _filled(ws).items():
        cls = REGISTRY[source]
        assert cols <= {*cls.fills, *cls.fills_once}, f"{source} fills undeclared {cols - {*cls.fills, *cls.fills_once}}"
        if "posts.kind" not in cls.fills:  # it cannot tell kinds: every post is stored as an original
            kinds = ws.store.rows(
                "SELECT DISTINCT kind FROM posts JOIN imports i ON i.import_id = posts.first_import_id "
                "WHERE i.source = ?", [source])
            assert kinds in ([], [{"kind": "original"}]), source
        for kind, pseudo in (("reply", "posts.replies"), ("repost", "posts.reposts")):
            if pseudo not in cls.fills:  # it says it holds none: none is stored
                n = ws.store.rows(
                    "SELECT count(*) AS n FROM posts JOIN imports i ON i.import_id = posts.first_import_id "
                    "WHERE i.source = ? AND kind = ?", [source, kind])[0]["n"]
                assert n == 0, (source, kind, n)
    ws.close()


# -- 1. NULL with a reason where the data cannot say ------------------------------------------------
RTI = "x-archive-rtiatmla"


def _tweets(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    return [t["tweet"] for t in json.loads(text[text.index("["):])]


def _month(t: dict) -> str:
    return datetime.strptime(t["created_at"], "%a %b %d %H:%M:%S %z %Y").astimezone(UTC).strftime("%Y-%m")


def test_x_archive_holds_no_messages_from_others(real, tmp_path, cli):
    ws = _import(tmp_path, real(RTI))
    jan = Period.month("2021-01", "UTC")
    # The archive covers January 2021 (tweets from October 2020 to November 2021), but holds
    # only the account's own tweets: inbound interactions were 0, now not available.
    assert value(ws, "inbound_interactions", jan) is None
    assert value(ws, "replies", jan) == 0  # it does say which tweets are replies: none that month
    res = run(ws, "inbound_interactions", month="2021-01")
    assert res.rows() == [{"value": None}]
    assert "other people's messages" in res.reason and "X/Twitter account archive" in res.reason
    df = ws.metric("inbound_interactions", month="2021-01")
    assert df["value"].isna().all() and df.attrs["reason"] == res.reason
    ws.close()
    out = cli("metric", "inbound_interactions", "--month", "2021-01", "-w", tmp_path / "ws").output
    assert "not available: no import covering January 2021 holds other people's messages" in " ".join(out.split())
    data = json.loads(cli("metric", "inbound_interactions", "--month", "2021-01", "--format", "json",
                          "-w", tmp_path / "ws").stdout)
    assert data["rows"] == [{"value": None, "not_available": res.reason}]


def test_counts_by_month_show_covered_months_with_nothing_as_zero(real, tmp_path):
    tweets = _tweets(real(RTI, "data", "tweet.js"))
    manifest = real(RTI, "data", "manifest.js").read_text(encoding="utf-8")
    made = re.search(r'"generationDate" : "([^"]+)"', manifest).group(1)[:7]  # 2021-11
    months = Counter(_month(t) for t in tweets)
    originals = Counter(_month(t) for t in tweets
                        if not t["full_text"].startswith("RT @") and not t.get("in_reply_to_status_id_str"))
    first = min(months)
    ws = _import(tmp_path, real(RTI))
    span = Period.between("2020-09-01", "2021-12-31", "UTC")
    posts = value(ws, "posts", span, ("month",))
    got = value(ws, "published", span, ("month",))
    assert first == "2020-10" and made == "2021-11"
    for m in span.month_days():
        if first <= m <= made:  # the archive covers it: a month without tweets is 0
            assert got[m] == months.get(m, 0), m
            assert posts[m] == originals.get(m, 0), m
        else:  # before the first tweet, after the archive was made: not available
            assert got[m] is None and posts[m] is None, m
    assert 0 in got.values()  # a real month without tweets (2021-04 and 2021-07 by the hand count)
    ws.close()


def test_bluesky_flat_posts_do_not_say_replies_or_reposts(real, tmp_path):
    folder = real("bluesky-posts-nyc-health-search")
    ids = {json.loads(line)["post_id"] for line in (folder / "bluesky_posts.jsonl").read_text().splitlines() if line.strip()}
    ids |= {o["post_id"] for o in json.loads((folder / "bluesky_posts.json").read_text())}
    days = sorted({o["created_at"][:10] for o in json.loads((folder / "bluesky_posts.json").read_text())})
    ws = _import(tmp_path, folder)
    span = Period.between("2025-11-01", "2025-12-31", "UTC")
    # The flat format has no reply or repost structure: these were 0, now not available.
    for name in ("replies", "reposts", "posts", "share_reply"):
        assert value(ws, name, span) is None, name
    assert value(ws, "published", span) == len(ids)  # 107 distinct posts over both files
    res = run(ws, "replies", from_="2025-11-01", to="2025-12-31")
    assert "holds the organisation's replies" in res.reason
    assert days[-1] >= "2025-12-01"
    ws.close()


# -- 4. follower growth from what the platform says ------------------------------------------------
def _utf16_csv(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-16")
    return [r for r in csv.reader(io.StringIO(text))][3:]  # sep=, / metric name / header


def test_facebook_daily_follows_feed_followers_gained(real, tmp_path):
    folder = real("meta-facebook-page-pcmerchandise")
    rows = _utf16_csv(folder / "page-level-metrics" / "Follows.csv")
    rows = [r for r in rows if r]  # a blank last line
    total = sum(int(v) for _, v in rows)
    first, last = rows[0][0][:10], rows[-1][0][:10]
    assert total == 631
    ws = _import(tmp_path, folder / "page-level-metrics", folder / "organic-posts")
    p = Period.between(first, last, "UTC")
    assert value(ws, "followers_gained", p) == 631
    # Facebook gives follows, not unfollows or totals: net growth cannot be said.
    assert value(ws, "net_follower_growth", p) is None
    assert value(ws, "followers_lost", p) is None
    by_month = value(ws, "followers_gained", p, ("month",))
    assert sum(by_month.values()) == 631 and set(by_month) == {first[:7], last[:7]}
    ws.close()


def test_linkedin_new_followers_equal_the_owners_figure(real, tmp_path):
    path = real("linkedin-page-womeninai-usa", "women_in_ai_usa_followers.csv")
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    # PROVENANCE: the owner's README says 2,200 new followers; the CSV's daily `Total
    # followers` sum to it (three days are -1, LinkedIn's corrections).
    assert sum(int(r["Total followers"]) for r in rows) == 2200
    ws = _import(tmp_path, path)
    p = Period.between(rows[0]["Date"], rows[-1]["Date"], "UTC")
    assert value(ws, "followers_gained", p) == 2200
    assert value(ws, "net_follower_growth", p) is None  # LinkedIn gives no unfollows
    ws.close()


# -- 2. platform definitions -----------------------------------------------------------------------
def test_linkedin_engagement_rate_is_the_exports_own_column(real, tmp_path):
    xlrd = pytest.importorskip("xlrd")
    path = real("linkedin-page-ethioware", "Linkedin 1 year stat.xls")
    sheet = xlrd.open_workbook(str(path)).sheet_by_name("All posts")
    head = sheet.row_values(1)
    col = {h: i for i, h in enumerate(head)}

    def num(row, name):  # a blank cell is 0 in LinkedIn's sum
        v = row[col[name]]
        return float(v) if v != "" else 0.0

    by_day: dict[date, list[float]] = {}
    for i in range(2, sheet.nrows):
        row = sheet.row_values(i)
        parts = sum(num(row, c) for c in ("Clicks", "Likes", "Comments", "Reposts", "Follows"))
        # On every row, LinkedIn's rate = (clicks + likes + comments + reposts + follows) / impressions.
        assert parts / num(row, "Impressions") == pytest.approx(row[col["Engagement rate"]], rel=1e-6), i
        day = datetime.strptime(row[col["Created date"]], "%m/%d/%Y").date()
        by_day.setdefault(day, []).append(row[col["Engagement rate"]])
    assert sum(len(v) for v in by_day.values()) == 53
    ws = _import(tmp_path, path)
    year = Period.between(min(by_day), max(by_day), "UTC")
    got = value(ws, "linkedin_engagement_rate_mean", year, ("day",))
    assert set(got) == set(by_day)
    for d, rates in by_day.items():  # each day: the mean of its posts' own column
        assert got[d] == pytest.approx(sum(rates) / len(rates), rel=1e-6), d
    # The cross-platform rate leaves clicks out, so it is lower here.
    assert value(ws, "engagement_rate_impressions", year) < value(ws, "linkedin_engagement_rate", year)
    ws.close()


# -- small things ---------------------------------------------------------------------------------
def test_status_names_counts_as_the_catalogue_and_w_goes_anywhere(real, tmp_path, cli):
    tweets = _tweets(real(RTI, "data", "tweet.js"))
    replies = sum(bool(t.get("in_reply_to_status_id_str")) for t in tweets)
    reposts = sum(t["full_text"].startswith("RT @") for t in tweets)
    assert (len(tweets), replies, reposts) == (70, 14, 12)
    ws = _import(tmp_path, real(RTI))
    ws.close()
    path = tmp_path / "ws"
    st = json.loads(cli("-w", path, "status", "--json").stdout)["platforms"]["x"]
    assert (st["published"], st["original_posts"], st["replies"], st["reposts"]) == (70, 70 - 14 - 12, 14, 12)
    assert st["posts"] == st["published"]  # the deprecated old name, kept for scripts
    metric = json.loads(cli("metric", "posts", "--from", "2020-10-01", "--to", "2021-11-30",
                            "--format", "json", "-w", path).stdout)
    assert metric["rows"] == [{"value": st["original_posts"]}]
    cat = json.loads(cli("metrics", "--json", "-w", path).stdout)
    here = {c["name"]: c["in_workspace"] for c in cat}
    assert here["engagements"] == ["x"] and here["impressions"] == []
    assert json.loads(cli("-w", path, "metrics", "--json").stdout) == cat


def test_page_and_channel_exports_hold_no_replies(real, tmp_path):
    """A YouTube Studio content export lists videos, never the channel's replies (docs/formats.md:
    "No … replies: those need the YouTube Data API"): replies and reposts are not available, not 0."""
    ws = _import(tmp_path, real("youtube-studio-ethioware", "Content"), account="@ethioware")
    span = Period.between("2024-08-01", "2024-08-31", "UTC")
    for name in ("replies", "reposts"):
        assert value(ws, name, span) is None, name
        assert "no import covering" in run(ws, name, from_="2024-08-01", to="2024-08-31").reason
    ws.close()


# -- what each import's files could hold (issue 9's last gaps) ---------------------------------------
WOMENINAI = "linkedin-page-womeninai-usa"


def _copy(src: Path, tmp_path: Path) -> Path:
    """A copy of one file of a real export, alone in a folder (a user who has only that file)."""
    out = tmp_path / "only" / src.name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(src.read_bytes())
    return out


def test_linkedin_page_impressions_total_the_daily_sheet(real, tmp_path):
    """Counted with pandas from the CSV conversion of LinkedIn's content export (sheet
    Metrics): `Impressions (total)` over its 365 days sums to 170,398 (the owner's README
    says the same); per month with pandas' groupby on the ISO date's first 7 characters."""
    pd = pytest.importorskip("pandas")
    path = real(WOMENINAI, "women_in_ai_usa_clean.csv")
    d = pd.read_csv(path)
    total = int(d["Impressions (total)"].sum())
    by_month = {m: int(v) for m, v in d.groupby(d["Date"].str[:7])["Impressions (total)"].sum().items()}
    assert (total, len(d)) == (170_398, 365)
    ws = _import(tmp_path, _copy(path, tmp_path), account="@womeninaiusa")
    p = Period.between(d["Date"].min(), d["Date"].max(), "UTC")
    assert value(ws, "page_impressions", p) == total  # fed nothing before: not in the catalogue
    assert value(ws, "page_impressions", p, ("month",)) == by_month
    assert value(ws, "page_impressions", p, ("account_id",)) == {"linkedin:womeninaiusa": total}
    # impressions of posts (post_metrics) are another figure: this file has no posts
    assert value(ws, "impressions", p) is None
    ws.close()
    assert platforms_for(CATALOGUE["page_impressions"]) == ["linkedin"]


def test_linkedin_page_impressions_from_the_raw_xls(real, tmp_path):
    """The raw .xls (xlrd, sheet Metrics, header on row 2): `Impressions (total)` over 365 days
    sums to 50,998; before 0008 the day was kept as a raw item only."""
    xlrd = pytest.importorskip("xlrd")
    path = real("linkedin-page-ethioware", "Linkedin 1 year stat.xls")
    sheet = xlrd.open_workbook(str(path)).sheet_by_name("Metrics")
    col = sheet.row_values(1).index("Impressions (total)")
    days = {datetime.strptime(sheet.cell_value(i, 0), "%m/%d/%Y").date(): sheet.cell_value(i, col)
            for i in range(2, sheet.nrows)}
    assert (len(days), sum(days.values())) == (365, 50_998)
    ws = _import(tmp_path, path, account="@ethioware")
    p = Period.between(min(days), max(days), "UTC")
    assert value(ws, "page_impressions", p) == 50_998
    assert value(ws, "page_impressions", p, ("day",)) == {d: int(v) for d, v in days.items()}
    ws.close()


def test_page_impressions_not_available_where_no_import_gives_them(real, tmp_path):
    ws = _import(tmp_path, real(RTI))
    res = run(ws, "page_impressions", from_="2021-01-01", to="2021-01-31")
    assert res.rows() == [{"value": None}]
    assert res.reason == "no import covering January 2021 holds daily page impressions (the X/Twitter account archive does not)"
    ws.close()


@pytest.mark.parametrize("name", ["women_in_ai_usa_followers.csv", "women_in_ai_usa_clean.csv"])
def test_linkedin_daily_file_alone_holds_no_posts(real, tmp_path, name):
    """A LinkedIn followers export (or the content export's daily Metrics sheet alone, as
    converted) holds no posts: `posts` over the days it covers was 0, it is not available."""
    src = real(WOMENINAI, name)
    with src.open(newline="", encoding="utf-8") as f:
        dates = [r["Date"] for r in csv.DictReader(f)]
    assert len(dates) == 365
    ws = _import(tmp_path, _copy(src, tmp_path), account="@womeninaiusa")
    p = Period.between(min(dates), max(dates), "UTC")
    assert value(ws, "engagements", p) is None
    for metric in ("posts", "published", "replies"):  # counts: every month NULL, none 0
        assert value(ws, metric, p) is None, metric
        by_month = value(ws, metric, p, ("month",))
        assert set(by_month) == set(p.month_days()) and set(by_month.values()) == {None}, metric
    res = run(ws, "posts", from_=min(dates), to=max(dates))
    kind = "new followers" if "followers" in name else "daily page totals"
    assert f"LinkedIn Page analytics export ({kind}) does not" in res.reason, res.reason
    assert "they come from: LinkedIn Page analytics export (posts)" in res.reason, res.reason
    ws.close()


def test_linkedin_content_export_still_says_0_posts_in_a_month_without(real, tmp_path):
    """The content .xls holds the sheet `All posts`: a month it covers without posts is 0
    (counted with xlrd from `Created date`)."""
    xlrd = pytest.importorskip("xlrd")
    path = real("linkedin-page-ethioware", "Linkedin 1 year stat.xls")
    book = xlrd.open_workbook(str(path))
    posts = book.sheet_by_name("All posts")
    ci = posts.row_values(1).index("Created date")
    months = Counter(datetime.strptime(posts.cell_value(i, ci), "%m/%d/%Y").strftime("%Y-%m")
                     for i in range(2, posts.nrows))
    ws = _import(tmp_path, path, account="@ethioware")
    span = Period.between("2024-08-01", "2025-07-31", "UTC")  # the Metrics sheet runs 2024-07-30..2025-07-29
    got = value(ws, "posts", span, ("month",))
    assert got == {m: months.get(m, 0) for m in span.month_days()}
    assert sum(got.values()) == 53
    ws.close()


def test_bluesky_flat_posts_without_a_declared_handle_hold_no_inbound(real, tmp_path, cli):
    """Without the organisation's handles, every flat post is filed as its author's own post:
    the import holds no one else's messages, so inbound interactions are not available (were
    0). With a handle declared, the others' posts are mentions: counted from the JSON (distinct
    post_id whose author is not the declared one)."""
    path = real("bluesky-posts-nyc-health-search", "bluesky_posts.json")
    objs = json.loads(path.read_text(encoding="utf-8"))
    others = {o["post_id"] for o in objs if o["author"] != "nypost.com"}
    days = sorted(o["created_at"][:10] for o in objs)
    span = Period.between(days[0], days[-1], "UTC")
    ws = _import(tmp_path, path)
    assert value(ws, "inbound_interactions", span) is None
    res = run(ws, "inbound_interactions", from_=days[0], to=days[-1])
    assert "once the profile names the organisation's Bluesky handles" in res.reason, res.reason
    ws.close()

    declared = tmp_path / "declared"
    cli("init", declared, "--name", "Test", "--timezone", "UTC")
    cli("accounts", "add", "bluesky:@nypost.com", "-w", declared)
    cli("import", path, "-w", declared)
    with Workspace.open(declared) as w:
        assert len(others) == 89
        assert value(w, "inbound_interactions", span) == len(others)


def test_tiktok_follower_files_alone_hold_no_videos(real, tmp_path):
    """The Meta sample folder holds TikTok Studio's FollowerHistory.csv and Viewers.csv, not
    its Content.csv (a copy of those two alone, so the Facebook files need no Page): TikTok posts over the days they cover were 0, they are not available."""
    folder = real("meta-facebook-page-pcmerchandise", "page-level-metrics")
    for name in ("FollowerHistory.csv", "Viewers.csv"):  # TikTok Studio's files of the folder
        _copy(folder / name, tmp_path)
    ws = _import(tmp_path, tmp_path / "only")
    [(first, last, n)] = ws.store.con.execute(
        "SELECT min(date), max(date), count(*) FROM audience_daily WHERE platform = 'tiktok'").fetchall()
    assert n > 0 and ws.store.rows("SELECT count(*) AS n FROM posts WHERE platform = 'tiktok'") == [{"n": 0}]
    p = Period.between(first.isoformat(), last.isoformat(), "UTC")
    res = run(ws, "posts", from_=first.isoformat(), to=last.isoformat(), platform="tiktok")
    assert res.rows() == [{"value": None}]  # was 0
    assert "TikTok Studio analytics export (FollowerHistory.csv, Viewers.csv) does not" in res.reason, res.reason
    assert value(ws, "followers", p, ("platform",))["tiktok"] is not None  # what the files do hold
    ws.close()
