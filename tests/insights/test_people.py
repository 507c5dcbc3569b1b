"""The Q4 people detector: finds the director's X voice in the demo, stays silent on the
demo without effects and on an empty workspace."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smi.insights.detectors._posts import PER_POST, RATE_FOLLOWERS, adjusted_contrasts, exposure_of
from smi.insights.detectors.people import FACTORS
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


def test_exposure_is_followers_when_most_posts_know_them_else_per_post():
    rows = pd.DataFrame({"engagements": [5, 10, 40, None], "followers": [500, 1000, None, 900],
                         "impressions": [None] * 4})
    used, col, metric = exposure_of(rows, ("followers",))  # 2 of the 3 posts with engagements
    assert (col, metric) == ("followers", RATE_FOLLOWERS) and used.engagements.tolist() == [5, 10]
    used, col, metric = exposure_of(rows.assign(followers=[None, None, 10, None]), ("followers",))
    assert (col, metric) == (None, PER_POST) and used.engagements.tolist() == [5, 10, 40]


def test_a_person_is_not_credited_with_their_formats():
    # synthetic: videos get 2x; the director posts 80% videos, the official account 20%;
    # the person has no effect of their own. One attribute at a time the director looks ~1.7x.
    rng = np.random.default_rng(3)
    n = 400
    person = np.where(rng.random(n) < 0.5, "Dafydd", "official")
    video = np.where(person == "Dafydd", rng.random(n) < 0.8, rng.random(n) < 0.2)
    df = pd.DataFrame({"person": person, "format": np.where(video, "video", "text"),
                       "language": "en", "length": "short", "daypart": "evening", "weekday": 1,
                       "kind": "original", "followers": rng.integers(800, 1200, n).astype(float)})
    df["engagements"] = rng.poisson(df.followers * 0.02 * np.where(video, 2.0, 1.0)).astype(float)
    d = df.person == "Dafydd"
    naive = (df.engagements[d].sum() / df.followers[d].sum()) / (df.engagements[~d].sum() / df.followers[~d].sum())
    assert naive > 1.4
    cs = adjusted_contrasts(df, FACTORS, "followers", min_n=10, fixed={"person": "official"})
    (c,) = [c for c in cs if c.factor == "person"]
    assert c.level == "Dafydd" and c.reference == "official"
    assert c.p_value > 0.05 and c.ratio_ci[0] < 1 < c.ratio_ci[1]


def test_silent_on_an_empty_workspace(make_ws):
    ws = Workspace.open(make_ws())
    assert run_tests(ws, MONTH, only=["people"]) == []


@pytest.mark.slow
def test_finds_the_directors_x_voice(demos):
    fx, _ = demos
    found = {(f.subject["platform"], f.subject["value"]): f for f in run_month(fx, MONTH, only=["people"])}
    director = found[("x", "Dafydd Rowlands")]
    assert director.direction == "higher" and director.metric == RATE_FOLLOWERS
    assert 1.4 < director.effect.value < 2.4 and director.ci[0] > 1  # planted 2.0
    assert "x:dafyddrowlands" in director.summary and "x:theatrglanymor" in director.summary
    assert "held fixed" in director.summary
    # the unadjusted rates quoted are the catalogue's, per 1,000 followers, to one decimal
    # (a whole number said without ".0", as the messages say numbers: "10 against 4.5")
    mine, official = director.figures
    assert (mine["dimension"], mine["value"], official["value"]) == ("person", "Dafydd Rowlands", "official")

    def said(v: float) -> str:
        return f"{v * 1000:.1f}".removesuffix(".0")

    assert f"{said(mine['figure'])} against {said(official['figure'])} engagements per 1,000" in director.summary
    assert director.chart["$schema"].startswith("https://vega.github.io/schema/vega-lite")


@pytest.mark.slow
def test_silent_without_effects(demos):
    _, none = demos
    tested = run_tests(none, MONTH, only=["people"])
    # Elin Prys on X and Instagram, Dafydd Rowlands on X (Owain's Mastodon has no counts)
    assert sorted((f.subject["platform"], f.subject["value"]) for f in tested) == [
        ("instagram", "Elin Prys"), ("x", "Dafydd Rowlands"), ("x", "Elin Prys")]
    assert run_month(none, MONTH, only=["people"]) == []
