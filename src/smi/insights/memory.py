"""Memory: each month's findings are stored, and next month's say whether each is new,
continuing or resolved.

- **new**: the finding's id (detector + metric + subject) is not among the previous month's
  stored findings;
- **continuing**: it is; "since" is the first month of its unbroken run of months;
- **resolved**: a finding of the previous month that this month does not hold.

The previous month is compared as stored: a month never run counts as holding no findings
(run the months in order, `smi findings` or `smi report`, for statuses to mean something).
The JSON of a finding keeps exactly the issue's keys: the status is said in words at the end
of its summary, e.g. "(continuing since 2025-04)". The store keeps the plain summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from smi.insights.finding import Finding
from smi.store import findings as stored

STATUSES = ("new", "continuing", "resolved")


def month_shift(month: str, n: int) -> str:
    y, m = map(int, month.split("-"))
    k = y * 12 + (m - 1) + n
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


@dataclass
class Remembered:
    """One finding of the month (or, resolved, of the month before) with its status."""

    body: dict[str, Any]  # Finding.to_json() plus "id" (as stored)
    status: str
    since: str  # the first month of its unbroken run (resolved: the month it was last seen)
    month: str

    @property
    def id(self) -> str:
        return self.body["id"]

    @property
    def words(self) -> str:
        return status_words(self.status, self.since, self.month)

    @property
    def summary(self) -> str:
        """The summary with the status said at its end."""
        return f"{self.body['summary']} {self.words}"


@dataclass
class MonthFindings:
    month: str
    findings: list[Remembered] = field(default_factory=list)  # ranked
    resolved: list[Remembered] = field(default_factory=list)

    def json(self) -> dict[str, Any]:
        """`{"month": ..., "findings": [...]}` with exactly Finding's JSON keys per finding."""
        from smi.insights.finding import JSON_KEYS

        return {"month": self.month,
                "findings": [{k: (r.summary if k == "summary" else r.body[k]) for k in JSON_KEYS}
                             for r in self.findings]}


def status_words(status: str, since: str, month: str) -> str:
    if status == "new":
        return "(new this month)"
    if status == "continuing":
        return f"(continuing since {since})"
    return f"(resolved: found in {since}, not in {month})"


def _since(months: list[str], month: str) -> str:
    """The first month of the unbroken run of months ending with the one before `month`."""
    since = month
    have = set(months)
    while month_shift(since, -1) in have:
        since = month_shift(since, -1)
    return since


def remember(ws: Any, month: str, found: list[Finding], *, save: bool = True) -> MonthFindings:
    """Give each finding its status against the previous month's stored findings, and
    (with `save`) store this month's."""
    previous = month_shift(month, -1)
    ids = [f.id for f in found]
    history = stored.months_of(ws.store, ids, month)
    out = MonthFindings(month)
    for f in found:
        months = history.get(f.id, [])
        if previous in months:
            status, since = "continuing", _since(months, month)
        else:
            status, since = "new", month
        out.findings.append(Remembered({**f.to_json(), "id": f.id}, status, since, month))
    now = set(ids)
    for body in stored.month_findings(ws.store, previous):
        if body["id"] not in now:
            out.resolved.append(Remembered(body, "resolved", previous, month))
    if save:
        stored.save_month(ws.store, month, [r.body for r in out.findings])
    return out


def findings_for_month(ws: Any, month: str, *, seed: int = 0, save: bool = True) -> MonthFindings:
    """Run every detector for the month, set statuses, store the findings."""
    from smi.insights.engine import run_month

    return remember(ws, month, run_month(ws, month, seed=seed), save=save)
