"""Proof that the insight engine finds the truth: recall on planted effects, false findings
on data with none.

For each seed the demo is built twice (smi.demo.build_demo): with its planted effects and
with none. `engine.run_month` runs every registered detector on the last `months` months of
each. Then:

- RECALL: for each month of the effects demo, the share of the manifest's planted effects
  that a reported finding MATCHES (rule below), pooled over seeds and months;
- FALSE FINDINGS: every finding reported on the no-effects demo is false (nothing was
  planted, every dimension performs alike); their number per month, averaged.

The matching rule (`matches`): a finding matches a planted effect when
1. its question is the effect's question (or, for an effect on staff time, Q3 or Q5: the
   time sink is as much a platform finding as a time one);
2. its subject names the effect's subject: the same dimension (`account` and `account_id`
   are one dimension; a `person` subject matches an account effect when the account is one
   of that person's handles in the profile) and the same value (case-insensitive);
3. when the effect is scoped to a platform, the finding is on that platform: its subject's
   `platform`, or the platform of an account subject;
4. when the finding measures the effect's own metric, it points the same way (higher for a
   planted multiplier above 1, lower below). Findings on another metric (first-response
   hours for the planted median hours, share of hours for engagement per hour) are not
   checked for direction: the same effect shows as higher on one and lower on the other.

Targets (issue 5): recall >= 0.90; fewer than 1 false finding per month on average.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smi.insights.finding import Finding

RECALL_TARGET = 0.90
FALSE_PER_MONTH_TARGET = 1.0
TIME_QUESTIONS = ("Q3", "Q5")


@dataclass
class Evaluation:
    seeds: list[int]
    months: list[str]
    planted: int = 0  # planted effect x month pairs looked for
    found: int = 0
    missed: list[dict[str, Any]] = field(default_factory=list)  # seed, month, effect
    false_findings: list[dict[str, Any]] = field(default_factory=list)  # seed, month, detector, title
    no_effect_months: int = 0

    @property
    def recall(self) -> float | None:
        return self.found / self.planted if self.planted else None

    @property
    def false_per_month(self) -> float | None:
        return len(self.false_findings) / self.no_effect_months if self.no_effect_months else None

    @property
    def passed(self) -> bool:
        return (self.recall is not None and self.recall >= RECALL_TARGET
                and self.false_per_month is not None and self.false_per_month < FALSE_PER_MONTH_TARGET)

    def false_by_detector(self) -> dict[str, int]:
        return dict(Counter(f["detector"] for f in self.false_findings))

    def to_json(self) -> dict[str, Any]:
        return {
            "seeds": self.seeds, "months": self.months, "planted": self.planted, "found": self.found,
            "recall": self.recall, "no_effect_months": self.no_effect_months,
            "false_findings": len(self.false_findings), "false_per_month": self.false_per_month,
            "false_by_detector": self.false_by_detector(), "missed": self.missed,
            "false": self.false_findings, "passed": self.passed,
            "targets": {"recall": RECALL_TARGET, "false_per_month_below": FALSE_PER_MONTH_TARGET},
        }


def _norm_dim(d: Any) -> str:
    d = str(d or "").lower()
    return "account" if d == "account_id" else d


def _handles_of(person: str, profile: Any) -> set[str]:
    """`platform:handle` of a person's accounts in the profile (handles stored as platform:@h)."""
    for p in getattr(profile, "people", []):
        if p.name.lower() == str(person).lower():
            return {h.replace(":@", ":").lower() for h in p.handles}
    return set()


def matches(f: Finding, effect: dict[str, Any], profile: Any = None) -> bool:
    """Does the finding report the planted effect? (the rule in the module docstring)"""
    questions = TIME_QUESTIONS if effect["question"] in TIME_QUESTIONS else (effect["question"],)
    if f.question not in questions:
        return False
    want_dim, want_value = _norm_dim(effect["subject"]["dimension"]), str(effect["subject"]["value"]).lower()
    dim, value = _norm_dim(f.subject.get("dimension")), str(f.subject.get("value", "")).lower()
    if dim == want_dim:
        if value != want_value:
            return False
    elif want_dim == "account" and dim == "person":
        if want_value not in _handles_of(value, profile):
            return False
    else:
        return False
    scope = (effect.get("scope") or {}).get("platform")
    if scope:
        on = f.subject.get("platform")
        if on is None and dim == "account" and ":" in value:
            on = value.split(":", 1)[0]
        if on is None and dim == "person":
            on = want_value.split(":", 1)[0]  # the person's handle named the account's platform
        if str(on).lower() != scope:
            return False
    if f.metric == effect["metric"]:
        return f.direction == ("higher" if effect["multiplier"] > 1 else "lower")
    return True


def last_months(until: str, n: int) -> list[str]:
    y, m = map(int, until.split("-"))
    out = []
    for k in range(n - 1, -1, -1):
        i = y * 12 + (m - 1) - k
        out.append(f"{i // 12:04d}-{i % 12 + 1:02d}")
    return out


def evaluate(
    seeds: list[int],
    until: str,
    months: int = 1,
    *,
    directory: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> Evaluation:
    """Build the demos and measure recall and false findings (see the module docstring)."""
    from smi.demo import build_demo
    from smi.insights.engine import run_month

    say = progress or (lambda _msg: None)
    wanted = last_months(until, months)
    ev = Evaluation(seeds=list(seeds), months=wanted)
    with tempfile.TemporaryDirectory(prefix="smi-evaluate-") as tmp:
        root = Path(directory) if directory is not None else Path(tmp)
        for seed in seeds:
            for effects in (True, False):
                label = "effects" if effects else "none"
                say(f"seed {seed}: building the demo ({label})")
                demo = build_demo(root / f"seed{seed}-{label}", seed=seed, until=until, effects=effects)
                planted = json.loads(demo.manifest_path.read_text(encoding="utf-8"))["effects"]
                ws = demo.workspace
                for month in wanted:
                    say(f"seed {seed}: findings for {month} ({label})")
                    found = run_month(ws, month, seed=seed)
                    if effects:
                        for e in planted:
                            ev.planted += 1
                            if any(matches(f, e, ws.profile) for f in found):
                                ev.found += 1
                            else:
                                ev.missed.append({"seed": seed, "month": month, "effect": e["id"]})
                    else:
                        ev.no_effect_months += 1
                        ev.false_findings += [
                            {"seed": seed, "month": month, "detector": f.detector, "metric": f.metric,
                             "subject": f.subject, "title": f.title, "q_value": f.q_value}
                            for f in found
                        ]
                ws.close()
    return ev


def summary(ev: Evaluation) -> str:
    """A few lines for people."""
    recall = "n/a" if ev.recall is None else f"{ev.recall:.0%}"
    fpm = "n/a" if ev.false_per_month is None else f"{ev.false_per_month:.2f}"
    lines = [
        f"{len(ev.seeds)} seeds ({', '.join(map(str, ev.seeds))}), months {', '.join(ev.months)}",
        f"recall: {ev.found} of {ev.planted} planted effects found ({recall}; target >= {RECALL_TARGET:.0%})",
        f"false findings: {len(ev.false_findings)} in {ev.no_effect_months} months without effects "
        f"({fpm} a month; target < {FALSE_PER_MONTH_TARGET:g})",
    ]
    for m in ev.missed:
        lines.append(f"  missed: {m['effect']} (seed {m['seed']}, {m['month']})")
    for f in ev.false_findings:
        lines.append(f"  false: {f['detector']}: {f['title']} (seed {f['seed']}, {f['month']}, q={f['q_value']:.3g})")
    lines.append("PASS" if ev.passed else "FAIL")
    return "\n".join(lines)
