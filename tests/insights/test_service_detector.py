"""The Q6 service detector: finds the demo's slow Facebook answers, stays silent otherwise."""

from __future__ import annotations

import pandas as pd
import pytest

from smi.insights.detectors.service import standouts
from smi.insights.engine import run_month, run_tests
from smi.insights.stats import compare_values
from smi.workspace import Workspace

MONTH = "2025-06"


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    from smi.demo import build_demo

    root = tmp_path_factory.mktemp("service")
    fx = build_demo(root / "fx", seed=7, until=MONTH, effects=True).workspace
    none = build_demo(root / "none", seed=7, until=MONTH, effects=False).workspace
    return fx, none


def test_standouts_leaves_one_slow_platform_out_of_the_reference():
    # facebook waits ~10x longer; x and instagram alike: only facebook stands out
    plat = pd.Series(["facebook"] * 30 + ["x"] * 30 + ["instagram"] * 30)
    hours = pd.Series([20.0 + i % 7 for i in range(30)] + [2.0 + (i % 5) / 5 for i in range(60)])

    def p(a, b):
        return compare_values(hours[a].to_numpy(), hours[b].to_numpy()).p_value

    assert standouts(plat, p) == {"facebook"}
    same = pd.Series([2.0 + (i % 5) / 5 for i in range(90)])
    assert standouts(plat, lambda a, b: compare_values(same[a].to_numpy(), same[b].to_numpy()).p_value) == set()


def test_silent_on_an_empty_workspace(make_ws):
    ws = Workspace.open(make_ws())
    assert run_tests(ws, MONTH, only=["service"]) == []


@pytest.mark.slow
def test_finds_facebook_questions_waiting(demos):
    fx, _ = demos
    found = run_month(fx, MONTH, only=["service"])
    slow = [f for f in found if f.metric == "first_response_hours" and f.subject["value"] == "facebook"]
    assert len(slow) == 1
    f = slow[0]
    assert f.direction == "higher" and f.question == "Q6"
    # planted: ~20 h median against ~2 h; the means' ratio is far above 5
    assert f.effect.kind == "ratio" and f.effect.value > 5 and f.ci[0] > 3
    assert "h" in f.summary and f.q_value <= 0.05
    # the slow platform does not make the others look fast
    assert not [g for g in found if g.subject["value"] in ("x", "instagram", "mastodon")]


@pytest.mark.slow
def test_silent_without_effects(demos):
    _, none = demos
    tested = run_tests(none, MONTH, only=["service"])
    assert len(tested) >= 8  # platforms, hours of day, response rates, unanswered: tests were made
    assert run_month(none, MONTH, only=["service"]) == []


@pytest.mark.slow
def test_targets_from_the_profile(demos):
    _, none = demos
    none.profile.service.response_hours_target = 1.0  # the demo answers in ~2 h: over target
    none.profile.service.response_rate_target = 0.99  # ~80% of questions answered: under target
    try:
        found = run_month(none, MONTH, only=["service"])
    finally:
        none.profile.service.response_hours_target = None
        none.profile.service.response_rate_target = None
    by_metric = {(f.metric, f.subject["value"]): f for f in found}
    over = by_metric[("first_response_hours_vs_target", "all")]
    assert over.direction == "higher" and over.effect.value > 1.5
    # The response rate stands beside the wait: inbound items of June and how many had an
    # organisation reply, counted again with SQL from the store.
    [row] = none.store.rows("""
        WITH replies AS (
            SELECT platform, in_reply_to AS target, created_at AS at FROM interactions
            WHERE from_organisation AND in_reply_to IS NOT NULL
            UNION ALL
            SELECT platform, in_reply_to, published_at FROM posts WHERE kind = 'reply' AND in_reply_to IS NOT NULL)
        SELECT count(*) AS inbound,
               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM replies r WHERE r.platform = i.platform
                                AND r.target = i.native_id AND r.at >= i.created_at)) AS answered
        FROM interactions i
        WHERE NOT i.from_organisation
          AND i.created_at >= timezone('Europe/London', TIMESTAMP '2025-06-01')
          AND i.created_at < timezone('Europe/London', TIMESTAMP '2025-07-01')""")
    assert over.evidence[0]["inbound"] == row["inbound"] and over.evidence[0]["answered"] == row["answered"]
    assert f"{row['answered']} of {row['inbound']} inbound items" in over.summary
    under = by_metric[("question_response_rate_vs_target", "all")]
    assert under.direction == "lower" and under.effect.value < -0.1
