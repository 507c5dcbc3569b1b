"""The Q4 people detector: finds the director's X voice in the demo, stays silent on the
demo without effects and on an empty workspace."""

from __future__ import annotations

import pandas as pd
import pytest

from smi.insights.detectors.people import PER_FOLLOWER, PER_POST, _measure
from smi.insights.engine import run_month, run_tests
from smi.workspace import Workspace

MONTH = "2025-06"


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    from smi.demo import build_demo

    root = tmp_path_factory.mktemp("people")
    fx = build_demo(root / "fx", seed=7, until=MONTH, effects=True).workspace
    none = build_demo(root / "none", seed=7, until=MONTH, effects=False).workspace
    return fx, none


def test_per_thousand_followers_when_both_sides_know_them():
    mine = pd.DataFrame({"engagements": [5, 10], "followers": [500, 1000]})
    official = pd.DataFrame({"engagements": [40, 80], "followers": [4000, None]})
    a, b, metric = _measure(mine, official)
    assert metric == PER_FOLLOWER
    assert a.tolist() == [10.0, 10.0] and b.tolist() == [10.0]
    a, b, metric = _measure(mine, official.assign(followers=[None, None]))
    assert metric == PER_POST
    assert a.tolist() == [5.0, 10.0] and b.tolist() == [40.0, 80.0]


def test_silent_on_an_empty_workspace(make_ws):
    ws = Workspace.open(make_ws())
    assert run_tests(ws, MONTH, only=["people"]) == []


@pytest.mark.slow
def test_finds_the_directors_x_voice(demos):
    fx, _ = demos
    found = {(f.subject["platform"], f.subject["value"]): f for f in run_month(fx, MONTH, only=["people"])}
    director = found[("x", "Dafydd Rowlands")]
    assert director.direction == "higher" and director.metric == PER_FOLLOWER
    assert 1.4 < director.effect.value < 2.4 and director.ci[0] > 1  # planted 2.0
    assert "x:dafyddrowlands" in director.summary and "x:theatrglanymor" in director.summary
    assert director.chart["$schema"].startswith("https://vega.github.io/schema/vega-lite")


@pytest.mark.slow
def test_silent_without_effects(demos):
    _, none = demos
    tested = run_tests(none, MONTH, only=["people"])
    # Elin Prys on X and Instagram, Dafydd Rowlands on X (Owain's Mastodon has no counts)
    assert sorted((f.subject["platform"], f.subject["value"]) for f in tested) == [
        ("instagram", "Elin Prys"), ("x", "Dafydd Rowlands"), ("x", "Elin Prys")]
    assert run_month(none, MONTH, only=["people"]) == []
