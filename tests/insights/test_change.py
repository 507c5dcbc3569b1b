"""The change detector: metrics that moved against the previous month and the three before."""

from __future__ import annotations

import math

import pytest
from scipy import stats as sps

from smi.insights.detectors.change import _share_test
from smi.insights.engine import run_month, run_tests

MONTH = "2025-06"


def test_share_test_by_hand():
    # 40 of 50 answered against 20 of 50: ratio of shares 0.8 / 0.4 = 2
    p, ratio, (lo, hi) = _share_test(40, 50, 20, 50)
    assert ratio == pytest.approx(2.0)
    assert p == pytest.approx(sps.fisher_exact([[40, 10], [20, 30]]).pvalue)
    se = math.sqrt(1 / 40 - 1 / 50 + 1 / 20 - 1 / 50)
    assert (lo, hi) == (pytest.approx(2 * math.exp(-1.96 * se)), pytest.approx(2 * math.exp(1.96 * se)))


def _linkedin_posts(*months: tuple[int, int]) -> list[int]:
    """LinkedIn originals, quotes and replies the demo generator wrote (seed 7, until June 2025)
    in each local month."""
    from datetime import date
    from zoneinfo import ZoneInfo

    from smi.demo.generate import generate
    from smi.demo.organisation import load_organisation, load_phrases

    world = generate(load_organisation(), load_phrases(), seed=7, last_month=date(2025, 6, 1), effects=True)
    tz = ZoneInfo("Europe/London")
    local = [p.published.astimezone(tz) for p in world.posts
             if p.account.platform == "linkedin" and p.kind in ("original", "quote", "reply")]
    return [sum(1 for d in local if (d.year, d.month) == m) for m in months]


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    from smi.demo import build_demo

    root = tmp_path_factory.mktemp("change")
    fx = build_demo(root / "fx", seed=7, until=MONTH, effects=True).workspace
    none = build_demo(root / "none", seed=7, until=MONTH, effects=False).workspace
    yield fx, none
    fx.close()
    none.close()


@pytest.mark.slow
def test_every_test_is_returned_per_platform_metric_and_comparison(demos):
    fx, _ = demos
    found = run_tests(fx, MONTH, only=["change"])
    keys = [(f.metric, f.subject["value"], f.subject["against"]) for f in found]
    assert len(keys) == len(set(keys))
    # posts on every platform, against both comparisons
    for platform in ("facebook", "instagram", "linkedin", "mastodon", "x"):
        for against in ("previous", "baseline"):
            assert ("posts", platform, against) in keys
    # LinkedIn posts in June (30 days) and May (31 days), counted in the demo generator's own
    # posts (not smi's metric): 6 and 15
    june, may = _linkedin_posts((2025, 6), (2025, 5))
    (f,) = [f for f in found if f.metric == "posts" and f.subject == {"dimension": "platform", "value": "linkedin", "against": "previous"}]
    assert f.effect.value == pytest.approx((june / 30) / (may / 31))
    assert f.direction == "lower" and f"fell {abs((june / 30) / (may / 31) - 1):.0%}" in f.title
    assert f.evidence[0]["count"] == may and f.evidence[1]["count"] == june
    assert {f.metric for f in found} == {"posts", "inbound_interactions", "engagements_per_post",
                                         "engagement_rate_impressions", "response_rate"}


@pytest.mark.slow
def test_silent_on_the_demo_without_effects(demos):
    _, none = demos
    assert run_month(none, MONTH, only=["change"]) == []
    assert run_month(none, "2025-05", only=["change"]) == []
