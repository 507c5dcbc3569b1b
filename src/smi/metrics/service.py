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

Question detection is one documented rule (QUESTION_RULE), measured against a few hundred
hand-labelled real messages in docs/accuracy.md:

1. the text, without its links, contains a question mark (?, ？ or ؟); or
2. a sentence of it (the text, or what follows . ! … or a line break) opens, after any
   @mentions, #tags, a greeting, "please" or "so/but/and/ok", with a question:
   - an open question word: who, whom, whose, why, which, what (not "what a/an…", an
     exclamation); Welsh pwy, pam, sut, beth, ble, sawl, pa, pryd, onid (not "pwy bynnag",
     "pa (beth) bynnag", "pwy a ŵyr", "pryd o…");
   - how, when, where only before a verb or subject ("how do", "how much", "when will",
     "where's"), so "How lovely!" and "When you…" memes are not questions; Welsh be, lle,
     faint, ai only before a Welsh verb or pronoun ("be ti'n…", "lle mae…"), so English
     "be careful", "faint", "AI tools" and Welsh "lle" (a place) are not;
   - an auxiliary or Welsh verb followed by a subject: "is there", "can you", "do I",
     "ydy'r", "wnewch chi", "fedri di", and Welsh "oes" before any word
     ("oes parcio", not "oes y/yr…", the age) — so the Welsh answers "Ydy.", "Oes,
     mae…", "Do, …" and English "Will do", "Have a nice day" are not; a Welsh verb, subject
     and "ddim" is a negative statement, not a question;
   - the Welsh particle "a" before a verb ("a oes…", "a fyddech…", "a allwch…").
Items without text cannot be questions: when no inbound item in a group has text, the
question counts are not available (NULL), not 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ibis
import ibis.expr.types as ir

from smi.metrics.business_hours import business_seconds
from smi.metrics.registry import Query, metric
from smi.metrics.tables import ratio
from smi.profile import BusinessHours

# The question rule's words (see the module docstring). Each table is data; the regular
# expressions below are built from it, and the Ibis and Python versions share them.
OPEN_WORDS = {
    "en": ("who", "whom", "whose", "why", "which", "what"),
    "cy": ("pwy", "pam", "sut", "beth", "ble", "sawl", "pa", "pryd", "onid"),
}
# (word, words that make it a statement rather than a question when they follow it)
OPEN_EXCEPTIONS = {
    "what": ("a", "an"), "pwy": ("bynnag", "a ŵyr", "a wyr"), "beth": ("bynnag",),
    "pa": ("bynnag", "beth bynnag"), "pryd": ("o",),
}
AUXILIARIES = {
    "en": ("is", "are", "am", "was", "were", "can", "could", "do", "does", "did", "will", "would",
           "should", "shall", "has", "have", "may", "might"),
    "cy": ("ydy", "ydi", "ydw", "ydych", "ydyn", "ydan", "ydach", "dach", "yw", "ydyw", "wyt", "oes",
           "allwch", "allech", "alli", "elli", "gallwch", "fedrwch", "fedri", "fedrech", "wnewch",
           "wnei", "wnaethoch", "wnest", "fyddwch", "fyddi", "fyddech", "fyddet", "gaf", "ga",
           "gawn", "gawsoch", "gest", "welsoch", "glywsoch", "oeddech", "oeddet", "hoffech",
           "hoffet"),
}
SUBJECTS = {
    "en": ("i", "you", "u", "ya", "yall", "y'all", "yous", "we", "they", "he", "she", "it",
           "there", "this", "that", "these", "those", "anyone", "anybody", "someone", "somebody",
           "everyone", "my", "your", "ur", "our", "their", "his", "her", "its", "the", "any", "all"),
    "cy": ("ti", "di", "chdi", "chi", "ni", "nhw", "hi", "o", "fo", "e", "fe", "na", "'na", "yna",
           "gen", "gyda", "gan", "ganddo", "ganddi", "ganddoch", "ganddyn", "modd", "rhywun",
           "rhywbeth", "unrhyw", "angen", "raid", "rhaid", "hyn", "hwn", "hon", "hynny", "dy",
           "eich", "ein", "fy", "ei", "pawb", "y", "yr"),
}
# how / when / where: a question only before these (or with 's, 're: "where's", "how's").
HOW_NEXT = ("much", "many", "long", "far", "often", "soon", "old", "big", "come", "about", "to",
            "else", "exactly", "on", "late", "early")
# Welsh words that are questions only before a Welsh verb or pronoun.
WELSH_VERBS_NEXT = ("mae", "ma", "sy", "sydd", "yw", "ydy", "ydi", "ydw", "ydych", "ydyn", "ydan",
                    "dach", "dan", "wyt", "ti", "chi", "oedd", "fydd", "fyddai", "wnaeth", "wnest",
                    "wnaethoch", "am", "i", "di", "alla", "allwn", "galla", "ga", "cei", "cewch",
                    "gawn", "gostiodd", "o", "fi", "hi", "fe", "fo", "e", "nhw", "ni", "dyma",
                    "dyna", "hwn", "hon", "hyn", "un", "rhywun", "felly", "y", "yr")
WELSH_NEXT_WORDS = ("be", "lle", "faint", "ai")
WELSH_PARTICLE_VERBS = ("oes", "yw", "ydy", "ydi", "ydych", "ydyn", "ydw", "oedd", "oeddech",
                        "oeddet", "fydd", "fyddwch", "fyddai", "fyddech", "fyddet", "allwch",
                        "allech", "allai", "allaf", "wyt", "ddylwn", "ddylai", "ddylen", "ddylech",
                        "wnewch", "wnaiff", "wnaeth", "gaf", "gawn", "gai", "ellir", "gafodd",
                        "welsoch", "glywsoch", "hoffech", "hoffet")
QUESTION_MARKS = "?？؟"
LEAD_WORDS = ("hi", "hey", "hello", "helo", "haia", "shwmae", "s'mae", "please", "pls", "plz", "so",
              "but", "and", "ok", "okay")
LINK = r"(?:https?://|www\.)\S+"


def _alt(words: Iterable[str]) -> str:
    return "(?:" + "|".join(w.replace("'", "['’]").replace(".", r"\.") for w in sorted(set(words), key=len, reverse=True)) + ")"


# A word ends at a space, punctuation or the end; "'n", "'r" (Welsh), "'s", "'re" (English)
# may be attached to it.
_END = r"(?:[\s,.!:;…?？؟)]|$)"
_SUFFIX = r"(?:['’](?:n|r|s|re|d|ll))?"
# A sentence starts the text or follows . ! … or a line break; @mentions, #tags and LEAD_WORDS
# before its first word are skipped.
_LEAD = r"(?:^|[.!…\n])\s*(?:(?:[@#][^\s]*|" + "|".join(w.replace("'", "['’]") for w in LEAD_WORDS) + r")[\s,!:;.]+)*"
_SUBJECT = _alt(SUBJECTS["en"] + SUBJECTS["cy"])
_AUX = _alt(AUXILIARIES["en"] + AUXILIARIES["cy"])
QUESTION_START = (
    _LEAD + "(?:"
    # open question words (exceptions in NOT_QUESTION_START)
    + _alt(OPEN_WORDS["en"] + OPEN_WORDS["cy"]) + _SUFFIX + _END
    # how/when/where before an auxiliary, a subject (how only) or HOW_NEXT (how only)
    + r"|(?:how|when|where)['’](?:s|re|d|ll)" + _END
    + r"|(?:when|where)\s+" + _AUX + _SUFFIX + _END
    + r"|how\s+" + _alt(AUXILIARIES["en"] + SUBJECTS["en"] + HOW_NEXT) + _SUFFIX + _END
    # Welsh words that need a Welsh verb or pronoun after them
    + "|" + _alt(WELSH_NEXT_WORDS) + r"['’]?\s+" + _alt(WELSH_VERBS_NEXT) + _SUFFIX + _END
    + "|" + _alt(WELSH_NEXT_WORDS) + r"['’](?:r|n)" + _END
    # an auxiliary with 'r/'n attached ("ydy'r", "ydy'n") or followed by a subject
    + "|" + _AUX + r"['’](?:r|n)" + _END
    + "|" + _AUX + r"\s+" + _SUBJECT + _SUFFIX + _END
    # Welsh "oes" (is there) before any word: "oes parcio", not the answer "oes." / "oes, …"
    + r"|oes\s+[^\s,.!:;…]"
    # the Welsh particle a + verb
    + r"|a\s+" + _alt(WELSH_PARTICLE_VERBS) + _SUFFIX + _END
    + ")"
)
# Sentence openings that match QUESTION_START but are statements or exclamations: they are
# replaced by NEUTRAL before QUESTION_START is looked for.
NOT_QUESTION_START = (
    _LEAD + "(?:"
    + "|".join(w + r"\s+" + _alt(after) + _END for w, after in OPEN_EXCEPTIONS.items())
    + "|" + _alt(AUXILIARIES["cy"]) + r"\s+" + _SUBJECT + _SUFFIX + r"\s+ddim" + _END
    + r"|oes\s+(?:y|yr)" + _END
    + ")"
)
NEUTRAL = ". §"
QUESTION_RULE = (
    "text (links removed) contains ? (or ？ ؟), or a sentence of it opens (after @mentions, #tags, a greeting or "
    "'please') with: an open question word (" + ", ".join(OPEN_WORDS["en"] + OPEN_WORDS["cy"])
    + "; not 'what a/an', 'pwy/pa bynnag', 'pwy a ŵyr', 'pryd o'); how/when/where before a verb "
    "or subject; Welsh be/lle/faint/ai before a Welsh verb or pronoun; an auxiliary or Welsh "
    "verb followed by a subject (is there, can you, ydy'r; oes + any word but y/yr; not Welsh verb + subject "
    "+ ddim); or Welsh 'a' + verb (a oes, a fyddech)"
)

INPUTS = ("interactions.from_organisation", "interactions.in_reply_to")


def inbound(t: ir.Table) -> ir.Value:
    return t.from_organisation == ibis.literal(False)


def is_question(text: ir.StringValue) -> ir.BooleanValue:
    """The question rule as an Ibis expression (NULL text: NULL, i.e. not counted)."""
    low = text.lower()
    bare = low.re_replace(LINK, "")
    marks = ibis.literal(False)
    for mark in QUESTION_MARKS:
        marks = marks | bare.contains(mark)
    return marks | bare.re_replace(NOT_QUESTION_START, NEUTRAL).re_search(QUESTION_START)


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
            f"inbound item, in minutes of {_hours}."
            + (" A reply sent outside business hours to an item sent outside them counts 0 "
               "minutes: read it beside the all-hours figure and response_rate (SHOWN_BESIDE)."
               if _business else ""),
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


@metric(
    name="answered_outside_business_hours",
    description="Share of answered inbound items whose wait took no business time (asked and "
    "answered outside business hours): the answers the business-hours response time counts as 0 minutes.",
    formula="count(answered inbound items in the period whose minutes inside [business_hours] between "
    "the item and its first organisation reply are 0) / count(answered inbound items in the period); "
    "no answered item = not available",
    unit="share (0–1)",
    inputs=INPUTS,
    grain="interactions",
    where=inbound,
    higher_is_better=None,
)
def answered_outside_business_hours(q: Query) -> ir.Table:
    t = with_first_reply(q)
    answered = t.replied_at.notnull()
    zero = (answered & (business_seconds(t.created_at, t.replied_at, business_hours_of(q)) == 0)).cast("int64").sum()
    return q.aggregate(ratio(zero, answered.cast("int64").sum()), t)


# A business-hours response time alone reads as instant service when answers go out of
# hours (they count 0 minutes): wherever one is shown (KPI verdicts, the report), these
# metrics, for the same subject and period, are shown beside it.
SHOWN_BESIDE = {
    "first_response_minutes_median_business": (
        "first_response_minutes_median", "response_rate", "answered_outside_business_hours"),
    "first_response_minutes_p90_business": (
        "first_response_minutes_p90", "first_response_minutes_median", "response_rate",
        "answered_outside_business_hours"),
}


# -- conversations ---------------------------------------------------------------------------
# Per item, an inbound item is answered only by an organisation reply to that very item. In
# threads where customers write several messages before the agent answers (IBM
# Twitter-care: every conversation ends with the agent's answer, which replies to the
# message just before it), the earlier messages read as unanswered though the conversation
# was answered. So the service family also counts by conversation.
ROOT_ROUNDS = 7  # pointer-jumping rounds: threads up to 2**7 = 128 messages deep


def conversation_roots(con: Any) -> ir.Table:
    """Every message's conversation: `_platform, _id, _conv`, the native id of the earliest
    message up its in_reply_to chain (same platform). Messages are the interactions and the
    organisation's reply posts (a customer-service agent's answers are stored as reply posts).
    A chain stops at a message that answers nothing or answers an original post: people
    replying to one post start conversations of their own. Pointer jumping: each round
    replaces a message's ancestor by that ancestor's ancestor."""
    i = con.table("interactions")
    i = i.select(_platform=i.platform, _id=i.native_id, _parent=i.in_reply_to).distinct(
        on=("_platform", "_id"), keep="first")
    p = con.table("posts")
    p = p.filter(p.kind == "reply").select(_platform=p.platform, _id=p.native_id, _parent=p.in_reply_to)
    # a reply held as both an interaction and a post (an X archive and an interactions file)
    # counts once, as the interaction: the same on every engine
    seen = i.view()
    p = p.anti_join(seen, (p._platform == seen._platform) & (p._id == seen._id))
    i = ibis.union(i, p)
    # Each side of a self-join is a view of its own (Ibis would otherwise merge them).
    left, right = i.view(), i.view()
    ids = right.select(_p2=right._platform, _id2=right._id)
    j = left.left_join(ids, (left._platform == ids._p2) & (left._parent == ids._id2))
    base = j.select(_platform=j._platform, _id=j._id, _anc=ibis.coalesce(j._id2, j._id))
    for _ in range(ROOT_ROUNDS):
        left, right = base.view(), base.view()
        up = right.select(_p3=right._platform, _id3=right._id, _anc3=right._anc)
        k = left.left_join(up, (left._platform == up._p3) & (left._anc == up._id3))
        base = k.select(_platform=k._platform, _id=k._id, _anc=ibis.coalesce(k._anc3, k._anc))
    return base.select(_platform=base._platform, _id=base._id, _conv=base._anc)


def _question_conversations(q: Query) -> ir.Table:
    """The period's inbound items with `_conv` (their conversation), `_question` and
    `_answered`: the organisation wrote in the conversation at or after the item (an
    interaction from it, or a reply post answering a message of the conversation)."""
    roots = conversation_roots(q.con)
    t = q.rows
    r = roots.view()
    j = t.left_join(r, (t.platform == r._platform) & (t.native_id == r._id))
    t = j.select(*[j[c] for c in q.rows.columns], _conv=ibis.coalesce(j._conv, j.native_id),
                 _question=is_question(j.text).fill_null(False))
    i = q.con.table("interactions")
    i = i.filter(i.from_organisation == ibis.literal(True))
    r = roots.view()
    oi = i.join(r, (i.platform == r._platform) & (i.native_id == r._id))
    org = oi.select(_op=oi.platform, _oconv=oi._conv, _oat=oi.created_at)
    p = q.con.table("posts")
    p = p.filter((p.kind == "reply") & p.in_reply_to.notnull())
    r = roots.view()
    pj = p.join(r, (p.platform == r._platform) & (p.in_reply_to == r._id))
    org = ibis.union(org, pj.select(_op=pj.platform, _oconv=pj._conv, _oat=pj.published_at)).view()
    tv = t.view()
    hit = tv.join(org, (tv.platform == org._op) & (tv._conv == org._oconv) & (org._oat >= tv.created_at))
    answered = hit.select(_k=hit.interaction_key).distinct()
    a = t.left_join(answered, t.interaction_key == answered._k)
    return a.select(*[a[c] for c in t.columns], _answered=a._k.notnull())


def _conversation_count(t: ir.Table, answered_only: bool) -> ir.Value:
    """Distinct conversations of question items (answered ones only if asked); NULL when no
    item has text, as for the question counts."""
    keep = t._question & t._answered if answered_only else t._question
    key = ibis.ifelse(keep, t.platform.concat(":", t._conv), ibis.null().cast("string"))
    return ibis.ifelse(t.text.notnull().cast("int64").sum() > 0, key.nunique(), ibis.null().cast("int64"))


@metric(
    name="question_conversations",
    description="Conversations in which someone asked the organisation a question in the period.",
    formula="count(distinct conversations holding an inbound question of the period); a conversation "
    "is the chain of interactions and reply posts linked by in_reply_to (same platform) up to its "
    "first message; "
    "question rule as in inbound_questions",
    unit="conversations",
    inputs=("interactions.from_organisation", "interactions.in_reply_to", "interactions.text"),
    grain="interactions",
    where=inbound,
    higher_is_better=None,
)
def question_conversations(q: Query) -> ir.Table:
    t = _question_conversations(q)
    return q.aggregate(_conversation_count(t, False), t)


@metric(
    name="answered_question_conversations",
    description="Conversations with a question of the period in which the organisation answered "
    "(wrote in the conversation after the question).",
    formula="count(distinct conversations holding an inbound question of the period in which an "
    "organisation interaction, or a reply post answering one of its messages, comes at or after "
    "that question); conversations as in question_conversations",
    unit="conversations",
    inputs=("interactions.from_organisation", "interactions.in_reply_to", "interactions.text"),
    grain="interactions",
    where=inbound,
    higher_is_better=True,
)
def answered_question_conversations(q: Query) -> ir.Table:
    t = _question_conversations(q)
    return q.aggregate(_conversation_count(t, True), t)
