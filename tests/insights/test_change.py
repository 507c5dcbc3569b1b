"""The change detector: metrics that moved against the previous month and the three before."""

from __future__ import annotations

import math
import re

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
    keys = [(f.metric, f.subject["value"]) for f in found]
    assert len(keys) == len(set(keys))
    # posts on every platform, one finding each (both comparisons inside it)
    for platform in ("facebook", "instagram", "linkedin", "mastodon", "x"):
        assert ("posts", platform) in keys
    # LinkedIn posts in June (30 days) and May (31 days), counted in the demo generator's own
    # posts (not smi's metric): 6 and 15. The forecast is May's weekday means laid over June's
    # weekdays, so the ratio is near, not equal to, the plain rate ratio (june / 30) / (may / 31)
    june, may = _linkedin_posts((2025, 6), (2025, 5))
    (f,) = [f for f in found if f.metric == "posts" and f.subject["value"] == "linkedin"]
    prev = (june / 30) / (may / 31)
    # said in words: "Against the previous month alone it fell 58%." (the exact ratio is in the footnote)
    said = re.search(r"Against the previous month alone it (rose|fell) (\d+)%", f.summary)
    assert said, f.summary
    assert said.group(1) == ("rose" if prev > 1 else "fell")
    assert abs(int(said.group(2)) / 100 - abs(prev - 1)) < 0.05 * prev + 0.005
    assert f.evidence[0]["count"] == may and f.evidence[-1]["count"] == june  # May first, June last
    assert {f.metric for f in found} == {"posts", "inbound_interactions", "engagements_per_post",
                                         "engagement_rate_impressions", "response_rate",
                                         "impressions_per_post"} | ({"reach_per_post"} & {f.metric for f in found})


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
    assert len(tested) == 18  # 3 platforms x 6 metrics (exposure per post included), one finding each
    assert run_month(ws, WORLD, only=["change"]) == []


def _epp(found, platform):
    return [f for f in found if f.metric == "engagements_per_post" and f.subject["value"] == platform]


def test_one_finding_per_metric_and_platform(make_world):
    # one fact, one finding: before, each metric was tested and stated against the previous
    # month and again against the three months before (two findings of one fall)
    ws = make_world(exposure_drop="linkedin", content_drop="instagram")
    tested = run_tests(ws, WORLD, only=["change"])
    keys = [(f.metric, f.subject["value"]) for f in tested]
    assert len(keys) == len(set(keys))
    assert all(f.subject["against"] == "baseline" for f in tested)


def test_says_exposure_when_impressions_fell_and_content_when_the_rate_did(make_world):
    ws = make_world(exposure_drop="linkedin", content_drop="instagram")
    found = run_month(ws, WORLD, only=["change"])
    # planted: LinkedIn impressions per post x0.35 in June, engagements per impression unchanged.
    # The finding names the exposure (impressions per post), the engagement fall is its context
    (li,) = [f for f in found if f.subject["value"] == "linkedin"]
    assert li.metric == "impressions_per_post" and li.direction == "lower"
    assert li.effect.value == pytest.approx(0.35, abs=0.12)  # planted x0.35; lognormal noise
    assert "Engagements per post went with it" in li.summary
    assert "Exposure drove it: impressions per post fell" in li.summary
    # planted: Instagram engagements per impression x0.35, impressions unchanged: the rate
    # states it, with engagements per post as context (not a second finding)
    (ig,) = [f for f in found if f.subject["value"] == "instagram"]
    assert ig.metric == "engagement_rate_impressions" and ig.direction == "lower"
    assert "Content drove it" in ig.summary
    # and nothing on Facebook, where nothing was planted
    assert not [f for f in found if f.subject["value"] == "facebook"]


def test_says_exposure_for_a_rise_too(make_world):
    ws = make_world(exposure_rise="facebook")
    (fb,) = [f for f in run_month(ws, WORLD, only=["change"]) if f.subject["value"] == "facebook"]
    assert fb.metric == "impressions_per_post" and fb.direction == "higher"
    assert fb.effect.value == pytest.approx(2.5, rel=0.35)  # planted x2.5
    assert "impressions per post rose" in fb.summary


def test_no_ratio_against_next_to_nothing(make_world):
    # YouTube: 1 video in the three months before (92 days), 10 in June. Before: "posts a day rose
    # 2,486%"; a ratio against 0.011 a day says nothing. Now the difference a day, or "new".
    ws = make_world(new_platform=True)
    found = [f for f in run_month(ws, WORLD, only=["change"]) if f.subject["value"] == "youtube"]
    assert found
    for f in found:
        assert f.effect.kind == "difference" and "%" not in f.title, f.title
    (base,) = [f for f in found if f.metric == "posts"]
    # by hand: 10 / 30 - 1 / 92 = 0.322 a day (forecast by weekday, so within a few hundredths)
    assert base.effect.value == pytest.approx(10 / 30 - 1 / 92, abs=0.03)
    # May had none: against the previous month alone the difference is the whole 10 / 30 a day
    assert "Against the previous month alone it rose by 0.3" in base.summary
