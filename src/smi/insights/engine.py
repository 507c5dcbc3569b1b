"""Run every detector for a month: collect each test, control the false-discovery rate,
keep what holds, rank it.

Detectors receive a `Context` and return one `Finding` per test they made (significant or
not). Here the p-values of all of them get Benjamini–Hochberg q-values together; findings
with q <= Q_MAX are kept and ranked by `rank.rank`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from smi.insights.finding import Finding
from smi.insights.registry import load_all
from smi.insights.stats import benjamini_hochberg

Q_MAX = 0.05


@dataclass
class Context:
    """What a detector may read. Periods are local calendar months of the workspace."""

    ws: Any  # smi.workspace.Workspace
    month: str  # "YYYY-MM"
    seed: int = 0
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    @property
    def profile(self) -> Any:
        return self.ws.profile

    @property
    def timezone(self) -> str:
        return self.ws.profile.organisation.timezone

    @property
    def con(self) -> Any:
        """An Ibis backend over the store (for detectors that need per-item rows)."""
        if "con" not in self._cache:
            self._cache["con"] = self.ws.store.ibis()
        return self._cache["con"]

    @property
    def first_day(self) -> date:
        y, m = map(int, self.month.split("-"))
        return date(y, m, 1)

    def month_shift(self, n: int) -> str:
        y, m = map(int, self.month.split("-"))
        k = y * 12 + (m - 1) + n
        return f"{k // 12:04d}-{k % 12 + 1:02d}"

    @property
    def previous(self) -> str:
        return self.month_shift(-1)

    @property
    def baseline_range(self) -> tuple[date, date]:
        """The three months before this one, as local first and last days."""
        start = date(*map(int, self.month_shift(-3).split("-")), 1)
        return start, self.first_day - timedelta(days=1)

    def metric(self, name: str, by: tuple[str, ...] | list[str] = (), *, month: str | None = None,
               from_: date | None = None, to: date | None = None, platform: Any = None):  # -> DataFrame
        """A catalogue metric for this month (or another month / range), cached."""
        if from_ is None and month is None:
            month = self.month
        key = (name, tuple(by), month, from_, to, str(platform))
        if key not in self._cache:
            self._cache[key] = self.ws.metric(name, list(by), month=month, from_=from_, to=to, platform=platform)
        return self._cache[key]


def run_tests(ws: Any, month: str, *, seed: int = 0, only: list[str] | None = None) -> list[Finding]:
    """Every test every detector made for the month, with q-values set (not filtered)."""
    detectors = load_all()
    ctx = Context(ws, month, seed)
    tested: list[Finding] = []
    for name, det in sorted(detectors.items()):
        if only is not None and name not in only:
            continue
        tested.extend(det.run(ctx))
    qs = benjamini_hochberg([f.p_value for f in tested])
    return [f.with_(q_value=q) for f, q in zip(tested, qs, strict=True)]


def run_month(ws: Any, month: str, *, seed: int = 0, only: list[str] | None = None) -> list[Finding]:
    """The month's findings: q <= Q_MAX after Benjamini–Hochberg, ranked."""
    from smi.insights.rank import rank

    kept = [f for f in run_tests(ws, month, seed=seed, only=only) if f.q_value is not None and f.q_value <= Q_MAX]
    return rank(kept, ws.profile)
