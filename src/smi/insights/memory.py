"""Memory: each month's findings say whether each is new, continuing or resolved.

- **new**: the finding's id (detector + metric + subject + account) is not among the
  previous month's findings;
- **continuing**: it is; "since" is the first month of its unbroken run of months, looked
  for up to LOOKBACK months back (further back: "since MONTH or earlier");
- **resolved**: a finding of the previous month that this month does not hold.

A month's findings and their statuses are a pure function of the data: computing month M
computes the months it compares with (M-1, and earlier months while a finding's run goes
on), whatever was run before. Each month's findings are stored with the key of the data,
profile and code they came from (`data_key`) and reused only while that key is unchanged,
so the order in which months are run changes nothing and a new import is never compared
with findings of data that is gone.
The JSON of a finding keeps exactly the issue's keys: the status is said in words at the end
of its summary, e.g. "(continuing since 2025-04)". The store keeps the plain summary.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from smi.insights.finding import Finding
from smi.profile import PROFILE_NAME
from smi.store import findings as stored

STATUSES = ("new", "continuing", "resolved")
LOOKBACK = 3  # months before the previous one computed to find where a run started

Runner = Callable[[str], list[Finding]]  # month -> its findings (ranked)


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


@cache
def code_key() -> str:
    """A digest of the code findings depend on (metrics, insights), so an upgrade recomputes."""
    h = hashlib.sha256()
    # the packages' folders, read without importing them (the metric catalogue loads Ibis)
    root = Path(__file__).parents[1]  # the smi package
    for package in ("smi.metrics", "smi.insights", "smi.insights.detectors"):
        for entry in sorted(root.joinpath(*package.split(".")[1:]).iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                h.update(entry.name.encode())
                h.update(entry.read_bytes())
    return h.hexdigest()


def data_key(ws: Any, seed: int = 0) -> str:
    """The key of everything a month's findings are computed from: the store's data, the
    profile (goals, targets, thresholds), the code and the seed."""
    path = ws.root / PROFILE_NAME
    profile = path.read_bytes() if path.exists() else b""
    parts = [stored.data_fingerprint(ws.store), hashlib.sha256(profile).hexdigest(), code_key(), str(seed)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


class _Months:
    """Each month's stored findings, computed (and stored) when missing or made from other data."""

    def __init__(self, ws: Any, key: str, run: Runner, first: str | None, save: bool) -> None:
        self.ws, self.key, self.run, self.first, self.save = ws, key, run, first, save
        self._bodies: dict[str, list[dict[str, Any]]] = {}
        self._found: dict[str, list[Finding]] = {}

    def findings(self, month: str) -> list[Finding]:
        """This month's findings as the detectors give them (computed, never reused)."""
        if month not in self._found:
            self._found[month] = self.run(month)
            bodies = [{**f.to_json(), "id": f.id} for f in self._found[month]]
            self._bodies[month] = bodies
            if self.save:
                stored.save_month(self.ws.store, month, bodies, self.key)
        return self._found[month]

    def ids(self, month: str) -> set[str]:
        return {b["id"] for b in self.bodies(month)}

    def bodies(self, month: str) -> list[dict[str, Any]]:
        """The month's findings as stored: reused when computed from the same data, else computed."""
        if month not in self._bodies:
            if self.first is None or month < self.first:
                self._bodies[month] = []  # before any data: nothing to find
            elif stored.run_key(self.ws.store, month) == self.key:
                self._bodies[month] = stored.month_findings(self.ws.store, month)
            else:
                self.findings(month)
        return self._bodies[month]


def _first_month(ws: Any) -> str | None:
    day = stored.first_data_day(ws.store)
    return None if day is None else f"{day.year:04d}-{day.month:02d}"


def findings_for_month(ws: Any, month: str, *, seed: int = 0, save: bool = True,
                       run: Runner | None = None) -> MonthFindings:
    """The month's findings with their statuses: run every detector for the month, and the
    months it compares with as needed (reused when stored from the same data); store them.
    `run` replaces the detectors (tests)."""
    if run is None:
        from smi.insights.engine import run_month

        def run(m: str) -> list[Finding]:
            return run_month(ws, m, seed=seed)

    months = _Months(ws, data_key(ws, seed), run, _first_month(ws), save)
    found = months.findings(month)
    previous = month_shift(month, -1)
    before = months.ids(previous)
    out = MonthFindings(month)
    for f in found:
        if f.id in before:
            status, since = "continuing", previous
            for k in range(2, LOOKBACK + 2):
                earlier = month_shift(month, -k)
                if f.id not in months.ids(earlier):
                    break
                since = earlier
            else:
                if months.first is not None and since > months.first:
                    since = f"{since} or earlier"
        else:
            status, since = "new", month
        out.findings.append(Remembered({**f.to_json(), "id": f.id}, status, since, month))
    now = {f.id for f in found}
    for body in months.bodies(previous):
        if body["id"] not in now:
            out.resolved.append(Remembered(body, "resolved", previous, month))
    return out
