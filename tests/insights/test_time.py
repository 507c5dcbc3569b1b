"""The Q5 time detector: finds the demo's Facebook time sink, stays silent on the demo
without effects and on an empty workspace."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from smi.insights.detectors.time import weekly
from smi.insights.engine import run_month, run_tests
from smi.workspace import Workspace

MONTH = "2025-06"


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    from smi.demo import build_demo

    root = tmp_path_factory.mktemp("time")
    fx = build_demo(root / "fx", seed=7, until=MONTH, effects=True).workspace
    none = build_demo(root / "none", seed=7, until=MONTH, effects=False).workspace
    return fx, none


def test_weekly_engagements_and_hours_by_hand():
    w1, w2 = date(2025, 6, 2), date(2025, 6, 9)
    posts = pd.DataFrame({"platform": ["facebook", "facebook", "x", "facebook"],
                          "engagements": [10.0, 5.0, 100.0, 7.0], "week": [w1, w1, w1, w2]})
    effort = pd.DataFrame({"platform": ["facebook", "x", "facebook", None],
                           "minutes": [90.0, 30.0, 30.0, 600.0], "week": [w1, w1, w1, w2]})
    fb = weekly(posts, effort, ["facebook"])
    assert fb.loc[w1].tolist() == [15.0, 2.0]  # 10 + 5 engagements, (90 + 30) / 60 hours
    assert fb.loc[w2].tolist() == [7.0, 0.0]  # posts but no hours logged that week
    assert weekly(posts, effort, ["x"]).loc[w1].tolist() == [100.0, 0.5]


def test_one_time_sink_does_not_make_every_other_platform_look_efficient():
    # 16 weeks, four platforms. a, b, c: 10 hours and 300 engagements a week (30 an hour,
    # +-10% by week); d, a time sink: 50 hours for 300 engagements (6 an hour). Pooled, "the
    # other platforms" of a were (300 + 300 + 300) / (10 + 10 + 50) = 12.9 an hour, so a, b and
    # c each "returned more per hour" (x2.3): three false findings from one sink. Against the
    # typical other platform (the weekly median: 30 an hour) a is x1, and d is still x0.2.
    from types import SimpleNamespace

    from smi.insights.detectors.time import _finding

    weeks = [date(2025, 3, 3) + pd.Timedelta(days=7 * i) for i in range(16)]
    posts, effort = [], []
    for i, w in enumerate(weeks):
        for plat in ("a", "b", "c", "d"):
            wobble = 1 + 0.1 * ((i * 7 + len(plat) + ord(plat)) % 5 - 2) / 2  # 0.9 to 1.1, by hand
            posts.append({"platform": plat, "engagements": 300.0 * wobble, "week": w})
            effort.append({"platform": plat, "activity": "create", "minutes": (50 if plat == "d" else 10) * 60.0,
                           "week": w})
    posts, effort = pd.DataFrame(posts), pd.DataFrame(effort)
    ctx = SimpleNamespace(seed=0, profile=None)
    a = _finding(ctx, "a", posts, effort, ["b", "c", "d"], "16 weeks")
    d = _finding(ctx, "d", posts, effort, ["a", "b", "c"], "16 weeks")
    assert a is not None and d is not None
    assert 0.85 < a.effect.value < 1.15 and a.p_value > 0.05
    assert d.effect.value == pytest.approx(0.2, rel=0.1) and d.p_value < 0.001


def test_silent_on_an_empty_workspace(make_ws):
    ws = Workspace.open(make_ws())
    assert run_tests(ws, MONTH, only=["time"]) == []


def _shares_recounted(ws) -> tuple[float, float]:
    """Facebook's share of the staff hours and of the engagements on the platforms compared
    (Facebook, Instagram, X: Mastodon's archive has no counts), March-June 2025, recounted in
    SQL independently of the detector: minutes in the time log; reactions + comments + shares +
    saves of the latest snapshot of each original, quote or reply published in the window by the
    organisation's official accounts (staff's own accounts are theirs: Q4)."""
    plats = "('facebook', 'instagram', 'x')"
    (h,) = ws.store.rows(
        "SELECT sum(minutes) FILTER (WHERE platform = 'facebook') / sum(minutes) AS share FROM effort "
        f"WHERE platform IN {plats} AND date >= DATE '2025-03-01' AND date < DATE '2025-07-01'")
    (e,) = ws.store.rows(
        "WITH last AS (SELECT post_key, arg_max(coalesce(reactions, 0) + coalesce(comments, 0) + coalesce(shares, 0) "
        "+ coalesce(saves, 0), observed_at) AS eng FROM post_metrics GROUP BY post_key) "
        "SELECT sum(eng) FILTER (WHERE p.platform = 'facebook') / sum(eng) AS share FROM posts p "
        "JOIN last USING (post_key) JOIN accounts a USING (account_id) "
        f"WHERE p.platform IN {plats} AND kind IN ('original', 'quote', 'reply') AND a.is_official AND a.person IS NULL "
        "AND published_at >= TIMESTAMPTZ '2025-03-01 00:00:00+00' AND published_at < TIMESTAMPTZ '2025-06-30 23:00:00+00'")
    return float(h["share"]), float(e["share"])


@pytest.mark.slow
def test_finds_the_facebook_time_sink(demos):
    fx, _ = demos
    found = {f.subject["value"]: f for f in run_month(fx, MONTH, only=["time"])}
    fb = found["facebook"]
    assert fb.direction == "lower" and fb.effect.kind == "ratio" and fb.ci[1] < 1
    assert fb.effect.value < 0.5
    hours, engagements = _shares_recounted(fx)
    assert fb.summary.startswith(f"Facebook took {hours:.0%} of the staff hours")  # planted ~45%
    assert f"for {engagements:.0%} of the engagements" in fb.summary
    assert fb.evidence[0]["group"] == "Facebook" and fb.chart["$schema"].startswith("https://vega.github.io")


@pytest.mark.slow
def test_silent_without_effects(demos):
    _, none = demos
    assert len(run_tests(none, MONTH, only=["time"])) == 3  # facebook, instagram, x (mastodon has no counts)
    assert run_month(none, MONTH, only=["time"]) == []
