"""The matching rule: which reported finding recalls which planted effect, which is false,
which repeats another (docs/accuracy.md, "Insight engine", states the same rule in words).

A finding is read as a statement: a subject (platform, and an attribute and level, a word,
a person), a metric family (what was measured, from the metric's name: `family`) and a
direction. A planted effect recalls when one finding names its subject and direction in one
of the effect type's own families (`RECALL`). A finding that states a consequence of a
planted effect (`ALSO`: e.g. engagements per post falling with exposure; another format
doing worse when video does better; another content word of the planted questions, or more
inbound items, with an unaddressed topic) matches the effect but does not recall it. Every
finding that matches no planted effect of its world is false; a finding about the
confounder of a confounded effect (length, when only the language is real) is false, and
the confounded effect is not recalled in a month that has one. Two findings of a month
that match the same planted effect, or state the same fact (same subject, family and
direction; e.g. one metric against the previous month and against the baseline), are a
duplicate: every finding after the first of its group counts once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# (family, words any of which in the metric's name puts it there), tried in this order
FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("audience_words", ("word", "topic")),
    ("response_time", ("response_hours", "response_time", "first_response", "reply_hours")),
    ("response_rate", ("response_rate", "answered", "unanswered")),
    ("efficiency", ("staff_hour", "per_hour", "per_staff")),
    ("rate", ("engagement_rate", "rate_impressions", "rate_reach", "per_impression", "click_through")),
    ("engagement", ("engagement", "reactions", "comments", "shares")),
    ("growth", ("follower",)),
    ("exposure", ("impressions", "reach", "views", "exposure")),
    # before "inbound": the inbound items' tone (inbound_sentiment) is not their number
    ("sentiment", ("sentiment",)),
    ("inbound", ("inbound", "mentions")),
    # platform_activity: the collapse test (blind_spots), posts a day with their engagements
    ("output", ("posts", "platform_activity")),
)

# effect type -> families that recall it; families that state a consequence of it
RECALL: dict[str, frozenset[str]] = {
    "format": frozenset({"rate", "engagement"}),
    "language": frozenset({"rate", "engagement"}),
    "confounded": frozenset({"rate", "engagement"}),
    "exposure_drop": frozenset({"exposure"}),
    "content_drop": frozenset({"rate"}),
    "collapsed_platform": frozenset({"output", "exposure", "engagement", "inbound"}),
    "slower_responses": frozenset({"response_time"}),
    "time_sink": frozenset({"efficiency"}),
    "unaddressed_topic": frozenset({"audience_words"}),
    "personal_mix": frozenset({"engagement", "rate", "growth"}),
}
ALSO: dict[str, frozenset[str]] = {
    "exposure_drop": frozenset({"engagement", "efficiency"}),
    "content_drop": frozenset({"engagement", "efficiency"}),
    "collapsed_platform": frozenset({"efficiency", "growth", "response_rate"}),
    "unaddressed_topic": frozenset({"response_rate", "inbound"}),
}
ATTRIBUTE_TYPES = ("format", "language", "confounded")


def family(metric: str) -> str:
    """The metric family of a metric name ("other" when none fits)."""
    m = metric.lower()
    for name, words in FAMILIES:
        if any(w in m for w in words):
            return name
    return "other"


def direction(f: Any) -> str:
    """The finding's direction, with 'unanswered' read as answering: more unanswered = lower."""
    d = f.direction
    if "unanswered" in f.metric.lower():
        return "lower" if d == "higher" else "higher"
    return d


@dataclass
class Ownership:
    """Who holds which account: account id -> platform, and person -> account ids."""

    platforms: dict[str, str] = field(default_factory=dict)
    people: dict[str, set[str]] = field(default_factory=dict)


def subject_of(f: Any, own: Ownership) -> tuple[str | None, str, str]:
    """(platform, dimension, value) of a finding, lower-cased; account subjects keep their id."""
    s = f.subject or {}
    dim = str(s.get("dimension", "")).lower()
    value = str(s.get("value", "")).lower()
    if dim == "account_id":
        dim = "account"
    platform = s.get("platform")
    if platform is None and s.get("account"):
        platform = str(s["account"]).split(":", 1)[0]
    if platform is None and dim == "platform":
        platform = value
    if platform is None and dim == "account" and ":" in value:
        platform = own.platforms.get(value, value.split(":", 1)[0])
    return (str(platform).lower() if platform else None), dim, value


def _is_person(f: Any, person: str, own: Ownership) -> bool:
    _, dim, value = subject_of(f, own)
    if dim == "person":
        return value == person.lower()
    if dim == "account":
        return value in {a.lower() for a in own.people.get(person, set())}
    return False


def _word(value: str, word: str) -> bool:
    return value == word or (len(value) >= 5 and (word.startswith(value) or value.startswith(word)))


def match(f: Any, effect: dict[str, Any], own: Ownership) -> str | None:
    """'recall' when the finding names the effect, 'also' when it states a consequence of it,
    'confounder' when it is about the confounder of a confounded effect, else None."""
    kind, fam, way = effect["type"], family(f.metric), direction(f)
    platform, dim, value = subject_of(f, own)
    want_p, want_dim = effect.get("platform"), effect["dimension"]
    want_value, want_way = str(effect["value"]).lower(), effect["direction"]
    if kind in ATTRIBUTE_TYPES:
        if platform != want_p:
            return None
        confounder = (effect.get("confounder") or {}).get("dimension")
        if confounder and dim == confounder:
            return "confounder"
        if dim != want_dim or fam not in RECALL[kind]:
            return None
        if value == want_value:
            return "recall" if way == want_way else None
        return "also" if way != want_way else None  # another level, the other way round
    if kind == "unaddressed_topic":
        if dim == "word" and fam in RECALL[kind] and way == want_way:
            if _word(value, want_value):
                return "recall"
            if value in {w.lower() for w in effect.get("words", ())}:
                return "also"  # another word of the planted questions
            return None
        if fam == "response_rate" and way == "lower":
            return "also"  # more questions left unanswered, anywhere
        if fam == "inbound" and way == "higher":
            return "also"  # the planted questions are more inbound items, on a platform or a day
        return None
    if kind == "personal_mix":
        if _is_person(f, str(effect["value"]), own) and fam in RECALL[kind] and way == want_way:
            return "recall"
        return None
    # platform effects
    if kind == "collapsed_platform" and dim == "day" and fam == "inbound" and way == "lower":
        return "also"  # a quiet day across platforms, while one platform has gone quiet
    if platform != want_p or dim not in ("platform", "account"):
        return None
    if dim == "account" and own.platforms.get(value) not in (None, want_p):
        return None
    if way != want_way:
        return None
    if fam in RECALL[kind]:
        return "recall"
    if fam in ALSO.get(kind, frozenset()):
        return "also"
    return None


def fact_key(f: Any, own: Ownership) -> tuple[str, ...]:
    platform, dim, value = subject_of(f, own)
    return (platform or "-", dim, value, family(f.metric), direction(f))


@dataclass
class MonthScore:
    recalled: dict[int, bool]  # effect index -> recalled
    false: list[Any]  # findings matching no effect (and confounder findings)
    confounder: list[Any]
    duplicates: list[Any]  # findings after the first of their group
    matched: dict[int, list[Any]]


def score_month(findings: list[Any], effects: list[dict[str, Any]], own: Ownership) -> MonthScore:
    """Score one month's reported findings against the world's planted effects."""
    recalled = {i: False for i in range(len(effects))}
    matched: dict[int, list[Any]] = {i: [] for i in range(len(effects))}
    false, confounder, duplicates = [], [], []
    seen: set[Any] = set()
    for f in findings:
        hits = [(i, match(f, e, own)) for i, e in enumerate(effects)]
        hits = [(i, h) for i, h in hits if h is not None]
        group: Any = fact_key(f, own)
        conf = [i for i, h in hits if h == "confounder"]
        good = [(i, h) for i, h in hits if h != "confounder"]
        if conf and not good:
            confounder.append(f)
            false.append(f)
        elif not good:
            false.append(f)
        for i, h in good:
            matched[i].append(f)
            if h == "recall":
                recalled[i] = True
        if good:
            group = ("effect", good[0][0])
        if group in seen or fact_key(f, own) in seen:
            duplicates.append(f)
        seen.add(group)
        seen.add(fact_key(f, own))
    for i, e in enumerate(effects):
        if e["type"] == "confounded" and any(match(f, e, own) == "confounder" for f in findings):
            recalled[i] = False
    return MonthScore(recalled, false, confounder, duplicates, matched)
