"""Running a metric for a person: name, breakdown, period and platforms in; a table out.

`Workspace.metric()`, `Workspace.metrics()` and `smi metric` / `smi metrics` call these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pyarrow as pa

from smi.errors import SmiError
from smi.metrics.availability import platforms_for, reasons
from smi.metrics.period import Period
from smi.metrics.registry import FAMILIES, Metric, get, load_all, normalise_by
from smi.metrics.tables import DIMENSIONS
from smi.platforms import PLATFORMS, normalise_platform


def describe(m: Metric) -> dict[str, Any]:
    """One catalogue entry as plain data."""
    return {
        "name": m.name,
        "family": m.family,
        "description": m.description,
        "formula": m.formula,
        "unit": m.unit,
        "inputs": list(m.inputs),
        "higher_is_better": m.higher_is_better,
        "dimensions": list(m.by),
        "platforms": platforms_for(m),
    }


def catalogue() -> list[dict[str, Any]]:
    """Every metric, family by family (in FAMILIES order), then by name."""
    order = {f: i for i, f in enumerate(FAMILIES)}
    ms = sorted(load_all().values(), key=lambda m: (order.get(m.family, len(order)), m.family, m.name))
    return [describe(m) for m in ms]


def dimensions() -> dict[str, str]:
    return dict(DIMENSIONS)


def platforms(value: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Platform names or aliases (a list, or one string with commas) as platform ids."""
    if value is None:
        return None
    items = [v for part in ([value] if isinstance(value, str) else value) for v in part.split(",")]
    out = []
    for item in items:
        if not item.strip():
            continue
        p = normalise_platform(item)
        if p is None:
            raise SmiError(f"'{item.strip()}' is not a platform smi knows", fix="use one of: " + ", ".join(PLATFORMS))
        out.append(p)
    return tuple(dict.fromkeys(out)) or None


@dataclass
class Result:
    metric: Metric
    period: Period
    by: tuple[str, ...]
    platforms: tuple[str, ...] | None
    table: pa.Table  # *by, value
    # Why values are not available (NULL): "" for the whole period, else per platform.
    reasons: dict[str, str] = field(default_factory=dict)

    @property
    def reason(self) -> str | None:
        """Why the metric is not available over the whole period (None when it is)."""
        return self.reasons.get("") or self.reasons.get("*")

    def reason_for(self, row: dict[str, Any]) -> str | None:
        """Why this row's value is NULL (None when it has a value)."""
        if row.get("value") is not None:
            return None
        return self.reasons.get(str(row.get("platform") or "")) or self.reasons.get("") or self.reasons.get("*")

    def to_pandas(self) -> Any:
        """Columns *by, value; `df.attrs` holds metric, formula, unit, period, and `reason`
        (why it is not available over the period, or None) and `reasons` ({platform: why})."""
        df = self.table.to_pandas()
        df.attrs.update(metric=self.metric.name, formula=self.metric.formula, unit=self.metric.unit,
                        period=self.period.key, reason=self.reason,
                        reasons={k: v for k, v in self.reasons.items() if k not in ("", "*")})
        return df

    def rows(self) -> list[dict[str, Any]]:
        return self.table.to_pylist()


def period_for(ws: Any, month: str | None, from_: date | str | None, to: date | str | None) -> Period:
    """The period asked for; with none, the last month every source covers in full (as `smi report`)."""
    tz = ws.profile.organisation.timezone
    if month is None and from_ is None and to is None:
        from smi.metrics.months import choose_period

        return choose_period(ws, None)
    return Period.parse(month=month, from_=from_, to=to, timezone=tz)


def _connect(ws: Any, engine: str | None) -> Any:
    try:
        from smi.engines import connect
    except ImportError:  # pragma: no cover - the engines module ships with smi
        return ws.store.ibis()
    return connect(ws, engine)


def run(
    ws: Any,
    name: str,
    by: str | list[str] | tuple[str, ...] = (),
    *,
    month: str | None = None,
    from_: date | str | None = None,
    to: date | str | None = None,
    platform: str | list[str] | tuple[str, ...] | None = None,
    engine: str | None = None,
    accounts: str = "all",
) -> Result:
    """Compute one metric for the workspace: columns `*by, value`. `accounts` counts the rows of
    every account ("all"), or only the official accounts' or the staff's own (smi.metrics.scope:
    the report's figures are "official")."""
    from smi.metrics.scope import scoped

    m = get(name)
    dims = normalise_by(by)
    plats = platforms(platform)
    period = period_for(ws, month, from_, to)
    con = scoped(_connect(ws, engine), accounts)
    expr = m.build(con, period, dims, platforms=plats, business_hours=ws.profile.business_hours)
    table = expr.to_pyarrow()
    return Result(m, period, dims, plats, table, why_not(con, m, period, plats, dims, table))


def why_not(con: Any, m: Metric, period: Period, plats: tuple[str, ...] | None,
            dims: tuple[str, ...], table: pa.Table) -> dict[str, str]:
    """The reasons for the NULL values in `table` (see Result.reasons); "*" when the imports
    cover the period but carry no value for it."""
    values = table.column("value").to_pylist() if table.num_rows else [None]
    if all(v is not None for v in values):
        return {}
    out = reasons(con, m, period, plats, by_platform="platform" in dims)
    if "" not in out and not dims and values[0] is None:
        out["*"] = (f"nothing in {period.label} to compute it from: the imports that cover it give "
                    f"no {', '.join(i.split('.', 1)[1].replace('_', ' ') for i in m.inputs)} for it")
    return out


__all__ = ["Result", "catalogue", "describe", "dimensions", "load_all", "period_for", "platforms", "run"]
