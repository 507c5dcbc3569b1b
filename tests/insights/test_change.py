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
    # posts (not smi's metric): 6 and 15. The forecast is May's weekday means laid over June's
    # weekdays, so the ratio is near, not equal to, the plain rate ratio (june / 30) / (may / 31)
    june, may = _linkedin_posts((2025, 6), (2025, 5))
    (f,) = [f for f in found if f.metric == "posts" and f.subject == {"dimension": "platform", "value": "linkedin", "against": "previous"}]
    assert f.effect.value == pytest.approx((june / 30) / (may / 31), rel=0.05)
    assert f.direction == "lower" and f"fell {abs(f.effect.value - 1):.0%}" in f.title
    assert [r.get("count") for r in f.evidence] == [may, None, june]  # May, June's forecast, June
    assert {f.metric for f in found} == {"posts", "inbound_interactions", "engagements_per_post",
                                         "engagement_rate_impressions", "response_rate"}


@pytest.mark.slow
def test_silent_on_the_demo_without_effects(demos):
    _, none = demos
    assert run_month(none, MONTH, only=["change"]) == []
    assert run_month(none, "2025-05", only=["change"]) == []


# -- the generated world (tests/insights/conftest.py) -------------------------------------------

WORLD = "2025-06"


def test_silent_on_a_world_with_trend_weekdays_and_no_effect(make_world):
    ws = make_world()
    tested = run_tests(ws, WORLD, only=["change"])
    assert len(tested) >= 24  # 3 platforms x 5 metrics x 2 comparisons, less what has too few
    assert run_month(ws, WORLD, only=["change"]) == []


def _epp(found, platform):
    return [f for f in found if f.metric == "engagements_per_post" and f.subject["value"] == platform]


def test_says_exposure_when_impressions_fell_and_content_when_the_rate_did(make_world):
    ws = make_world(exposure_drop="linkedin", content_drop="instagram")
    found = run_month(ws, WORLD, only=["change"])
    (li,) = [f for f in _epp(found, "linkedin") if f.subject["against"] == "baseline"]
    # planted: LinkedIn impressions per post x0.35 in June, engagements per impression unchanged
    assert li.direction == "lower" and li.title.endswith("fewer people saw the posts (exposure)")
    assert "Exposure drove it: impressions per post fell" in li.summary
    assert {"period": "driver", "value": "exposure"} in li.evidence
    (ig,) = [f for f in _epp(found, "instagram") if f.subject["against"] == "baseline"]
    # planted: Instagram engagements per impression x0.35, impressions unchanged
    assert ig.title.endswith("the same reach, less response (content)")
    assert {"period": "driver", "value": "content"} in ig.evidence
    # and nothing on Facebook, where nothing was planted
    assert not [f for f in found if f.subject["value"] == "facebook"]


def test_says_exposure_for_a_rise_too(make_world):
    ws = make_world(exposure_rise="facebook")
    found = [f for f in _epp(run_month(ws, WORLD, only=["change"]), "facebook") if f.subject["against"] == "baseline"]
    (fb,) = found
    assert fb.direction == "higher" and fb.title.endswith("more people saw the posts (exposure)")
    assert "impressions per post rose" in fb.summary


def test_no_ratio_against_next_to_nothing(make_world):
    # YouTube: 1 video in the three months before (92 days), 10 in June. Before: "posts a day rose
    # 2,486%"; a ratio against 0.011 a day says nothing. Now the difference a day, or "new".
    ws = make_world(new_platform=True)
    found = [f for f in run_month(ws, WORLD, only=["change"]) if f.subject["value"] == "youtube"]
    assert found
    for f in found:
        assert f.effect.kind == "difference" and "%" not in f.title, f.title
    (base,) = [f for f in found if f.metric == "posts" and f.subject["against"] == "baseline"]
    # by hand: 10 / 30 - 1 / 92 = 0.322 a day (forecast by weekday, so within a few hundredths)
    assert base.effect.value == pytest.approx(10 / 30 - 1 / 92, abs=0.03)
    (prev,) = [f for f in found if f.metric == "posts" and f.subject["against"] == "previous"]
    assert "new this month" in prev.title and "none in the previous month" in prev.title
