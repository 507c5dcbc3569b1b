"""Ranking happens here and only here: effect size, confidence and the organisation's goals."""

from __future__ import annotations

import math
from typing import Any

from smi.insights.finding import Finding


def _effect_size(f: Finding) -> float:
    if f.effect.kind == "ratio":
        v = f.effect.value
        return abs(math.log(v)) if v and v > 0 else 0.0
    # a difference: relative to the comparison is not known here; squash it
    return math.log1p(abs(f.effect.value))


def _goal_weight(f: Finding, profile: Any) -> float:
    """Findings about a metric the organisation set a goal on count double."""
    metrics = {k.metric for g in getattr(profile, "goals", []) for k in g.kpis}
    return 2.0 if f.metric in metrics else 1.0


def priority(f: Finding, profile: Any) -> float:
    confidence = 1.0 - min(f.q_value if f.q_value is not None else f.p_value, 1.0)
    return round(_effect_size(f) * confidence * _goal_weight(f, profile), 6)


def rank(findings: list[Finding], profile: Any) -> list[Finding]:
    scored = [f.with_(priority=priority(f, profile)) for f in findings]
    return sorted(scored, key=lambda f: (-(f.priority or 0.0), f.question, f.detector, f.id))


def summary(findings: list[Any], k: int = 5) -> list[Any]:
    """The first `k` findings in rank order, one per (metric, subject): two detectors may
    read the same test for different questions (Q5 time and Q3 platforms both weigh
    engagement per staff hour); each question's section shows both, the summary once."""
    import json

    seen: set[str] = set()
    out = []
    for f in findings:
        metric = f["metric"] if isinstance(f, dict) else f.metric
        subject = f["subject"] if isinstance(f, dict) else f.subject
        key = json.dumps([metric, subject], sort_keys=True, default=str)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
        if len(out) == k:
            break
    return out
