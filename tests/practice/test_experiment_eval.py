"""Experiments are judged as a change: the platform's measure before and after the start,
against the organisation's other platforms over the same weeks (difference in differences).

The worlds here are generated in the test, written as canonical CSV and imported through the
real importer. Expected effects are recomputed from the generated rows with pandas, written
independently of smi.practice.evaluate.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from smi.practice import PracticeError
from smi.practice.evaluate import did, evaluate_experiments
from smi.practice.experiments import start_experiment
from smi.workspace import Workspace

BEFORE = (date(2025, 3, 4), date(2025, 3, 31))
AFTER = (date(2025, 4, 1), date(2025, 4, 28))  # 28 days each
SEASON = 1.25  # everything does better in April, on every platform: not the experiment's doing


def _posts(rng: np.random.Generator, platform: str, days: tuple[date, date], per_day: int,
           video_share: float, rates: dict[str, float]) -> list[dict]:
    rows = []
    d = days[0]
    while d <= days[1]:
        for k in range(per_day):
            fmt = "video" if rng.random() < video_share else "image"
            impressions = int(rng.integers(800, 1200))
            rate = rates[fmt] * (SEASON if d >= AFTER[0] else 1.0)
            engagements = int(rng.binomial(impressions, rate))
            rows.append({
                "platform": platform, "post_id": f"{platform}-{d:%m%d}-{k}", "account": "@ourtheatre",
                "published_at": f"{d.isoformat()} {10 + k}:00", "kind": "original", "format": fmt,
                "text": f"post {k}", "language": "en", "impressions": impressions, "reactions": engagements,
                "comments": 0, "shares": 0, "observed_at": "2025-06-01T00:00:00Z",
            })
        d += timedelta(days=1)
    return rows


def _world(make_ws, cli, ig: tuple[float, float], rates: dict[str, float], seed: int = 1):
    """Instagram with `ig` = (video share before, after); Facebook unchanged (30% video)."""
    rng = np.random.default_rng(seed)
    rows = []
    for days in (BEFORE, AFTER):
        share = ig[0] if days == BEFORE else ig[1]
        rows += _posts(rng, "instagram", days, 2, share, rates)
        rows += _posts(rng, "facebook", days, 2, 0.3, rates)
    path = make_ws()
    for p in ("instagram", "facebook"):
        cli("accounts", "add", f"{p}:@ourtheatre", "--official", "-w", path)
    df = pd.DataFrame(rows)
    df.to_csv(path / "world-posts.csv", index=False)
    cli("import", path / "world-posts.csv", "-w", path)
    return path, df


def _expected_did(df: pd.DataFrame) -> float:
    """(IG after / IG before) / (FB after / FB before) of the mean engagements per impression."""
    df = df.assign(rate=df.reactions / df.impressions, after=pd.to_datetime(df.published_at) >= datetime(2025, 4, 1))
    m = df.groupby(["platform", "after"]).rate.mean()
    return (m["instagram", True] / m["instagram", False]) / (m["facebook", True] / m["facebook", False])


def _judge(path, subject="format=video", metric="engagement_rate_impressions", platform="instagram"):
    with Workspace.open(path) as ws:
        start_experiment(ws, "More video on Instagram", hypothesis=None, metric=metric, subject=subject,
                         from_=AFTER[0], to=AFTER[1], platform=platform, agreed_on=AFTER[0])
        (row,) = evaluate_experiments(ws, "2025-04")
    return row


def test_more_video_that_does_better_worked(make_ws, cli):
    path, df = _world(make_ws, cli, ig=(0.2, 0.7), rates={"video": 0.08, "image": 0.04})
    row = _judge(path)
    r = row["result"]
    assert row["verdict"] == "worked", r
    assert r["ratio"] == pytest.approx(_expected_did(df), rel=1e-9)
    assert 1.3 < r["ratio"] < 1.55  # by construction about (0.7*.08+.3*.04)/(.2*.08+.8*.04) = 1.42
    assert r["ratio_ci95"][0] > 1 and r["p_value"] < 0.05
    assert r["n"] == {"platform_before": 56, "platform_after": 56, "others_before": 56, "others_after": 56}
    assert r["dose"]["before"] == pytest.approx(df[(df.platform == "instagram") & (df.published_at < "2025-04")]
                                                 .format.eq("video").mean())
    assert "rose ×" in r["words"] and "relative to the other platforms" in r["words"]


def test_an_advantage_that_was_always_there_is_not_credited(make_ws, cli):
    """Video always did twice as well and everything rose in April. Comparing videos with other
    posts in the window (the old method) says "worked"; nothing changed, so it must not."""
    path, _df = _world(make_ws, cli, ig=(0.5, 0.5), rates={"video": 0.08, "image": 0.04})
    row = _judge(path)
    assert row["verdict"] == "not carried out", row["result"]  # the share of video did not rise
    assert "was not made" in row["result"]["words"]


def test_more_of_a_format_that_does_no_better_has_no_effect(make_ws, cli):
    path, df = _world(make_ws, cli, ig=(0.2, 0.7), rates={"video": 0.04, "image": 0.04})
    row = _judge(path)
    assert row["verdict"] == "no detectable effect", row["result"]
    assert row["result"]["ratio"] == pytest.approx(_expected_did(df), rel=1e-9)
    lo, hi = row["result"]["ratio_ci95"]
    assert lo < 1 < hi


def test_posting_frequency(make_ws, cli):
    """Facebook goes from 1 to 3 posts a day while Instagram stays at 2: ×3 more than Instagram."""
    rng = np.random.default_rng(3)
    rates = {"video": 0.05, "image": 0.05}
    rows = (_posts(rng, "facebook", BEFORE, 1, 0.3, rates) + _posts(rng, "facebook", AFTER, 3, 0.3, rates)
            + _posts(rng, "instagram", BEFORE, 2, 0.3, rates) + _posts(rng, "instagram", AFTER, 2, 0.3, rates))
    path = make_ws()
    for p in ("instagram", "facebook"):
        cli("accounts", "add", f"{p}:@ourtheatre", "--official", "-w", path)
    pd.DataFrame(rows).to_csv(path / "freq-posts.csv", index=False)
    cli("import", path / "freq-posts.csv", "-w", path)
    row = _judge(path, subject="platform=facebook", metric="posts_per_week", platform=None)
    r = row["result"]
    # whole weeks (Monday to Sunday) inside the windows: 7-13, 14-20, 21-27 April; 10-30 March
    assert r["unit"] == "weeks" and r["n"] == dict.fromkeys(("platform_before", "platform_after", "others_before",
                                                              "others_after"), 3)
    assert row["verdict"] == "worked", r
    # a week: 7 posts before and 21 after on Facebook, 14 and 14 on Instagram
    assert r["ratio"] == pytest.approx((21 / 7) / (14 / 14))


def test_an_experiment_on_every_platform_has_no_comparison(make_ws, cli):
    path, _ = _world(make_ws, cli, ig=(0.2, 0.7), rates={"video": 0.08, "image": 0.04})
    row = _judge(path, platform=None)
    assert row["verdict"] == "too little data" and "--platform" in row["result"]["words"]


def test_a_window_chosen_afterwards_is_refused(make_ws):
    with Workspace.open(make_ws()) as ws, pytest.raises(PracticeError) as e:
        start_experiment(ws, "Video", hypothesis=None, metric="engagement_rate_impressions", subject="format=video",
                         from_="2025-01-01", to="2025-03-31", platform="instagram", agreed_on="2025-04-01")
    assert e.value.field == "--from" and "90 days before the experiment was agreed (2025-04-01)" in str(e.value)


def test_did_statistics():
    base = [0.04, 0.05, 0.06] * 5
    same = did(base, base, base, base)
    assert same["ratio"] == pytest.approx(1.0) and same["ratio_ci95"][0] < 1 < same["ratio_ci95"][1]
    doubled = did(base, [v * 2 for v in base], base, base)
    assert doubled["ratio"] == pytest.approx(2.0) and doubled["ratio_ci95"][0] > 1.5 and doubled["p_value"] < 0.01
    # everything doubled (a season): no effect
    season = did(base, [v * 2 for v in base], base, [v * 2 for v in base])
    assert season["ratio"] == pytest.approx(1.0)
    assert did(base, base, base, base) == same  # the bootstrap is seeded
    assert did([0.0] * 10, base, base, base)["ratio"] is None  # a zero mean: no ratio


def test_response_time(make_ws, cli):
    """Facebook's replies go from 10 hours to 2 after the start; X's stay at 5: the daily median
    on Facebook fell ×0.2 relative to X. Response time is better lower, so it worked."""
    rows = []
    for platform, hours in (("facebook", (10, 2)), ("x", (5, 5))):
        d = BEFORE[0]
        while d <= AFTER[1]:
            delay = hours[0] if d < AFTER[0] else hours[1]
            for k in range(3):
                asked = datetime(d.year, d.month, d.day, 8 + k, 0)
                iid = f"{platform}-{d:%m%d}-{k}"
                rows.append({"platform": platform, "interaction_id": iid, "kind": "comment", "in_reply_to": "",
                             "author": "@sam", "from_organisation": "false", "created_at": f"{asked:%Y-%m-%d %H:%M}",
                             "text": "When do doors open?"})
                rows.append({"platform": platform, "interaction_id": iid + "-r", "kind": "reply", "in_reply_to": iid,
                             "author": "@ourtheatre", "from_organisation": "true",
                             "created_at": f"{asked + timedelta(hours=delay):%Y-%m-%d %H:%M}", "text": "At six."})
            d += timedelta(days=1)
    path = make_ws()
    pd.DataFrame(rows).to_csv(path / "world-interactions.csv", index=False)
    cli("import", path / "world-interactions.csv", "-w", path)
    row = _judge(path, subject="platform=facebook", metric="first_response_minutes_median", platform=None)
    r = row["result"]
    assert r["unit"] == "days" and r["n"]["platform_after"] == 28
    assert r["ratio"] == pytest.approx((2 / 10) / (5 / 5))
    assert row["verdict"] == "worked", r
