"""A finding: one true, tested statement about the month, in plain words."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from smi.messages import N_, Message, english, is_message

QUESTIONS = ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "blind_spot")
QUESTION_TITLES = {
    "Q1": N_("Fit"), "Q2": N_("Practice"), "Q3": N_("Platforms"), "Q4": N_("People"), "Q5": N_("Time"),
    "Q6": N_("Value and service"), "Q7": N_("Success"), "blind_spot": N_("Blind spots"),
}
EFFECT_KINDS = ("ratio", "difference")

# The keys of a finding in `smi findings --format json`, in order.
JSON_KEYS = (
    "detector", "question", "title", "summary", "metric", "subject", "comparison",
    "direction", "effect", "ci", "p_value", "q_value", "n", "priority", "recommendation",
    "evidence", "chart", "figures", "messages",
)


SHORT_ID = 6  # characters of a finding's id printed in reports (enough to tell a month's apart)


def short_id(finding_id: str) -> str:
    """The id as reports print it; `smi action add --from-finding` takes it (or any longer prefix)."""
    return finding_id[:SHORT_ID]


@dataclass(frozen=True)
class Effect:
    kind: str  # "ratio" (subject / comparison) or "difference" (subject - comparison)
    value: float

    def __post_init__(self) -> None:
        if self.kind not in EFFECT_KINDS:
            raise ValueError(f"effect kind must be one of {EFFECT_KINDS}, not {self.kind!r}")


@dataclass(frozen=True)
class Finding:
    """What a detector found. A detector returns one per test it made, significant or not:
    the engine needs every p-value to control the false-discovery rate, then sets q_value
    and keeps those with q <= 0.05."""

    detector: str
    question: str  # Q1..Q7 or blind_spot
    title: str
    summary: str  # plain language, with the numbers
    metric: str  # a metric name from the catalogue (or a detector's own measure, named)
    subject: dict[str, Any]  # {"dimension": "format", "value": "video"}
    comparison: str  # what it is compared with, in words
    direction: str  # "higher" | "lower" (the subject against the comparison)
    effect: Effect
    ci: tuple[float, float]  # 95% interval of the effect
    p_value: float
    n: int  # observations behind the subject's side
    recommendation: str
    evidence: list[dict[str, Any]] = field(default_factory=list)  # a small table
    chart: dict[str, Any] | None = None  # a Vega-Lite spec
    # The catalogue values the text quotes, each as `smi metric` gives it: {"metric",
    # "platform" (None: all), "dimension" (None: no breakdown), "value" (the dimension's
    # value), "from", "to" (local dates, inclusive, ISO), "figure"}. A test checks them.
    figures: list[dict[str, Any]] = field(default_factory=list)
    q_value: float | None = None  # set by the engine (Benjamini–Hochberg)
    priority: float | None = None  # set by rank.py
    # The texts as messages (smi.messages), said in the edition's language by the
    # report: {"title": message, "summary": [message, ...], "recommendation": [message, ...]}.
    # title, summary and recommendation above are the same messages said in English.
    messages: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.question not in QUESTIONS:
            raise ValueError(f"question must be one of {QUESTIONS}, not {self.question!r}")
        if self.direction not in ("higher", "lower"):
            raise ValueError(f"direction must be 'higher' or 'lower', not {self.direction!r}")
        if not 0.0 <= self.p_value <= 1.0:
            raise ValueError(f"p_value must be in [0, 1], not {self.p_value}")

    @property
    def account(self) -> str:
        """Whose posts the finding is about: an account id, a member of staff ('person:NAME'),
        or 'official' (the organisation's own accounts, the default scope)."""
        if self.subject.get("account"):
            return str(self.subject["account"])
        if self.subject.get("dimension") == "person":
            return f"person:{self.subject.get('value')}"
        return "official"

    @property
    def id(self) -> str:
        """Stable across months: the same detector, metric, subject and account give the same
        id, so next month can say whether a finding is new, continuing or resolved."""
        key = json.dumps([self.detector, self.metric, self.subject, self.account], sort_keys=True)
        return hashlib.sha256(key.encode()).hexdigest()[:10]

    @property
    def short_id(self) -> str:
        return short_id(self.id)

    def with_(self, **changes: Any) -> Finding:
        return replace(self, **changes)

    def with_sentence(self, sentence: Message, where: str = "summary") -> Finding:
        """The finding with one more sentence at the end of its summary (or recommendation)."""
        said = english(sentence)
        msgs = dict(self.messages)
        msgs[where] = [*_as_list(msgs.get(where)), sentence]
        return replace(self, messages=msgs, **{where: f"{getattr(self, where)} {said}".strip()})

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["effect"] = {"kind": self.effect.kind, "value": self.effect.value}
        d["ci"] = list(self.ci)
        return {k: d[k] for k in JSON_KEYS}


def _as_list(m: Message | list[Message] | None) -> list[Message]:
    if m is None:
        return []
    return list(m) if isinstance(m, list) else [m]


def make_finding(*, title: Message, summary: Message | list[Message], recommendation: Message | list[Message],
                 **fields: Any) -> Finding:
    """The one way a detector builds a finding: its texts as messages (said in English here, in
    the edition's language by the report), the rest as Finding's fields."""
    return Finding(title=english(title), summary=english(_as_list(summary)),
                   recommendation=english(_as_list(recommendation)),
                   messages={"title": title, "summary": _as_list(summary),
                             "recommendation": _as_list(recommendation)},
                   **fields)


VEGA_LITE = "https://vega.github.io/schema/vega-lite/v5.json"


def bar_chart(title: Message | str, rows: list[dict[str, Any]], x: str = "group", y: str = "value",
              y_title: Message | str = "", *, ci: tuple[str, str] | None = None) -> dict[str, Any]:
    """The one chart builder: a Vega-Lite bar chart of a few groups, one bar per row. A group
    (`x`) or title given as a message is said in English in the spec and kept as a message
    (`<x>_msg`, `usermeta`) for the report to say in its language; `ci`: the rows' fields of a
    95% interval (drawn as whiskers). A y title that is a catalogue metric's name is read as it."""
    values = []
    for r in rows:
        r = dict(r)
        if is_message(r.get(x)):
            r[f"{x}_msg"] = r[x]
            r[x] = english(r[x])
        if ci:
            r["ci_low"], r["ci_high"] = r.pop(ci[0], None), r.pop(ci[1], None)
        values.append(r)
    spec: dict[str, Any] = {
        "$schema": VEGA_LITE,
        "title": english(title) if is_message(title) else title,
        "data": {"values": values},
        "mark": "bar",
        "encoding": {
            "x": {"field": x, "type": "nominal", "sort": None, "title": None},
            "y": {"field": y, "type": "quantitative", "title": english(y_title) if is_message(y_title) else y_title},
        },
    }
    meta = {k: v for k, v in (("title", title), ("y_title", y_title)) if is_message(v)}
    if meta:
        spec["usermeta"] = meta
    return spec
