"""The smallest effect worth a finding, per metric family (docs/findings.md).

A significant test is not enough: with thousands of days or posts a trivial change passes.
Each finding must also move its metric by at least the family's minimum:

- `relative`: the smallest |ratio - 1| that matters (0.25 = a change of 25% either way);
- `absolute`: the smallest |difference| in the metric's own unit (per day, per post, share…);
- `floor`: a ratio is only said when the comparison value is at least this; below it a
  ratio against (near) zero means nothing, so the finding gives the difference, or says
  "new" when the comparison is zero.

A change matters when it passes both `relative` (where a ratio can be said) and `absolute`.
A workspace overrides any number in `workspace.toml`:

    [findings.min_effect]
    counts = { relative = 0.3 }
    growth = { absolute = 0.5 }
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class MinEffect:
    relative: float
    absolute: float
    floor: float
    unit: str  # what `absolute` and `floor` are counted in, for the docs


DEFAULTS: dict[str, MinEffect] = {
    # posts a day, inbound items a day, a platform's daily activity
    "counts": MinEffect(relative=0.25, absolute=0.1, floor=0.1, unit="a day"),
    # engagements, impressions per post
    "per_post": MinEffect(relative=0.20, absolute=1.0, floor=1.0, unit="per post"),
    # engagements per impression, shares answered, word shares
    "rates": MinEffect(relative=0.20, absolute=0.005, floor=0.005, unit="share (0-1)"),
    # net follower growth per 1,000 followers a day
    "growth": MinEffect(relative=0.50, absolute=0.2, floor=0.2, unit="followers per 1,000 a day"),
    # engagements per staff hour
    "efficiency": MinEffect(relative=0.30, absolute=1.0, floor=1.0, unit="engagements per hour"),
    # a run of unusual days against what the baseline predicts
    "days": MinEffect(relative=1.0, absolute=10.0, floor=1.0, unit="items over the run"),
    # a platform's posts and engagements against its own baseline (a collapse)
    "activity": MinEffect(relative=0.50, absolute=0.1, floor=0.1, unit="posts a day"),
    # audience words and topics: share of inbound texts
    "words": MinEffect(relative=1.0, absolute=0.01, floor=0.005, unit="share of texts"),
}


def min_effect(family: str, profile: Any = None) -> MinEffect:
    """The family's minimum effect, with the profile's `[findings.min_effect]` overrides."""
    base = DEFAULTS[family]
    findings = getattr(profile, "findings", None)
    over = (getattr(findings, "min_effect", None) or {}).get(family) or {}
    known = {k: float(v) for k, v in over.items() if k in ("relative", "absolute", "floor")}
    return replace(base, **known) if known else base


def matters(family: str, profile: Any, *, subject: float, comparison: float) -> bool:
    """Does a move from `comparison` to `subject` reach the family's minimum effect?"""
    m = min_effect(family, profile)
    if abs(subject - comparison) < m.absolute:
        return False
    if abs(comparison) >= m.floor:
        return abs(subject / comparison - 1) >= m.relative
    return True  # from (near) zero: the absolute minimum is the test


def ratio_allowed(family: str, profile: Any, comparison: float) -> bool:
    """A ratio is said only against a comparison at or above the family's floor."""
    return abs(comparison) >= min_effect(family, profile).floor
