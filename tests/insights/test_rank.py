"""Ranking and the summary's top five (one place: insights/rank.py)."""

from __future__ import annotations

from types import SimpleNamespace

from smi.insights.finding import Effect, Finding
from smi.insights.rank import rank, summary


def _f(detector: str, question: str, metric: str, value: str, effect: float, p: float) -> Finding:
    return Finding(
        detector=detector, question=question, title=f"{metric} {value}", summary="s", metric=metric,
        subject={"dimension": "platform", "value": value}, comparison="the rest", direction="higher",
        effect=Effect("ratio", effect), ci=(effect * 0.8, effect * 1.2), p_value=p, n=20,
        recommendation="r", q_value=p,
    )


def test_rank_orders_by_effect_and_confidence_and_goals():
    big = _f("a", "Q2", "engagements", "x", 3.0, 0.001)
    small = _f("a", "Q2", "engagements", "y", 1.2, 0.001)
    goal = _f("b", "Q7", "clicks", "z", 1.5, 0.001)  # log 1.5 * 2 (goal) > log 1.2
    profile = SimpleNamespace(goals=[SimpleNamespace(kpis=[SimpleNamespace(metric="clicks")])])
    ranked = rank([small, goal, big], profile)
    assert [f.subject["value"] for f in ranked] == ["x", "z", "y"]
    assert ranked[0].priority > ranked[1].priority > ranked[2].priority


def test_summary_shows_a_test_once_even_when_two_questions_read_it():
    a = _f("time", "Q5", "engagements_per_staff_hour", "facebook", 0.2, 0.001)
    b = _f("platforms", "Q3", "engagements_per_staff_hour", "facebook", 0.2, 0.001)
    c = _f("practice", "Q2", "engagement_rate_impressions", "video", 1.7, 0.001)
    assert summary([a, b, c], 2) == [a, c]
    assert summary([x.to_json() for x in (a, b, c)], 5) == [a.to_json(), c.to_json()]
