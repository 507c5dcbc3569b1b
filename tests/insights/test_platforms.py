"""The Q3 platforms detector: reads the demo's Facebook as 'reduce' on a significant test,
stays silent on the demo without effects and on an empty workspace."""

from __future__ import annotations

import pytest

from smi.insights.detectors.platforms import EFFICIENCY, reading
from smi.insights.engine import run_month, run_tests
from smi.insights.stats import Comparison
from smi.workspace import Workspace

MONTH = "2025-06"


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    from smi.demo import build_demo

    root = tmp_path_factory.mktemp("platforms")
    fx = build_demo(root / "fx", seed=7, until=MONTH, effects=True).workspace
    none = build_demo(root / "none", seed=7, until=MONTH, effects=False).workspace
    return fx, none


def _c(p: float, a: float, b: float) -> Comparison:
    return Comparison(p_value=p, ratio=a / b, ratio_ci=(0.5, 2.0), difference=a - b, difference_ci=(-1, 1),
                      n_a=10, n_b=10, mean_a=a, mean_b=b)


def test_reading_follows_the_documented_table():
    up, down, flat = _c(0.01, 2, 1), _c(0.01, 1, 2), _c(0.5, 1, 2)
    assert reading(up, up) == "grow"
    assert reading(up, None) == "grow"
    assert reading(up, down) == "keep"
    assert reading(flat, up) == "grow"
    assert reading(None, down) == "reconsider"
    assert reading(down, up) == "keep"
    assert reading(down, flat) == "reduce"
    assert reading(down, down) == "reconsider"
    assert reading(flat, flat) is None  # no significant test, no reading


def test_silent_on_an_empty_workspace(make_ws):
    ws = Workspace.open(make_ws())
    assert run_tests(ws, MONTH, only=["platforms"]) == []


@pytest.mark.slow
def test_reads_facebook_as_reduce(demos):
    fx, _ = demos
    found = {(f.subject["value"], f.metric): f for f in run_month(fx, MONTH, only=["platforms"])}
    fb = found[("facebook", EFFICIENCY)]
    assert fb.direction == "lower" and fb.ci[1] < 1 and fb.q_value <= 0.05
    assert fb.title == "Facebook: reduce the time on it" and fb.recommendation.startswith("Reduce the time on Facebook")
    assert "Reading:" not in fb.summary  # the reading is the title, said in words, not a label in the summary
    assert any(r.get("kpi") == "click_through_rate" for r in fb.evidence)  # goal context
    assert fb.chart["$schema"].startswith("https://vega.github.io/schema/vega-lite")


@pytest.mark.slow
def test_silent_without_effects(demos):
    _, none = demos
    tested = run_tests(none, MONTH, only=["platforms"])
    # efficiency: facebook, instagram, x; growth: every platform with official follower counts (5)
    assert len(tested) == 8
    assert run_month(none, MONTH, only=["platforms"]) == []


# -- the generated world (tests/insights/conftest.py): followers grow by 7 a day, every day -----

def test_constant_daily_gain_is_no_finding(make_world):
    # Before: growth per 1,000 followers falls smoothly as the audience grows (7 / 5,000 then
    # 7 / 5,200 ...), days were tested as independent samples and every platform read
    # "reconsider" at q < 1e-14 for a x0.95 change.
    ws = make_world()
    tested = run_tests(ws, MONTH, only=["platforms"])
    assert {f.metric for f in tested} == {"net_follower_growth_per_1000"}
    assert len(tested) == 3  # one growth test per platform: the month's tests are still counted
    assert run_month(ws, MONTH, only=["platforms"]) == []


def test_a_change_in_pace_is_found(make_world):
    ws = make_world(growth_boost="facebook")
    found = {f.subject["value"]: f for f in run_month(ws, MONTH, only=["platforms"])}
    assert set(found) == {"facebook"}
    f = found["facebook"]
    # by hand: Facebook starts at 4,000 + 7 x 151 days (1 Jan to 31 May) = 5,057 followers and gains
    # 28 a day in June, ~5.4 per 1,000 a day, against 7 a day, ~1.3 per 1,000, forecast: a shift of ~4
    assert f.effect.kind == "difference" and 3.5 < f.effect.value < 4.5
    assert f.direction == "higher" and f.title == "Facebook: grow it"
    assert f.ci[0] < f.effect.value < f.ci[1]
