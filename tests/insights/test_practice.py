"""The Q2 practice detector: finds the demo's Instagram videos and Facebook bilingual posts,
stays silent on the demo without effects and on an empty workspace."""

from __future__ import annotations

import pandas as pd
import pytest

from smi.insights.detectors.practice import PER_POST, RATE, _groups, _values
from smi.insights.engine import run_month, run_tests
from smi.workspace import Workspace

MONTH = "2025-06"


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    from smi.demo import build_demo

    root = tmp_path_factory.mktemp("practice")
    fx = build_demo(root / "fx", seed=7, until=MONTH, effects=True).workspace
    none = build_demo(root / "none", seed=7, until=MONTH, effects=False).workspace
    return fx, none


def test_rate_by_impressions_when_the_account_has_them_else_per_post():
    g = pd.DataFrame({"engagements": [10, 20, 30, None], "impressions": [100, 400, None, 50]})
    v, metric = _values(g)  # 2 of 3 posts with engagements carry impressions -> rate
    assert metric == RATE
    assert v.value.tolist() == [0.1, 0.05]
    v, metric = _values(g.assign(impressions=[None, None, 10, None]))
    assert metric == PER_POST
    assert v.value.tolist() == [10.0, 20.0, 30.0]


def test_length_terciles_and_labels_by_hand():
    g = pd.DataFrame({"text": ["a" * n for n in (1, 2, 3, 4, 5, 6)],
                      "labels": [["x"], ["x", "y"], None, [], ["y"], ["x"]]})
    length = dict(_groups(g, "length"))
    # terciles of 1..6 at 2.67 and 4.33: short 1,2; medium 3,4; long 5,6
    assert length["short"].tolist() == [True, True, False, False, False, False]
    assert length["medium"].tolist() == [False, False, True, True, False, False]
    assert length["long"].tolist() == [False, False, False, False, True, True]
    labels = dict(_groups(g, "label"))
    assert labels["x"].tolist() == [True, True, False, False, False, True]
    assert labels["y"].tolist() == [False, True, False, False, True, False]


def test_silent_on_an_empty_workspace(make_ws):
    ws = Workspace.open(make_ws())
    assert run_tests(ws, MONTH, only=["practice"]) == []


@pytest.mark.slow
def test_finds_instagram_video_and_facebook_bilingual(demos):
    fx, _ = demos
    found = run_month(fx, MONTH, only=["practice"])
    by = {(f.subject["platform"], f.subject["dimension"], f.subject["value"]): f for f in found}
    video = by[("instagram", "format", "video")]
    assert video.direction == "higher" and video.metric == RATE
    assert video.effect.kind == "ratio" and 1.3 < video.effect.value < 2.3  # planted 1.8
    assert video.ci[0] > 1 and video.q_value <= 0.05
    assert "Instagram video posts" in video.summary and "95% CI" in video.summary
    bilingual = by[("facebook", "language", "cy+en")]
    assert bilingual.direction == "higher" and 1.3 < bilingual.effect.value < 2.0  # planted 1.6
    assert bilingual.chart["$schema"].startswith("https://vega.github.io/schema/vega-lite")
    assert [r["group"] for r in bilingual.evidence] == ["bilingual (Welsh and English)", "other posts"]


@pytest.mark.slow
def test_silent_without_effects(demos):
    _, none = demos
    tested = run_tests(none, MONTH, only=["practice"])
    assert len(tested) > 50  # it did test: every account, every dimension with enough posts
    assert [f.summary for f in run_month(none, MONTH, only=["practice"])] == []
