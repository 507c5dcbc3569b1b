"""The evaluation: its matching rule by hand, and a small run that must meet the issue's targets."""

from __future__ import annotations

import pytest

from smi.insights.evaluate import (
    FALSE_PER_MONTH_TARGET,
    RECALL_TARGET,
    evaluate,
    last_months,
    matches,
    summary,
)
from smi.insights.finding import Effect, Finding
from smi.profile import Person


def _finding(question: str, subject: dict, metric: str = "m", direction: str = "higher") -> Finding:
    return Finding(detector="d", question=question, title="t", summary="s", metric=metric, subject=subject,
                   comparison="c", direction=direction, effect=Effect("ratio", 2.0), ci=(1.5, 2.5),
                   p_value=0.001, n=20, recommendation="r")


VIDEO = {"question": "Q2", "metric": "engagement_rate_impressions", "multiplier": 1.8,
         "subject": {"dimension": "format", "value": "video"}, "scope": {"platform": "instagram"}}
VOICE = {"question": "Q4", "metric": "reactions_per_post", "multiplier": 2.0,
         "subject": {"dimension": "account", "value": "x:dafyddrowlands"}, "scope": {"platform": "x"}}
SINK = {"question": "Q5", "metric": "engagement_per_staff_hour", "multiplier": 0.3,
        "subject": {"dimension": "platform", "value": "facebook"}}


class _Profile:
    def __init__(self) -> None:
        self.people = [Person(name="Dafydd Rowlands", handles=["x:@dafyddrowlands"])]


def test_matching_rule():
    on_ig = {"dimension": "format", "value": "video", "platform": "instagram"}
    assert matches(_finding("Q2", on_ig, "engagement_rate_impressions"), VIDEO)
    # wrong platform, wrong way round on the effect's own metric, wrong question, wrong value
    assert not matches(_finding("Q2", {**on_ig, "platform": "facebook"}), VIDEO)
    assert not matches(_finding("Q2", on_ig, "engagement_rate_impressions", "lower"), VIDEO)
    assert not matches(_finding("Q3", on_ig), VIDEO)
    assert not matches(_finding("Q2", {**on_ig, "value": "image"}), VIDEO)
    # another metric: direction not checked
    assert matches(_finding("Q2", on_ig, "reactions_per_post", "lower"), VIDEO)
    # an account effect: the account itself, or the person whose handle it is
    assert matches(_finding("Q4", {"dimension": "account_id", "value": "x:dafyddrowlands"}), VOICE)
    assert matches(_finding("Q4", {"dimension": "person", "value": "Dafydd Rowlands", "platform": "x"}), VOICE, _Profile())
    assert not matches(_finding("Q4", {"dimension": "person", "value": "Someone Else", "platform": "x"}), VOICE, _Profile())
    # staff time: Q3 or Q5
    assert matches(_finding("Q3", {"dimension": "platform", "value": "facebook"}), SINK)
    assert matches(_finding("Q5", {"dimension": "platform", "value": "Facebook"}), SINK)
    assert not matches(_finding("Q6", {"dimension": "platform", "value": "facebook"}), SINK)


def test_last_months():
    assert last_months("2025-02", 3) == ["2024-12", "2025-01", "2025-02"]
    assert last_months("2025-06", 1) == ["2025-06"]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return evaluate([1, 2], "2025-06", 1, directory=tmp_path_factory.mktemp("evaluate"))


@pytest.mark.slow
def test_small_evaluation_recall(small):
    assert small.planted == 10 and small.no_effect_months == 2
    assert small.recall >= RECALL_TARGET, summary(small)


@pytest.mark.slow
def test_small_evaluation_false_findings_without_goals(small):
    """Every detector but `success` is silent on the no-effect demo."""
    others = [f for f in small.false_findings if f["detector"] != "success"]
    assert others == [], summary(small)


@pytest.mark.slow
def test_small_evaluation_false_findings(small):
    assert small.false_per_month < FALSE_PER_MONTH_TARGET, summary(small)
