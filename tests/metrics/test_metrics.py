"""The metric catalogue against hand calculations on tests/fixtures/sample_org.

Every expected number below was worked out by hand from the CSV files (see the comments):
posts.csv holds the latest snapshot (observed 2024-04-02), 2024-03-20-posts.csv an older
one for x:101 and facebook:f1 that must be ignored.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from smi.importer import run_import
from smi.metrics import Period, coverage, get, load_all
from smi.metrics.engagement import post_engagements
from smi.workspace import Workspace

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "sample_org"
MARCH = Period.month("2024-03", "UTC")
FEB = Period.month("2024-02", "UTC")


def build(path: Path, timezone: str = "UTC") -> Workspace:
    ws = Workspace.create(path, name="Sample Org", timezone=timezone)
    report = run_import(ws, [SAMPLE])
    assert not report.failed, [str(r.error) for r in report.failed]
    assert len(report.results) == 4
    return ws


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    w = build(tmp_path_factory.mktemp("sample") / "ws")
    yield w
    w.close()


def values(ws: Workspace, name: str, period: Period, by: tuple[str, ...] = ("platform",)) -> dict:
    expr = get(name).build(ws.store.ibis(), period, by)
    rows = expr.to_pyarrow().to_pylist()
    if not by:
        assert len(rows) == 1
        return rows[0]["value"]
    return {tuple(r[b] for b in by) if len(by) > 1 else r[by[0]]: r["value"] for r in rows}


# The contract over the whole catalogue is in test_catalogue.py.
def test_catalogue_has_the_first_reports_metrics():
    assert {"posts", "replies", "reposts", "engagements", "impressions", "inbound_interactions",
            "followers"} <= set(load_all())


def test_grouping_by_an_unknown_column_is_refused():
    with pytest.raises(ValueError, match="cannot be grouped by"):
        get("inbound_interactions").build(None, MARCH, ("account_id",))


# -- hand calculations -----------------------------------------------------------------------
def test_posts_replies_reposts(ws):
    # March originals/quotes: x 101, 102, 105 (23:30 on the 31st), 107 (no numbers) = 4;
    # x 106 is at 2024-04-01T00:00Z, so April. facebook f1, f2 = 2; mastodon m1 = 1.
    assert values(ws, "posts", MARCH) == {"x": 4, "facebook": 2, "mastodon": 1}
    assert values(ws, "replies", MARCH) == {"x": 1, "mastodon": 1}  # x 103, mastodon m2
    assert values(ws, "reposts", MARCH) == {"x": 1}  # x 104
    # February: x 90 and the quote 91 (2024-02-29T23:59:59Z); facebook f0.
    assert values(ws, "posts", FEB) == {"x": 2, "facebook": 1}
    assert values(ws, "posts", MARCH, ()) == 7
    assert values(ws, "posts", Period.month("2024-04", "UTC")) == {"x": 1}  # x 106
    assert values(ws, "posts", MARCH, ("platform", "account_id")) == {
        ("x", "x:ourorg"): 4, ("facebook", "facebook:ourorgpage"): 2,
        ("mastodon", "mastodon:ourorg@example.social"): 1,
    }


def test_engagements_use_the_latest_snapshot_and_skip_reposts(ws):
    # x: 101 = 10 + 2 (the 2024-03-20 snapshot said 3 + 0), 102 = 3 + 0, 103 = 1, 105 = 4 + 1,
    # 107 has no numbers (adds nothing), 104 is a repost (its 50 shares are not ours) -> 21.
    # facebook: f1 = 20 + 5 + 5 (not the older 5 + 1 + 0), f2 has none of the three -> 30.
    # mastodon: m1 = 6 + 2 + 3, m2 = 1 + 0 + 0 -> 12.
    assert values(ws, "engagements", MARCH) == {"x": 21, "facebook": 30, "mastodon": 12}
    # February: x 90 = 7 + 1, 91 = 2; facebook f0 = 10 + 0 + 2.
    assert values(ws, "engagements", FEB) == {"x": 10, "facebook": 12}
    assert values(ws, "engagements", MARCH, ()) == 63


def test_a_post_with_no_numbers_is_null_not_zero(ws):
    rows = post_engagements(ws.store.ibis(), MARCH).to_pyarrow().to_pylist()
    by_key = {r["post_key"]: r["engagements"] for r in rows}
    assert by_key["x:107"] is None
    assert by_key["facebook:f2"] is None
    assert by_key["x:101"] == 12
    assert "x:104" not in by_key  # reposts are left out


def test_impressions_not_available_where_the_data_has_none(ws):
    # facebook f1 1,000 (not the older 400) + f2 500; X and Mastodon give no impressions.
    assert values(ws, "impressions", MARCH) == {"facebook": 1500, "x": None, "mastodon": None}
    assert values(ws, "impressions", FEB) == {"facebook": 800, "x": None}


def test_inbound_interactions(ws):
    # March: x i1, i2 (i3 is ours; i5 is April); facebook c1 (c2's origin is unknown).
    assert values(ws, "inbound_interactions", MARCH) == {"x": 2, "facebook": 1}
    assert values(ws, "inbound_interactions", FEB) == {"x": 1}  # x i4


def test_followers_at_month_end(ws):
    # facebook: 31 March is blank, so 30 March's 1,100; February's last day 1,010.
    # x: 15 March 250 (1 April's 260 is April's); no February value.
    assert values(ws, "followers", MARCH) == {"facebook": 1100, "x": 250}
    assert values(ws, "followers", FEB) == {"facebook": 1010}
    assert values(ws, "followers", MARCH, ()) == 1350


def test_coverage_says_which_platform_has_which_input(ws):
    rows = coverage(ws.store.ibis()).to_pyarrow().to_pylist()
    held = {(r["platform"], r["input"]): r["rows"] for r in rows}
    assert held[("facebook", "post_metrics.impressions")] == 3  # f0, f1, f2
    assert ("x", "post_metrics.impressions") not in held
    assert ("mastodon", "post_metrics.impressions") not in held
    assert ("mastodon", "interactions.from_organisation") not in held
    assert held[("x", "interactions.from_organisation")] == 5  # i1–i5; all known
    assert held[("facebook", "interactions.from_organisation")] == 1  # c2 is unknown
    assert ("x", "post_metrics.comments") not in held  # the X rows leave comments blank


def test_month_boundaries_follow_the_workspace_time_zone(tmp_path):
    ws = build(tmp_path / "london", timezone="Europe/London")
    # x 105 at 2024-03-31T23:30Z is 00:30 BST on 1 April: April in London.
    # x 91 at 2024-02-29T23:59:59Z is still 29 February in London (GMT).
    assert values(ws, "posts", Period.month("2024-03", "Europe/London")) == {
        "x": 3, "facebook": 2, "mastodon": 1}
    assert values(ws, "posts", Period.month("2024-04", "Europe/London")) == {"x": 2}
    assert values(ws, "posts", Period.month("2024-02", "Europe/London")) == {"x": 2, "facebook": 1}
    # Bucketing by month (one query) draws the same boundaries.
    span = Period.months_to(Period.month("2024-04", "Europe/London"), 3)
    by_month = values(ws, "posts", span, ("platform", "month"))
    assert {k: v for k, v in by_month.items() if k[0] == "x"} == {
        ("x", "2024-02"): 2, ("x", "2024-03"): 3, ("x", "2024-04"): 2}
    ws.close()


def test_period_arithmetic():
    p = Period.month("2024-01", "Europe/London")
    assert p.previous().key == "2023-12"
    assert p.shift(-12).key == "2023-01"
    assert p.shift(13).key == "2025-02"
    assert p.last_day.isoformat() == "2024-01-31"
    assert Period.month("2024-03", "Europe/London").end_utc.isoformat() == "2024-03-31T23:00:00+00:00"


def test_grouping_by_month_gives_each_months_numbers(ws):
    # The same hand counts as above, in one query over February–April 2024.
    span = Period.months_to(Period.month("2024-04", "UTC"), 3)
    assert [m.key for m in span.months] == ["2024-02", "2024-03", "2024-04"]
    assert values(ws, "posts", span, ("platform", "month")) == {
        ("x", "2024-02"): 2, ("facebook", "2024-02"): 1,
        ("x", "2024-03"): 4, ("facebook", "2024-03"): 2, ("mastodon", "2024-03"): 1,
        ("x", "2024-04"): 1,
        # The sample import covers February–April on every platform: the platform-months
        # with no post are 0, not left out.
        ("facebook", "2024-04"): 0, ("mastodon", "2024-02"): 0, ("mastodon", "2024-04"): 0,
    }
    # Followers: each month's own last value (x's 1 April 260 is April's, 15 March 250 March's).
    assert values(ws, "followers", span, ("platform", "month")) == {
        ("facebook", "2024-02"): 1010, ("facebook", "2024-03"): 1100,
        ("x", "2024-03"): 250, ("x", "2024-04"): 260,
    }
    # x 106: 100 reactions, comments and shares blank.
    assert values(ws, "engagements", span, ("platform", "month"))[("x", "2024-04")] == 100
