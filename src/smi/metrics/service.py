"""Conversation and service: questions people ask the organisation, and how fast it answers.

An inbound item is an interaction with from_organisation = false created in the period.
It is answered when the organisation replied to it: an interaction with
from_organisation = true, or a post of kind reply (the organisation's and its staff's own
accounts), on the same platform, whose `in_reply_to` is the item's native id, at or after
the item's time (a reply may come after the period ends). Its first response time is the
time to the earliest such reply.

Response times are given over all hours (real elapsed time between the two instants) and
over business hours: only the time inside the profile's `[business_hours]` (days, start,
end, local time in the workspace's time zone) counts — see business_hours.py. A question
sent on Friday at 18:30 and answered on Monday at 10:00 has waited 60 business minutes.

Question detection (until language-aware detection enriches it) is one documented rule:
the text contains a question mark (?, ？ or ؟), or its first word after any leading
@mentions or #tags is an English or Welsh question word (QUESTION_WORDS, or a Welsh
question led by the particle "a", e.g. "a oes…", "a allwch…"). Items without text cannot
be questions: when no inbound item in a group has text, the question counts are not
available (NULL), not 0.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from smi.metrics.business_hours import business_seconds
from smi.metrics.registry import Query, metric
from smi.metrics.tables import ratio
from smi.profile import BusinessHours

QUESTION_WORDS = {
    "en": (
        "who", "whom", "whose", "what", "when", "where", "why", "how", "which",
        "is", "are", "am", "was", "were", "can", "could", "do", "does", "did",
        "will", "would", "should", "shall", "has", "have",
    ),
    "cy": (
        "pwy", "beth", "be", "pryd", "ble", "lle", "sut", "pam", "faint", "pa", "oes",
        "ydy", "ydi", "ydw", "ydych", "ydyn", "yw", "oedd", "fydd", "wyt", "allwch",
        "allech", "alla", "gaf", "ga", "ai",
    ),
}
WELSH_PARTICLE_VERBS = ("oes", "yw", "ydy", "ydi", "ydych", "oedd", "fydd", "allwch", "allech", "wyt")
QUESTION_MARKS = "?？؟"
# A word ends at a space or punctuation, not at an apostrophe ("can't"), except Welsh 'r ("ydy'r").
_END = r"(?:['’]r)?(?:[\s,.!:;…]|$)"
_LEAD = r"^\s*(?:[@#][^\s]+\s+)*"
QUESTION_START = (
    _LEAD
    + "(?:"
    + "|".join(QUESTION_WORDS["en"] + QUESTION_WORDS["cy"])
    + r"|a\s+(?:"
    + "|".join(WELSH_PARTICLE_VERBS)
    + "))"
    + _END
)
QUESTION_RULE = (
    "text contains ? (or ？ ؟), or its first word after leading @mentions/#tags is a question "
    "word (whole, or with Welsh 'r): " + ", ".join(QUESTION_WORDS["en"]) + "; Welsh " + ", ".join(QUESTION_WORDS["cy"])
    + ", or 'a' + " + "/".join(WELSH_PARTICLE_VERBS)
)

INPUTS = ("interactions.from_organisation", "interactions.in_reply_to")


def inbound(t: ir.Table) -> ir.Value:
    return t.from_organisation == ibis.literal(False)


def is_question(text: ir.StringValue) -> ir.BooleanValue:
    """The question rule as an Ibis expression (NULL text: NULL, i.e. not counted)."""
    low = text.lower()
    marks = ibis.literal(False)
    for mark in QUESTION_MARKS:
        marks = marks | low.contains(mark)
    return marks | low.re_search(QUESTION_START)


def business_hours_of(q: Query) -> BusinessHours:
    """The business hours the caller gave (`Metric.build(..., business_hours=...)`, from the
    profile); without them, the profile's default: Monday to Friday, 09:00 to 17:00."""
    return q.business_hours if isinstance(q.business_hours, BusinessHours) else BusinessHours()


def organisation_replies(q: Query) -> ir.Table:
    """Every reply by the organisation, at any time: `_platform, _target, _at`."""
    i = q.con.table("interactions")
    i = i.filter((i.from_organisation == ibis.literal(True)) & i.in_reply_to.notnull())
    i = i.select(_platform=i.platform, _target=i.in_reply_to, _at=i.created_at)
    p = q.con.table("posts")
    p = p.filter((p.kind == "reply") & p.in_reply_to.notnull())
    p = p.select(_platform=p.platform, _target=p.in_reply_to, _at=p.published_at)
    return ibis.union(i, p)


def with_first_reply(q: Query) -> ir.Table:
    """The inbound items of `q.rows` with `replied_at`: their first organisation reply
    (NULL if never answered)."""
    t = q.rows
    r = organisation_replies(q)
    pairs = t.join(r, (t.platform == r._platform) & (t.native_id == r._target) & (r._at >= t.created_at))
    first = pairs.group_by(_key=pairs.interaction_key).aggregate(_first=pairs._at.min())
    j = t.left_join(first, t.interaction_key == first._key)
    return j.select(*[j[c] for c in t.columns], replied_at=j._first)


def elapsed_seconds(con: Any, start: ir.TimestampValue, end: ir.TimestampValue) -> ir.NumericValue:
    """Real seconds between two instants, whatever the session time zone.

    A portability gap, handled here: Ibis compiles `delta(unit="second")` to DuckDB's
    date_diff on TIMESTAMPTZ (real time) but to Spark's DATEDIFF(SECOND, …), which counts
    wall-clock time in the session zone; `epoch_seconds()` is the other way round (DuckDB
    casts to a local TIMESTAMP first, Spark's unix_timestamp is real). Across a clock change
    the wrong one is an hour out, so each backend gets the one that is real on it."""
    backend = getattr(con, "name", None) or getattr(getattr(con, "con", None), "name", None)
    if backend == "pyspark":
        return end.epoch_seconds() - start.epoch_seconds()
    return end.delta(start, unit="second")


def minutes_all_hours(q: Query, t: ir.Table) -> ir.Value:
    return elapsed_seconds(q.con, t.created_at, t.replied_at).cast("float64") / 60


def minutes_business_hours(q: Query, t: ir.Table) -> ir.Value:
    return business_seconds(t.created_at, t.replied_at, business_hours_of(q)).cast("float64") / 60


def _question_count(t: ir.Table, keep: ir.BooleanValue) -> ir.Value:
    """Questions among `t` passing `keep`; NULL when no item has text."""
    hits = (is_question(t.text).fill_null(False) & keep).cast("int64").sum()
    return ibis.ifelse(t.text.notnull().cast("int64").sum() > 0, hits, ibis.null().cast("int64"))


@metric(
    name="inbound_questions",
    description="Questions people asked the organisation (inbound items that read as questions).",
    formula="count(inbound items in the period whose text is a question); rule: " + QUESTION_RULE
    + "; no inbound text at all = not available",
    unit="questions",
    inputs=("interactions.from_organisation", "interactions.text"),
    grain="interactions",
    where=inbound,
    higher_is_better=None,
)
def inbound_questions(q: Query) -> ir.Value:
    return _question_count(q.rows, ibis.literal(True))


@metric(
    name="response_rate",
    description="Share of inbound items the organisation replied to (at any time after).",
    formula="count(inbound items in the period with an organisation reply: an interaction from "
    "the organisation or a reply post whose in_reply_to is the item, same platform) / "
    "count(inbound items in the period)",
    unit="share (0–1)",
    inputs=INPUTS,
    grain="interactions",
    where=inbound,
)
def response_rate(q: Query) -> ir.Table:
    t = with_first_reply(q)
    return q.aggregate(ratio(t.replied_at.notnull().cast("int64").sum(), t.count()), t)


@metric(
    name="unanswered_questions",
    description="Inbound questions the organisation has not replied to.",
    formula="count(inbound questions in the period with no organisation reply at any time "
    "after); question rule as in inbound_questions; no inbound text at all = not available",
    unit="questions",
    inputs=("interactions.from_organisation", "interactions.in_reply_to", "interactions.text"),
    grain="interactions",
    where=inbound,
    higher_is_better=False,
)
def unanswered_questions(q: Query) -> ir.Table:
    t = with_first_reply(q)
    return q.aggregate(_question_count(t, t.replied_at.isnull()), t)


def _response_time(quantile: float, business: bool):  # -> MetricFn
    def fn(q: Query) -> ir.Table:
        t = with_first_reply(q)
        minutes = minutes_business_hours(q, t) if business else minutes_all_hours(q, t)
        value = minutes.median() if quantile == 0.5 else minutes.quantile(quantile)
        return q.aggregate(value, t)

    return fn


for _q, _qname in ((0.5, "median"), (0.9, "p90")):
    for _business in (False, True):
        _hours = "business hours" if _business else "all hours"
        _stat = "median" if _q == 0.5 else "90th percentile"
        metric(
            name=f"first_response_minutes_{_qname}" + ("_business" if _business else ""),
            description=f"{_stat.capitalize()} time to the organisation's first reply to an "
            f"inbound item, in minutes of {_hours}.",
            formula=f"{_stat} (linear interpolation) over answered inbound items in the period of "
            + (
                "the minutes inside [business_hours] (profile days, start-end, local time) "
                "between the item and its first organisation reply"
                if _business
                else "(first organisation reply time - item time) in minutes, real elapsed time"
            )
            + "; no answered item = not available",
            unit="minutes",
            inputs=INPUTS,
            grain="interactions",
            where=inbound,
            higher_is_better=False,
        )(_response_time(_q, _business))
