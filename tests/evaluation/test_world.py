"""The evaluation's world generator: it plants what its manifest says, and nothing else.

Each check recounts the generated rows directly (sums over `world.posts`, `world.effort`,
`world.interactions`), independently of smi's metrics and detectors.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from smi.evaluation import texts
from smi.evaluation.world import EFFECT_TYPES, Effect, effects_for, generate


def _rate(posts: list[dict]) -> float:
    """Engagements per impression, pooled: sum of engagements / sum of impressions."""
    eng = sum(p["reactions"] + p["comments"] + p["shares"] for p in posts)
    return eng / sum(p["impressions"] for p in posts)


def _official(world, platform: str) -> list[dict]:
    handle = next(a.handle for a in world.accounts if a.platform == platform and a.person is None)
    return [p for p in world.posts if p["platform"] == platform and p["account"] == handle]


def test_the_two_effect_worlds_together_plant_every_effect_type_once():
    rng = np.random.default_rng(0)
    a, b = effects_for("a", rng), effects_for("b", rng)
    assert sorted(e.type for e in a + b) == sorted(EFFECT_TYPES)
    assert effects_for("none", rng) == []


def test_the_evaluation_does_not_use_the_demo():
    src = Path(__file__).resolve().parents[2] / "src" / "smi" / "evaluation"
    for path in src.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import smi.demo" not in text and "from smi.demo" not in text, path.name


@pytest.mark.parametrize("seed", [1, 2])
def test_a_null_world_has_no_format_or_language_effect(seed):
    world = generate(seed, "none")
    for platform in ("facebook", "instagram"):
        posts = _official(world, platform)
        overall = _rate(posts)
        for key in ("format", "language"):
            for level in {p[key] for p in posts}:
                mine = [p for p in posts if p[key] == level]
                assert 0.75 < _rate(mine) / overall < 1.33, (platform, key, level, len(mine))


def test_a_planted_format_effect_is_in_the_rows():
    fx = [Effect("format", "instagram", "format", "video", "higher", 2.5, "all")]
    world = generate(3, "custom", effects=fx)
    posts = _official(world, "instagram")
    video = [p for p in posts if p["format"] == "video"]
    other = [p for p in posts if p["format"] != "video"]
    assert 2.0 < _rate(video) / _rate(other) < 3.1  # planted 2.5 (pooled over ~100 and ~300 posts)


def test_an_exposure_drop_moves_impressions_and_leaves_the_rate():
    fx = [Effect("exposure_drop", "facebook", "platform", "facebook", "lower", 0.4, "last")]
    imp, rate = [], []
    for seed in range(4, 9):  # one month's pooled rate is noisy (heavy tails): five worlds
        world = generate(seed, "custom", effects=fx)
        posts = [p for p in world.posts if p["platform"] == "facebook"]
        last = [p for p in posts if p["published_at"].strftime("%Y-%m") == world.last_month]
        before = [p for p in posts if p["published_at"].strftime("%Y-%m") < world.last_month]
        imp.append(np.mean([p["impressions"] for p in last]) / np.mean([p["impressions"] for p in before]))
        rate.append(_rate(last) / _rate(before))
    assert np.mean(imp) < 0.6  # planted 0.4, on top of a small trend and the season
    assert 0.8 < np.mean(rate) < 1.25


def test_null_hours_follow_engagements_and_a_time_sink_takes_four_times_as_many():
    def per_hour(world, platform: str) -> float:
        eng = sum(p["reactions"] + p["comments"] + p["shares"] for p in world.posts if p["platform"] == platform)
        hours = sum(e["minutes"] for e in world.effort if e["platform"] == platform) / 60
        return eng / hours

    null = generate(5, "none")
    rates = [per_hour(null, p) for p in ("facebook", "instagram", "linkedin", "bluesky")]
    assert max(rates) / min(rates) < 1.6
    sink = generate(5, "custom", effects=[Effect("time_sink", "linkedin", "platform", "linkedin", "lower", 0.25, "all")])
    assert per_hour(sink, "linkedin") / per_hour(null, "linkedin") < 0.4


def test_the_topic_words_are_the_questions_content_words():
    # read off texts.TOPICS["parking"] by hand, leaving out "parking" and the function words
    from smi.evaluation.texts import topic_words

    assert topic_words("parking") == ("anything", "cars", "cost", "disabled", "drivers", "easy", "leave", "nearby")


def test_an_unaddressed_topic_is_asked_in_the_last_month_never_answered_never_posted():
    world = generate(6, "custom", effects=[Effect("unaddressed_topic", None, "word", "parking", "higher", 45, "last")])
    asked = [i for i in world.interactions if "parking" in i["text"].lower()]
    assert len(asked) == 45
    assert all(i["created_at"].strftime("%Y-%m") == world.last_month for i in asked)
    replied_to = {i["in_reply_to"] for i in world.interactions if i["from_organisation"]}
    assert not replied_to & {i["interaction_id"] for i in asked}
    assert not any("parking" in p["text"].lower() for p in world.posts)
    # no other word of the topic's questions is in two of them
    words = [set(q.lower().replace("?", "").replace(",", "").split()) for q in texts.TOPICS["parking"]]
    common = {"is", "the", "at", "for", "there", "does", "all", "any", "we", "where", "should"}
    for i, w in enumerate(words):
        for other in words[i + 1:]:
            assert (w & other) - common - {"parking"} == set()


def test_null_dynamics_are_there():
    world = generate(7, "none")
    days = (world.end - world.first).days + 1
    assert len(world.audience) < 6 * days  # missing days
    fb = sorted((a for a in world.audience if a["platform"] == "facebook"), key=lambda a: a["date"])
    assert fb[-1]["followers"] > fb[0]["followers"]  # growing followers
    by_weekday = np.bincount([p["published_at"].weekday() for p in world.posts], minlength=7)
    assert by_weekday[:5].mean() > by_weekday[5:].mean()  # fewer posts at weekends
    eng = np.array([p["reactions"] + p["comments"] + p["shares"] for p in world.posts])
    assert eng.max() > 8 * np.median(eng)  # a heavy tail


def test_the_audience_asks_in_the_posts_own_words():
    # The null world promises no blind spot unless one is planted (texts' docstring): every
    # word of three letters or more in the audience's ordinary questions (what the blind-spot
    # test reads) is in the posts' sentences, unless it is a stopword or a word of feeling. Before,
    # "return", "teenagers", "archebu", "time", "left", "faint o'r gloch" were asked every
    # month and never posted: real blind spots in a world meant to have none.
    import re

    from smi.enrich.sentiment import _analyzer
    from smi.enrich.stopwords import stopwords

    stop = set(stopwords()) | {w for w, v in _analyzer().lexicon.items() if abs(v) >= 1.0}
    posted = {w for s in texts.EN + texts.CY for w in re.findall(r"[^\W\d_]{3,}", s.lower())}
    asked = {w for s in texts.QUESTIONS for w in re.findall(r"[^\W\d_]{3,}", s.lower())}
    assert sorted(asked - posted - stop) == []
