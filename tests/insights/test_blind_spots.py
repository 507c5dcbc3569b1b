"""Blind spots: silent on the demo without effects; finds a planted burst of unanswered
questions (a new word, an unusual day) once it is added to a copy of that demo."""

from __future__ import annotations

import shutil

import pytest
from scipy import stats as sps

from smi.enrich.stopwords import stopwords
from smi.insights.detectors.blind_spots import nb_two_sided, words_of
from smi.insights.engine import run_month, run_tests
from smi.workspace import Workspace

MONTH = "2025-06"


def test_words_of_drops_links_mentions_stopwords_and_short_words():
    stop = frozenset(stopwords())
    got = words_of("@theatr Is the CAR park gate locked? https://x.example/a 2025 ok", stop)
    assert got == {"car", "park", "gate", "locked"}
    assert words_of(None, stop) == set()


def test_negative_binomial_tail_by_hand():
    # var <= mean: Poisson; 20 when 10 is usual: 2 * P(X >= 20)
    assert nb_two_sided(20, 10.0, 10.0) == pytest.approx(2 * sps.poisson.sf(19, 10.0))
    # mean 10, var 30: n = 100 / 20 = 5, p = 5 / 15
    assert nb_two_sided(30, 10.0, 30.0) == pytest.approx(2 * sps.nbinom.sf(29, 5, 1 / 3))
    assert nb_two_sided(10, 10.0, 30.0) == 1.0 or nb_two_sided(10, 10.0, 30.0) > 0.5


def test_silent_on_an_empty_workspace(make_ws):
    ws = Workspace.open(make_ws())
    assert run_tests(ws, MONTH, only=["blind_spots"]) == []


@pytest.fixture(scope="module")
def quiet_demo(tmp_path_factory):
    from smi.demo import build_demo

    root = tmp_path_factory.mktemp("blind")
    build_demo(root / "none", seed=7, until=MONTH, effects=False).workspace.close()
    return root / "none"


@pytest.mark.slow
def test_silent_without_effects(quiet_demo):
    ws = Workspace.open(quiet_demo)
    tested = run_tests(ws, MONTH, only=["blind_spots"])
    assert len(tested) >= 30  # every day of June at least, and the words and platforms
    assert run_month(ws, MONTH, only=["blind_spots"]) == []
    ws.close()


@pytest.mark.slow
def test_finds_a_planted_burst(quiet_demo, tmp_path):
    copy = tmp_path / "burst"
    shutil.copytree(quiet_demo, copy)
    ws = Workspace.open(copy)
    # 60 unanswered questions about the car park gate on 15 June, afternoon (UTC)
    for i in range(60):
        ws.store.con.execute(
            "INSERT INTO interactions (interaction_key, platform, native_id, kind, author, from_organisation, "
            "created_at, text, language) VALUES (?, 'facebook', ?, 'message', ?, false, "
            "TIMESTAMPTZ '2025-06-15 13:00:00+00' + to_minutes(?), ?, 'en')",
            [f"facebook:burst{i}", f"burst{i}", f"person{i}", i, "Why is the car park gate locked tonight?"],
        )
    found = run_month(ws, MONTH, only=["blind_spots"])
    titles = [f.title for f in found]
    day = [f for f in found if f.subject == {"dimension": "day", "value": "2025-06-15"}]
    assert len(day) == 1 and day[0].direction == "higher", titles
    words = {f.subject["value"] for f in found if f.metric == "question_word_share"}
    assert "gate" in words, titles
    rising = {f.subject["value"] for f in found if f.subject.get("against") == "baseline"}
    assert "gate" in rising, titles
    ws.close()
