"""Metrics against hand calculations on real exports (through the `real` fixture).

Every expected number was worked out outside smi, from the files themselves: awk over the
UCI CSV, Python's csv module over the Meta export, json over the X archive (the commands
are in the comments).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from smi.importer import run_import
from smi.metrics import Period, get
from smi.metrics.tables import TableCache
from smi.workspace import Workspace

UCI = ("uci-facebook-metrics", "dataset_Facebook.csv")
META = ("meta-facebook-page-pcmerchandise", "organic-posts", "Sep-01-2025_Sep-30-2025_2855862537940540.csv")
FANFARE = ("x-archive-fanfarestiphout", "tweets.js")
TYPES = {"Photo": "image", "Status": "text", "Link": "link", "Video": "video"}


def values(con, name: str, period: Period, by: tuple[str, ...] = ()) -> dict | float | int | None:
    rows = get(name).build(con, period, by).to_pyarrow().to_pylist()
    if not by:
        return rows[0]["value"]
    return {tuple(r[b] for b in by) if len(by) > 1 else r[by[0]]: r["value"] for r in rows}


# -- UCI Facebook metrics (Moro, Rita & Vala 2016; CC BY 4.0) ----------------------------------------
def uci_to_canonical(src: Path, out: Path, months: tuple[int, ...]) -> int:
    """Write the UCI posts of `months` (2014) as canonical posts.csv and audience.csv.

    UCI gives month, weekday and hour, not dates. Each post is dated on day k of its month,
    k = the rank of its `Page total likes` within the month (likes only grow, so the order
    is the page's), at its `Post Hour`; the page's likes that day are the followers. So a
    post's followers on its day are its own `Page total likes`.
    """
    with src.open(newline="", encoding="ascii") as f:
        rows = [r for r in csv.DictReader(f, delimiter=";") if int(r["Post Month"]) in months]
    days = {m: sorted({int(r["Page total likes"]) for r in rows if int(r["Post Month"]) == m}) for m in months}
    posts, audience = [], {}
    for i, r in enumerate(rows):
        m, likes = int(r["Post Month"]), int(r["Page total likes"])
        day = days[m].index(likes) + 1
        date = f"2014-{m:02d}-{day:02d}"
        posts.append({
            "platform": "facebook", "post_id": f"uci{i + 1}", "account": "cosmetics",
            "published_at": f"{date}T{int(r['Post Hour']):02d}:00:00Z", "kind": "original",
            "format": TYPES[r["Type"]], "labels": f"category {r['Category']}",
            "impressions": r["Lifetime Post Total Impressions"], "reach": r["Lifetime Post Total Reach"],
            "reactions": r["like"], "comments": r["comment"], "shares": r["share"],
            "observed_at": "2015-01-01T00:00:00Z",
        })
        audience[date] = {"platform": "facebook", "account": "cosmetics", "date": date, "followers": likes}
    for name, items in (("posts.csv", posts), ("audience.csv", list(audience.values()))):
        with (out / name).open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(items[0]))
            w.writeheader()
            w.writerows(items)
    return len(posts)


@pytest.fixture
def uci(real, tmp_path):
    root = tmp_path
    (root / "in").mkdir()
    assert uci_to_canonical(real(*UCI), root / "in", (10, 12)) == 110
    ws = Workspace.create(root / "ws", name="UCI cosmetics brand", timezone="UTC")
    assert not run_import(ws, [root / "in"]).failed
    yield TableCache(ws.store.ibis())
    ws.close()


DEC = Period.month("2014-12", "UTC")
OCT = Period.month("2014-10", "UTC")


def test_uci_december_rates(uci):
    # tr -d '\r' < dataset_Facebook.csv | awk -F';' 'NR>1 && $4==12 {n++; e=$16+$17+$18; E+=e;
    #   im+=$9; re+=$8; fl+=$1; ri+=e/$9; rr+=e/$8; rf+=e/$1} END {...}'
    # -> n=50, engagements 10,067 (= Total Interactions), impressions 887,525, reach 488,288,
    #    sum of Page total likes 6,941,456; comments 313, likes 8,609, shares 1,145.
    assert values(uci, "posts", DEC) == 50
    assert values(uci, "engagements", DEC) == 10067
    assert values(uci, "impressions", DEC) == 887525
    assert values(uci, "reach", DEC) == 488288
    assert values(uci, "views", DEC) is None  # UCI has no views: not available, not 0
    assert values(uci, "engagement_rate_impressions", DEC) == pytest.approx(10067 / 887525, rel=1e-12)
    assert values(uci, "engagement_rate_impressions_mean", DEC) == pytest.approx(0.0133984742672096, rel=1e-12)
    assert values(uci, "engagement_rate_reach", DEC) == pytest.approx(10067 / 488288, rel=1e-12)
    assert values(uci, "engagement_rate_reach_mean", DEC) == pytest.approx(0.0242897138786438, rel=1e-12)
    assert values(uci, "engagement_rate_followers", DEC) == pytest.approx(10067 / 6941456, rel=1e-12)
    assert values(uci, "engagement_rate_followers_mean", DEC) == pytest.approx(0.00144877662045964, rel=1e-12)
    assert values(uci, "conversation_rate", DEC) == pytest.approx(313 / 50)
    assert values(uci, "amplification_rate", DEC) == pytest.approx(1145 / 50)
    assert values(uci, "applause_rate", DEC) == pytest.approx(8609 / 50)
    assert values(uci, "applause_rate_followers", DEC) == pytest.approx(8609 / 6941456, rel=1e-12)
    assert values(uci, "click_through_rate", DEC) is None  # no clicks in UCI
    assert values(uci, "saves_rate", DEC) is None


def test_uci_october_missing_cells_are_not_zero(uci):
    # October: 60 posts; row 112 has like and share blank, rows 121 and 125 share blank.
    # awk: comments 362, likes 9,239 over 59 posts with a like, shares 1,373 over 57.
    assert values(uci, "posts", OCT) == 60
    assert values(uci, "applause_rate", OCT) == pytest.approx(9239 / 59)
    assert values(uci, "amplification_rate", OCT) == pytest.approx(1373 / 57)
    assert values(uci, "conversation_rate", OCT) == pytest.approx(362 / 60)
    # Engagements: row 112 still has its comments (0), so it counts 0, the blanks nothing.
    assert values(uci, "engagements", OCT) == 362 + 9239 + 1373


def test_uci_breakdowns(uci, real):
    # awk '$4==12 {print $2}' | sort | uniq -c: Photo 31, Status 12, Link 6, Video 1.
    assert values(uci, "posts", DEC, ("format",)) == {"image": 31, "text": 12, "link": 6, "video": 1}
    # awk '$4==12 {print $6}' | sort | uniq -c: hours 3: 20, 10: 13, 11: 8, 9: 4, 2: 3, 5: 1, 12: 1.
    assert values(uci, "posts", DEC, ("hour",)) == {3: 20, 10: 13, 11: 8, 9: 4, 2: 3, 5: 1, 12: 1}
    by_label = values(uci, "posts", DEC, ("label",))
    assert sum(by_label.values()) == 50 and set(by_label) <= {"category 1", "category 2", "category 3"}
    both = values(uci, "engagements", DEC.months_to(DEC, 3), ("month",))
    assert both == {"2014-10": 10974, "2014-12": 10067}  # no November rows were converted
    # Followers at month end: the page's largest Page total likes in the month.
    assert values(uci, "followers", DEC) == 139441
    # awk: October's Page total likes run from its smallest to largest value:
    oct_likes = sorted({int(r["Page total likes"]) for r in _uci_rows(real(*UCI), 10)})
    assert values(uci, "net_follower_growth", OCT) == oct_likes[-1] - oct_likes[0]
    assert values(uci, "follower_growth_rate", OCT) == pytest.approx((oct_likes[-1] - oct_likes[0]) / oct_likes[0])


def _uci_rows(path: Path, month: int) -> list[dict]:
    with path.open(newline="", encoding="ascii") as f:
        return [r for r in csv.DictReader(f, delimiter=";") if int(r["Post Month"]) == month]


# -- Meta Facebook page export (PC Merchandise, September 2025) -------------------------------------
def test_meta_page_reach_reactions_and_rate(real, tmp_path):
    ws = Workspace.create(tmp_path / "ws", name="PC Merchandise", timezone="UTC")
    assert not run_import(ws, [real(*META)]).failed
    con = TableCache(ws.store.ibis())
    sep = Period.month("2025-09", "UTC")
    # Python csv over the file: 81 rows, one with `Is share` = 1 (a repost: left out).
    # The 80 others: Reach 166,233; Reactions 1,343; Reactions + Comments + Shares 1,712;
    # Views 265,242; mean of per-post (R + C + S) / Reach 0.01074664664985556.
    assert values(con, "posts", sep) == 80 and values(con, "reposts", sep) == 1
    assert values(con, "reach", sep) == 166233
    assert values(con, "views", sep) == 265242
    assert values(con, "engagements", sep) == 1712
    assert values(con, "applause_rate", sep) == pytest.approx(1343 / 80)
    assert values(con, "engagement_rate_reach", sep) == pytest.approx(1712 / 166233, rel=1e-12)
    assert values(con, "engagement_rate_reach_mean", sep) == pytest.approx(0.01074664664985556, rel=1e-12)
    assert values(con, "impressions", sep) is None  # this export has Views, not Impressions
    assert values(con, "engagement_rate_impressions", sep) is None
    # By format: Reels 44 (reach 72,842, R+C+S 778), Photos 35 (92,225, 913), Videos 1 (1,166, 21).
    assert values(con, "engagement_rate_reach", sep, ("format",)) == pytest.approx(
        {"reel": 778 / 72842, "image": 913 / 92225, "video": 21 / 1166}, rel=1e-12)
    ws.close()


# -- X archive (@fanfarestiphout) ---------------------------------------------------------------------
def test_x_archive_posts_replies_engagements_per_month(real, tmp_path):
    ws = Workspace.create(tmp_path / "ws", name="Fanfare", timezone="UTC")
    from smi.sources.base import ImportOptions

    assert not run_import(ws, [real(*FANFARE)], options=ImportOptions(account="@fanfarestiphout")).failed
    con = TableCache(ws.store.ibis())
    # json over tweets.js (created_at by strptime '%a %b %d %H:%M:%S %z %Y'): a text starting
    # 'RT @' is a repost, in_reply_to_status_id_str a reply; engagements = favorite_count +
    # retweet_count of the others.
    # 2012-10: 14 posts, 1 reply, 1 repost, engagements 2; 2019-11: 13 posts, 0, 0, 24.
    oct12, nov19 = Period.month("2012-10", "UTC"), Period.month("2019-11", "UTC")
    assert (values(con, "posts", oct12), values(con, "replies", oct12), values(con, "reposts", oct12)) == (14, 1, 1)
    assert values(con, "engagements", oct12) == 2
    assert (values(con, "posts", nov19), values(con, "replies", nov19)) == (13, 0)
    assert values(con, "engagements", nov19) == 24
    # The archive has no impressions or comments: those are not available, not 0.
    assert values(con, "impressions", nov19) is None
    assert values(con, "conversation_rate", nov19) is None
    assert values(con, "share_repost", oct12) == pytest.approx(1 / 16)
    ws.close()
