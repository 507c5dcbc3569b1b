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
    # LinkedIn posts: 6 in June (30 days) against 15 in May (31 days), `smi metric posts --by platform`
    (f,) = [f for f in found if f.metric == "posts" and f.subject == {"dimension": "platform", "value": "linkedin", "against": "previous"}]
    assert f.effect.value == pytest.approx((6 / 30) / (15 / 31))
    assert f.direction == "lower" and "fell 59%" in f.title
    assert f.evidence[0]["count"] == 15 and f.evidence[1]["count"] == 6
    assert {f.metric for f in found} == {"posts", "inbound_interactions", "engagements_per_post",
                                         "engagement_rate_impressions", "response_rate"}


@pytest.mark.slow
def test_silent_on_the_demo_without_effects(demos):
    _, none = demos
    assert run_month(none, MONTH, only=["change"]) == []
    assert run_month(none, "2025-05", only=["change"]) == []
