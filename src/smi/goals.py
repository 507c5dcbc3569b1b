"""Goals and their KPIs: each KPI's value for the month, its trend, and whether it is on track.

A KPI (workspace.toml, `[[goals.kpis]]`) names a metric from the catalogue, a target, a
direction (`higher` or `lower` is better), a period and an optional filter:

- period `month` is the calendar month; `quarter` and `year` are the 3 and 12 months
  ending with it (rolling, so every month has a value to compare);
- the filter narrows the metric to one value of a dimension it can be broken down by,
  e.g. `{platform = "instagram"}` or `{language = "cy"}`; `platform` may also be a list.

Whose numbers: a goal counts the organisation's official accounts, unless it says
`accounts = "all"` (staff's own accounts summed in) or `"staff"`; for a goal on the
official accounts, the staff accounts' value is shown beside it (`staff_value`), never
summed in (smi.metrics.scope).

Status, for the period ending with the month:

- **not available** — the metric has no value (its inputs are missing);
- **met** — the value reaches the target (at least it, or at most it for `lower`);
- **on track** — not met, but the trend over the last three periods (least-squares
  slope over the values there are, at least two) carries it to the target next period:
  `value + slope` reaches the target;
- **behind** — otherwise.

A KPI on a business-hours response time (smi.metrics.service.SHOWN_BESIDE) carries, in
`beside`, the all-hours median, the response rate and the share of answers that took no
business time, for the same filter and window: an out-of-hours answer to an out-of-hours
message counts 0 business minutes, so the business figure alone can read "met" while people
wait hours.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from smi.errors import ProfileError
from smi.metrics.period import Period
from smi.platforms import PLATFORMS, normalise_platform
from smi.profile import KPI, Profile

STATUSES = ("met", "on track", "behind", "not available")
TREND_PERIODS = 3
PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}
PER_ACCOUNT_GRAINS = ("posts", "audience_daily", "interactions")  # grains whose rows belong to accounts


@dataclass
class KpiResult:
    goal: str
    purpose: str
    metric: str
    unit: str
    filter: dict[str, Any]
    period: str  # month | quarter | year
    window: str  # e.g. "2025-06", or "2025-04 to 2025-06"
    direction: str
    target: float
    value: float | None
    trend: list[dict[str, Any]] = field(default_factory=list)  # [{"window", "value"}], oldest first
    status: str = "not available"
    # Metrics shown beside this one, same filter and window: [{"metric", "unit", "value"}].
    beside: list[dict[str, Any]] = field(default_factory=list)
    accounts: str = "official"  # whose accounts the value counts: official | staff | all
    # For a goal on the official accounts: the staff's own accounts' value for the same
    # window, shown beside it (None: no staff accounts, or the metric is not per account).
    staff_value: float | None = None
    reason: str | None = None  # why the value is not available (metrics/availability.py)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- validation -------------------------------------------------------------------------------


def check_goals(profile: Profile, path: str | Path, catalogue: dict[str, Any] | None = None) -> None:
    """Every KPI names a metric in the catalogue and filters by dimensions it has.

    Raises ProfileError naming the field (e.g. `goals.0.kpis.1.metric`) and close names."""
    from smi.metrics.registry import load_all, normalise_by

    catalogue = load_all() if catalogue is None else catalogue
    for i, goal in enumerate(profile.goals):
        for j, kpi in enumerate(goal.kpis):
            where = f"goals.{i}.kpis.{j}"
            m = catalogue.get(kpi.metric)
            if m is None:
                close = difflib.get_close_matches(kpi.metric, list(catalogue), n=4, cutoff=0.5)
                hint = f"close names: {', '.join(close)}" if close else "see `smi metrics` for the catalogue"
                raise ProfileError(str(path), f"{where}.metric",
                                   f"'{kpi.metric}' is not a metric (goal '{goal.name}')",
                                   fix=f"write a metric's name; {hint}")
            for key, value in kpi.filter.items():
                dim = normalise_by((key,))[0]
                if dim == "platform":
                    values = value if isinstance(value, list) else [value]
                    bad = [v for v in values if not isinstance(v, str) or normalise_platform(v) is None]
                    if bad or not values:
                        raise ProfileError(str(path), f"{where}.filter.{key}",
                                           f"{bad or value!r} is not a platform smi knows",
                                           fix="use one of: " + ", ".join(PLATFORMS))
                    continue
                if dim not in m.by:
                    raise ProfileError(str(path), f"{where}.filter.{key}",
                                       f"metric {m.name} cannot be filtered by '{key}'",
                                       fix=f"filter by one of: {', '.join(m.by) or 'nothing'}")
                if isinstance(value, list | dict):
                    raise ProfileError(str(path), f"{where}.filter.{key}",
                                       f"give one value, not {value!r}",
                                       fix=f'write e.g. {key} = "{value[0] if isinstance(value, list) and value else "..."}"')


# -- computing ----------------------------------------------------------------------------------


def window(month: Period, period: str) -> Period:
    """The KPI's period ending with `month`."""
    n = PERIOD_MONTHS[period]
    return month if n == 1 else Period.months_to(month, n)


def window_label(p: Period) -> str:
    months = p.months
    return months[0].key if len(months) == 1 else f"{months[0].key} to {months[-1].key}"


def kpi_value(con: Any, kpi: KPI, p: Period, catalogue: dict[str, Any], business_hours: Any = None,
              accounts: str = "official") -> float | None:
    """The KPI's metric over the period `p`, narrowed by its filter, counting the `accounts`
    (official, staff or all); None = not available. `business_hours`: the profile's, for
    response times in business hours."""
    from smi.metrics.registry import normalise_by
    from smi.metrics.scope import scoped

    con = scoped(con, accounts)

    m = catalogue[kpi.metric]
    platforms: tuple[str, ...] | None = None
    fixed: dict[str, Any] = {}
    for key, value in kpi.filter.items():
        dim = normalise_by((key,))[0]
        if dim == "platform":
            values = value if isinstance(value, list) else [value]
            platforms = tuple(normalise_platform(v) for v in values)  # type: ignore[misc]
        else:
            fixed[dim] = value
    by = tuple(fixed)
    expr = m.build(con, p, by, platforms=platforms, business_hours=business_hours)
    for dim, value in fixed.items():
        expr = expr.filter(expr[dim] == value)
    df = con.execute(expr.select("value"))
    values = df["value"].tolist()
    if not values:
        if m.count:  # nothing of that kind: 0 where an import covers the period
            from smi.metrics.availability import reasons

            return None if reasons(con, m, p, platforms).get("") else 0.0
        return None
    v = values[0]
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return float(v)


def meets(value: float, target: float, direction: str) -> bool:
    return value <= target if direction == "lower" else value >= target


def slope(values: list[float | None]) -> float | None:
    """Least-squares slope per period over the values there are (None with fewer than two)."""
    pts = [(float(i), v) for i, v in enumerate(values) if v is not None]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    den = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / den


def status_of(values: list[float | None], target: float, direction: str) -> str:
    """values: the last periods' values, oldest first; the last is the current one."""
    value = values[-1]
    if value is None:
        return "not available"
    if meets(value, target, direction):
        return "met"
    s = slope(values)
    if s is not None and meets(value + s, target, direction):
        return "on track"
    return "behind"


def _why_not(con: Any, m: Any, kpi: KPI, month: Period, value: float | None) -> str | None:
    """Why the KPI's current value is not available, as `smi metric` says it."""
    if value is not None:
        return None
    from smi.metrics.availability import reasons

    w = window(month, kpi.period)
    plats = kpi.filter.get("platform")
    plats = tuple(normalise_platform(v) for v in (plats if isinstance(plats, list) else [plats])) if plats else None
    return reasons(con, m, w, plats).get("") or f"no value in {window_label(w)} (its inputs: {', '.join(m.inputs)})"


def evaluate(ws: Any, month: str | None = None, engine: str | None = None) -> tuple[Period, list[KpiResult]]:
    """Every KPI in the profile for the month (default: the last month every source covers in full)."""
    from smi.engines import connect
    from smi.metrics.months import choose_period
    from smi.metrics.registry import load_all
    from smi.metrics.scope import staff_accounts

    catalogue = load_all()
    check_goals(ws.profile, ws.profile_file.path, catalogue)
    current = choose_period(ws, month)
    kpis = [(g, k) for g in ws.profile.goals for k in g.kpis]
    if not kpis:
        return current, []
    con = connect(ws, engine)
    staff = staff_accounts(con) > 0
    hours = ws.profile.business_hours
    out = []
    for goal, kpi in kpis:
        trend = []
        for back in range(TREND_PERIODS - 1, -1, -1):
            w = window(current.shift(-back * PERIOD_MONTHS[kpi.period]), kpi.period)
            trend.append({"window": window_label(w), "value": kpi_value(con, kpi, w, catalogue, hours, goal.accounts)})
        values = [t["value"] for t in trend]
        m = catalogue[kpi.metric]
        beside = beside_values(con, kpi, window(current, kpi.period), catalogue, hours, goal.accounts)
        staff_value = None
        if staff and goal.accounts == "official" and m.grain in PER_ACCOUNT_GRAINS:
            staff_value = kpi_value(con, kpi, window(current, kpi.period), catalogue, hours, "staff")
        out.append(KpiResult(
            goal=goal.name, purpose=goal.purpose, metric=kpi.metric, unit=m.unit,
            filter=dict(kpi.filter), period=kpi.period, window=trend[-1]["window"],
            direction=kpi.direction, target=kpi.target, value=values[-1], trend=trend,
            status=status_of(values, kpi.target, kpi.direction), beside=beside, accounts=goal.accounts,
            staff_value=staff_value, reason=_why_not(con, m, kpi, current, values[-1]),
        ))
    return current, out


def beside_values(con: Any, kpi: KPI, p: Period, catalogue: dict[str, Any],
                  business_hours: Any = None, accounts: str = "official") -> list[dict[str, Any]]:
    """The metrics SHOWN_BESIDE the KPI's, over the same period, filter and accounts ([] for others)."""
    from smi.metrics.service import SHOWN_BESIDE

    return [{"metric": name, "unit": catalogue[name].unit,
             "value": kpi_value(con, kpi.model_copy(update={"metric": name}), p, catalogue, business_hours, accounts)}
            for name in SHOWN_BESIDE.get(kpi.metric, ())]
