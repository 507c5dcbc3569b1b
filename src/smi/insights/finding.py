"""A finding: one true, tested statement about the month, in plain words."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

QUESTIONS = ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "blind_spot")
QUESTION_TITLES = {
    "Q1": "Fit", "Q2": "Practice", "Q3": "Platforms", "Q4": "People", "Q5": "Time",
    "Q6": "Value and service", "Q7": "Success", "blind_spot": "Blind spots",
}
EFFECT_KINDS = ("ratio", "difference")

# The keys of a finding in `smi findings --format json`, in order.
JSON_KEYS = (
    "detector", "question", "title", "summary", "metric", "subject", "comparison",
    "direction", "effect", "ci", "p_value", "q_value", "n", "priority", "recommendation",
    "evidence", "chart", "figures",
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

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["effect"] = {"kind": self.effect.kind, "value": self.effect.value}
        d["ci"] = list(self.ci)
        return {k: d[k] for k in JSON_KEYS}
