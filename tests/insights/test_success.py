"""The Q7 success detector: each goal KPI against its target and its own baseline."""

from __future__ import annotations

import math

import numpy as np
import pytest

from smi.insights.detectors.success import garwood, poisson_test, ratio_of_sums
from smi.insights.engine import Context, run_month, run_tests
from smi.metrics.period import Period

MONTH = "2025-06"


def test_exact_poisson_test_by_hand():
    # P(X <= 3 | mean 10) = e^-10 (1 + 10 + 50 + 166.67) = 0.010336; two-sided: doubled
    assert poisson_test(3, 10) == pytest.approx(2 * math.exp(-10) * (1 + 10 + 50 + 1000 / 6), rel=1e-9)
    assert poisson_test(10, 10) == 1.0  # both tails are over half: capped at 1
    assert poisson_test(0, 0.5) == pytest.approx(min(1.0, 2 * math.exp(-0.5)))


def test_garwood_interval_matches_the_published_table():
    # exact 95% limits for a count of 3: 0.619 and 8.767 (e.g. Ulm 1990 tables)
    lo, hi = garwood(3)
    assert lo == pytest.approx(0.6187, abs=1e-4) and hi == pytest.approx(8.7673, abs=1e-4)
    assert garwood(0) == (0.0, pytest.approx(3.6889, abs=1e-4))


def test_ratio_of_sums_is_the_kpi_value_and_a_far_target_is_significant():
    num = np.array([1.0, 2.0, 3.0, 4.0] * 5)
    den = np.array([100.0, 100.0, 100.0, 100.0] * 5)
    value, (lo, hi), p = ratio_of_sums(num, den, target=0.05, seed=0)
    assert value == pytest.approx(50 / 2000)  # sum 50 over sum 2000
    assert lo <= value <= hi
    assert p < 0.001  # 0.025 against a target of 0.05: every resample is below it
    _, _, p_same = ratio_of_sums(num, den, target=0.025, seed=0)
    assert p_same > 0.5


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    from smi.demo import build_demo

    root = tmp_path_factory.mktemp("success")
    fx = build_demo(root / "fx", seed=7, until=MONTH, effects=True).workspace
    none = build_demo(root / "none", seed=7, until=MONTH, effects=False).workspace
    yield fx, none
    fx.close()
    none.close()


def _by(found, metric, against):
    return [f for f in found if f.metric == metric and f.subject["against"] == against]


@pytest.mark.slow
def test_counts_against_target_and_baseline_on_the_demo(demos):
    from datetime import date

    from smi.goals import evaluate, kpi_value
    from smi.metrics.registry import load_all

    fx, _ = demos
    found = run_tests(fx, MONTH, only=["success"])
    # `smi metric unanswered_questions --month 2025-06` gives 53 over every account; the goal
    # counts the official accounts (`smi goals`), the staff's own are beside: together 53.
    _, kpis = evaluate(fx, MONTH)
    kpi = next(k for k in kpis if k.metric == "unanswered_questions")
    n = kpi.value
    assert n + kpi.staff_value == 53 and kpi.staff_value > 0
    # the target is at most 10
    (t,) = _by(found, "unanswered_questions", "target")
    assert t.effect.value == pytest.approx(n / 10) and t.direction == "higher"
    assert t.p_value == pytest.approx(poisson_test(round(n), 10))
    assert "misses its target" in t.title and t.n == 30
    # baseline: March-May (92 days; 192 over every account) against June (30 days)
    spec = next(k for g in fx.profile.goals for k in g.kpis if k.metric == "unanswered_questions")
    before = kpi_value(fx.store.ibis(), spec, Period.between(date(2025, 3, 1), date(2025, 5, 31), "Europe/London"),
                       load_all(), fx.profile.business_hours)
    assert before is not None and before < 192
    (b,) = _by(found, "unanswered_questions", "baseline")
    assert b.effect.value == pytest.approx((n / 30) / (before / 92))
    # per-post rates: click-through rate 0.00501 against a target of 0.01
    (ctr,) = _by(found, "click_through_rate", "target")
    assert ctr.effect.value == pytest.approx(0.005011 / 0.01, rel=1e-3)
    assert ctr.direction == "lower" and ctr.ci[1] < 1
    # followers and response-time medians get no test here (see the module docstring)
    assert {f.metric for f in found} == {"unanswered_questions", "click_through_rate", "engagement_rate_impressions"}
    kept = run_month(fx, MONTH, only=["success"])
    assert {(f.metric, f.subject["against"]) for f in kept} >= {("unanswered_questions", "target"),
                                                                ("click_through_rate", "target")}


@pytest.mark.slow
def test_silent_without_effects_when_targets_are_where_the_kpis_are(demos):
    """Without planted effects nothing moves against its baseline; and with the targets set at
    what each KPI measured, nothing beats or misses its target."""
    _, none = demos
    kept = run_month(none, MONTH, only=["success"])
    assert [f for f in kept if f.subject["against"] == "baseline"] == []
    # targets at the measured values (from the target tests' own effect x target)
    tested = run_tests(none, MONTH, only=["success"])
    measured = {f.metric: f.effect.value for f in tested if f.subject["against"] == "target"}
    for goal in none.profile.goals:
        for kpi in goal.kpis:
            if kpi.metric in measured:
                kpi.target = kpi.target * measured[kpi.metric]
    assert run_month(none, MONTH, only=["success"]) == []


def test_no_goals_no_findings(make_ws):
    from smi.workspace import Workspace

    ws = Workspace.open(make_ws())
    assert run_tests(ws, MONTH, only=["success"]) == []
    assert Context(ws, MONTH).profile.goals == []
