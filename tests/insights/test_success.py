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


def _june_ctr(ws) -> float:
    """Click-through rate of June 2025 (Europe/London) recounted in SQL, independently of the
    catalogue: sum of clicks / sum of impressions over the latest snapshot of each original or
    quote post that has both."""
    (row,) = ws.store.rows(
        "WITH last AS (SELECT post_key, arg_max(clicks, observed_at) AS c, arg_max(impressions, observed_at) AS i "
        "FROM post_metrics GROUP BY post_key) "
        "SELECT sum(c) / sum(i) AS ctr FROM posts JOIN last USING (post_key) "
        "WHERE kind IN ('original', 'quote') AND c IS NOT NULL AND i > 0 "
        "AND published_at >= TIMESTAMPTZ '2025-05-31 23:00:00+00' AND published_at < TIMESTAMPTZ '2025-06-30 23:00:00+00'")
    return float(row["ctr"])


def _unanswered_truth(first, end) -> int:
    """Questions the demo's generator wrote (its own `question` flag, not smi's question rule)
    that it never answered, asked between two local dates: the truth the KPI should count."""
    from datetime import date
    from zoneinfo import ZoneInfo

    from smi.demo.generate import generate
    from smi.demo.organisation import load_organisation, load_phrases

    world = generate(load_organisation(), load_phrases(), seed=7, last_month=date(2025, 6, 1), effects=True)
    answered = {i.in_reply_to for i in world.interactions if i.from_organisation}
    tz = ZoneInfo("Europe/London")
    return sum(1 for i in world.interactions if not i.from_organisation and i.question
               and i.native_id not in answered and first <= i.created.astimezone(tz).date() < end)


def unanswered_by_sql(ws, start: str, end: str) -> int:
    """Inbound items from `start` to before `end` (Europe/London midnight) that carry a question
    mark and got no organisation reply. In the demo every audience question is one of the
    [[questions]] phrases (all end with "?") and no comment is a question (read from
    src/smi/demo/phrases.toml), so this is the hand-labelled count."""
    [row] = ws.store.rows(f"""
        WITH replies AS (
            SELECT platform, in_reply_to AS target, created_at AS at FROM interactions
            WHERE from_organisation AND in_reply_to IS NOT NULL
            UNION ALL
            SELECT platform, in_reply_to, published_at FROM posts WHERE kind = 'reply' AND in_reply_to IS NOT NULL)
        SELECT count(*) AS n FROM interactions i
        WHERE NOT i.from_organisation AND i.text LIKE '%?%'
          AND i.created_at >= timezone('Europe/London', TIMESTAMP '{start}')
          AND i.created_at < timezone('Europe/London', TIMESTAMP '{end}')
          AND NOT EXISTS (SELECT 1 FROM replies r WHERE r.platform = i.platform AND r.target = i.native_id
                          AND r.at >= i.created_at)""")
    return row["n"]


@pytest.mark.slow
def test_counts_against_target_and_baseline_on_the_demo(demos):
    from datetime import date

    from smi.goals import evaluate, kpi_value
    from smi.metrics.registry import load_all

    fx, _ = demos
    found = run_tests(fx, MONTH, only=["success"])
    # every account's unanswered questions, counted in SQL; the goal counts the official
    # accounts (`smi goals`), the staff's own are beside it: together, every account's
    june_all = unanswered_by_sql(fx, "2025-06-01", "2025-07-01")
    spring_all = unanswered_by_sql(fx, "2025-03-01", "2025-06-01")
    _, kpis = evaluate(fx, MONTH)
    kpi = next(k for k in kpis if k.metric == "unanswered_questions")
    n = kpi.value
    assert n + kpi.staff_value == june_all and kpi.staff_value > 0
    assert n > 10  # the target is at most 10
    (t,) = _by(found, "unanswered_questions", "target")
    assert t.effect.value == pytest.approx(n / 10) and t.direction == "higher"
    assert t.p_value == pytest.approx(poisson_test(round(n), 10))
    assert "misses its target" in t.title and t.n == 30
    # baseline: March-May (92 days) against June (30 days), official accounts
    spec = next(k for g in fx.profile.goals for k in g.kpis if k.metric == "unanswered_questions")
    before = kpi_value(fx.store.ibis(), spec, Period.between(date(2025, 3, 1), date(2025, 5, 31), "Europe/London"),
                       load_all(), fx.profile.business_hours)
    assert before is not None and before < spring_all
    (b,) = _by(found, "unanswered_questions", "baseline")
    assert b.effect.value == pytest.approx((n / 30) / (before / 92))
    # per-post rates: click-through rate 0.00501 against a target of 0.01
    (ctr,) = _by(found, "click_through_rate", "target")
    assert ctr.effect.value == pytest.approx(_june_ctr(fx) / 0.01, rel=1e-6)
    assert ctr.direction == "lower" and ctr.ci[1] < 1
    # followers and response-time medians get no test here (see the module docstring)
    assert {f.metric for f in found} == {"unanswered_questions", "click_through_rate", "engagement_rate_impressions"}
    kept = run_month(fx, MONTH, only=["success"])
    assert {(f.metric, f.subject["against"]) for f in kept} >= {("unanswered_questions", "target"),
                                                                ("click_through_rate", "target")}


@pytest.mark.slow
def test_unanswered_questions_are_the_questions_left_unanswered(demos):
    from datetime import date

    fx, _ = demos
    found = run_tests(fx, MONTH, only=["success"])
    from smi.goals import evaluate

    june = _unanswered_truth(date(2025, 6, 1), date(2025, 7, 1))  # every account's
    _, kpis = evaluate(fx, MONTH)
    kpi = next(k for k in kpis if k.metric == "unanswered_questions")
    assert kpi.value + kpi.staff_value == june  # official, with the staff's own beside
    (t,) = _by(found, "unanswered_questions", "target")
    assert t.effect.value == pytest.approx(kpi.value / 10)


@pytest.mark.slow
def test_silent_without_effects_when_targets_are_where_the_kpis_are(demos):
    """Without planted effects nothing moves against its baseline; and with the targets the
    demo builder set (each KPI's median over the 13 generated months, not June's value),
    nothing beats or misses its target. The control: a target twice as high is missed."""
    _, none = demos
    assert run_month(none, MONTH, only=["success"]) == []
    for goal in none.profile.goals:
        for kpi in goal.kpis:
            if kpi.metric == "engagement_rate_impressions":
                kpi.target = kpi.target * 2
    kept = run_month(none, MONTH, only=["success"])
    assert [(f.metric, f.subject["against"], f.direction) for f in kept] == [
        ("engagement_rate_impressions", "target", "lower")]


def test_no_goals_no_findings(make_ws):
    from smi.workspace import Workspace

    ws = Workspace.open(make_ws())
    assert run_tests(ws, MONTH, only=["success"]) == []
    assert Context(ws, MONTH).profile.goals == []
