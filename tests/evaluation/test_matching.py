"""The matching rule (smi.evaluation.matching), case by case on hand-made findings."""

from __future__ import annotations

import pytest

from smi.evaluation.matching import Ownership, family, match, score_month
from smi.insights.finding import Effect, Finding

OWN = Ownership(
    platforms={"instagram:hub": "instagram", "bluesky:hub.bsky.social": "bluesky",
               "bluesky:sioned.bsky.social": "bluesky"},
    people={"Sioned Pritchard": {"bluesky:sioned.bsky.social"}},
)


def _f(metric: str, subject: dict, direction: str = "higher", detector: str = "d") -> Finding:
    return Finding(detector=detector, question="Q2", title="t", summary="s", metric=metric, subject=subject,
                   comparison="c", direction=direction, effect=Effect("ratio", 2.0), ci=(1.5, 2.5),
                   p_value=0.001, n=20, recommendation="r")


def _video(**kw: str) -> dict:
    return {"account": "instagram:hub", "platform": "instagram", "dimension": "format", "value": "video", **kw}


FORMAT = {"type": "format", "platform": "instagram", "dimension": "format", "value": "video", "direction": "higher"}
CONFOUNDED = {"type": "confounded", "platform": "bluesky", "dimension": "language", "value": "cy+en",
              "direction": "higher", "confounder": {"dimension": "length"}}
EXPOSURE = {"type": "exposure_drop", "platform": "facebook", "dimension": "platform", "value": "facebook",
            "direction": "lower"}
SINK = {"type": "time_sink", "platform": "linkedin", "dimension": "platform", "value": "linkedin", "direction": "lower"}
TOPIC = {"type": "unaddressed_topic", "platform": None, "dimension": "word", "value": "parking", "direction": "higher",
         "words": ["cars", "drivers"]}
VOICE = {"type": "personal_mix", "platform": "bluesky", "dimension": "person", "value": "Sioned Pritchard",
         "direction": "higher"}


@pytest.mark.parametrize(("metric", "expected"), [
    # written by reading each name against the family table in the module's docstring
    ("engagement_rate_impressions", "rate"),
    ("engagements_per_post", "engagement"),
    ("engagements_per_post_per_1000_followers", "engagement"),
    ("engagements_per_staff_hour", "efficiency"),
    ("net_follower_growth_per_1000", "growth"),
    ("impressions_per_post", "exposure"),
    ("first_response_hours", "response_time"),
    ("question_response_rate", "response_rate"),
    ("unanswered_question_share", "response_rate"),
    ("question_word_share", "audience_words"),
    ("inbound_per_own_post", "inbound"),
    # the inbound items' tone: read as "inbound" before, so "the audience's tone is warmer"
    # counted as the consequence of an audience topic (more inbound items), not as false
    ("inbound_sentiment", "sentiment"),
    ("posts", "output"),
    # the collapse test's metric: posts a day (its effect) with their engagements. Read as
    # "other" before, so every true collapse finding counted as a false finding
    ("platform_activity", "output"),
    ("something_new", "other"),
])
def test_metric_families(metric, expected):
    assert family(metric) == expected


def test_an_attribute_effect_needs_its_platform_level_and_direction():
    assert match(_f("engagement_rate_impressions", _video()), FORMAT, OWN) == "recall"
    assert match(_f("engagements_per_post", _video()), FORMAT, OWN) == "recall"
    assert match(_f("engagement_rate_impressions", _video(), "lower"), FORMAT, OWN) is None
    assert match(_f("engagement_rate_impressions", _video(platform="facebook", account="facebook:hub")),
                 FORMAT, OWN) is None
    # another format doing worse is the same fact seen from the other side: matched, not recalled
    assert match(_f("engagement_rate_impressions", _video(value="image"), "lower"), FORMAT, OWN) == "also"
    assert match(_f("engagement_rate_impressions", _video(value="image"), "higher"), FORMAT, OWN) is None
    # a finding on posting hours is not about formats
    assert match(_f("engagement_rate_impressions", _video(dimension="hour", value="9")), FORMAT, OWN) is None


def test_a_finding_about_the_confounder_is_false_and_cancels_the_recall():
    real = _f("engagements_per_post", {"account": "bluesky:hub.bsky.social", "platform": "bluesky",
                                        "dimension": "language", "value": "cy+en"})
    length = _f("engagements_per_post", {"account": "bluesky:hub.bsky.social", "platform": "bluesky",
                                          "dimension": "length", "value": "long"})
    assert match(real, CONFOUNDED, OWN) == "recall"
    assert match(length, CONFOUNDED, OWN) == "confounder"
    alone = score_month([real], [CONFOUNDED], OWN)
    assert alone.recalled == {0: True} and alone.false == []
    both = score_month([real, length], [CONFOUNDED], OWN)
    assert both.recalled == {0: False} and both.false == [length] and both.confounder == [length]


def test_an_exposure_drop_is_named_by_exposure_not_by_rate():
    fb = {"dimension": "platform", "value": "facebook", "against": "previous"}
    assert match(_f("impressions_per_post", fb, "lower"), EXPOSURE, OWN) == "recall"
    assert match(_f("engagements_per_post", fb, "lower"), EXPOSURE, OWN) == "also"  # a consequence
    assert match(_f("engagement_rate_impressions", fb, "lower"), EXPOSURE, OWN) is None  # the rate did not move
    assert match(_f("impressions_per_post", fb, "higher"), EXPOSURE, OWN) is None
    # scored: one recall, the consequence a duplicate of it, the rate finding false
    s = score_month([_f("impressions_per_post", fb, "lower"), _f("engagements_per_post", fb, "lower"),
                     _f("engagement_rate_impressions", fb, "lower")], [EXPOSURE], OWN)
    assert s.recalled == {0: True} and len(s.duplicates) == 1 and len(s.false) == 1


def test_two_detectors_stating_one_time_sink_are_one_recall_and_one_duplicate():
    li = {"dimension": "platform", "value": "linkedin"}
    q3 = _f("engagements_per_staff_hour", li, "lower", "platforms")
    q5 = _f("engagements_per_staff_hour", li, "lower", "time")
    s = score_month([q3, q5], [SINK], OWN)
    assert s.recalled == {0: True} and s.duplicates == [q5] and s.false == []


def test_the_same_fact_twice_on_a_null_world_is_two_false_findings_and_one_duplicate():
    prev = _f("posts", {"dimension": "platform", "value": "x", "against": "previous"}, "lower")
    base = _f("posts", {"dimension": "platform", "value": "x", "against": "baseline"}, "lower")
    other = _f("posts", {"dimension": "platform", "value": "facebook", "against": "baseline"}, "lower")
    s = score_month([prev, base, other], [], OWN)
    assert len(s.false) == 3 and s.duplicates == [base]


def test_an_unaddressed_topic_is_named_by_its_word():
    assert match(_f("question_word_share", {"dimension": "word", "value": "parking"}), TOPIC, OWN) == "recall"
    assert match(_f("question_word_share", {"dimension": "word", "value": "tickets"}), TOPIC, OWN) is None
    # more questions left unanswered: a consequence, whichever way the metric is named
    assert match(_f("unanswered_question_share", {"dimension": "all", "value": "all"}, "higher"), TOPIC, OWN) == "also"
    assert match(_f("question_response_rate", {"dimension": "platform", "value": "x"}, "lower"), TOPIC, OWN) == "also"
    # another content word of the planted questions, or more inbound items: the same questions
    assert match(_f("audience_word_share", {"dimension": "word", "value": "cars"}), TOPIC, OWN) == "also"
    assert match(_f("audience_word_share", {"dimension": "word", "value": "does"}), TOPIC, OWN) is None
    assert match(_f("inbound_interactions", {"dimension": "day", "value": "2025-04-10"}), TOPIC, OWN) == "also"
    assert match(_f("inbound_interactions", {"dimension": "day", "value": "2025-04-10"}, "lower"), TOPIC, OWN) is None


def test_a_staff_members_growth_is_theirs_not_the_organisations():
    person = _f("engagements_per_post_per_1000_followers",
                {"dimension": "person", "value": "Sioned Pritchard", "platform": "bluesky"})
    account = _f("engagements_per_post", {"dimension": "account", "value": "bluesky:sioned.bsky.social"})
    org = _f("net_follower_growth_per_1000", {"dimension": "platform", "value": "bluesky"})
    assert match(person, VOICE, OWN) == "recall"
    assert match(account, VOICE, OWN) == "recall"
    assert match(org, VOICE, OWN) is None  # crediting the organisation is a false finding
    s = score_month([org], [VOICE], OWN)
    assert s.recalled == {0: False} and s.false == [org]
