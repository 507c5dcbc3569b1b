"""The metric catalogue: named Ibis expressions with their formula, unit and inputs.

A metric declares the grain it counts over ("posts", "interactions", "audience_daily",
"effort"; see tables.py) and a function of a `Query`. The function returns either

- an aggregate Ibis value over `q.rows` (e.g. `q.rows.impressions.sum()`): the
  catalogue groups it by the dimensions asked for; or
- a whole table with columns `*q.by, value`, for metrics that need more than one pass
  (followers on an account's last day, per-post ratios joined to audience, …).

`Metric.build(con, period, by, platforms=...)` returns the expression with columns
`*by, value` and never executes it: the caller does, on any Ibis backend (DuckDB or
PySpark). With `by=()` the table has one row.

Not available is NULL, never 0: a sum over rows that carry no such number is NULL, and a
ratio whose denominator is 0 or NULL is NULL. Pure counts (posts, replies, …) are 0 when
nothing happened.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import ibis
import ibis.expr.types as ir

from smi.errors import SmiError
from smi.metrics.period import Period
from smi.metrics.tables import ALIASES, GRAINS, aggregate, grain_rows

# Modules holding metrics, imported by load_all() (a missing one is skipped).
FAMILIES = (
    "outputs",
    "exposure",
    "engagement",
    "audience",
    "interactions",
    "service",
    "effort",
    "voice",
    "language",
    "viewers",
)

Where = Callable[[ir.Table], ir.Value]


class MetricError(SmiError, ValueError):
    """A metric that does not exist, or a breakdown it cannot do."""


@dataclass
class Query:
    """What a metric function sees: the period, the breakdown, and the grain's rows."""

    con: Any
    period: Period
    by: tuple[str, ...]
    platforms: tuple[str, ...] | None
    metric: Metric
    business_hours: Any = None  # the profile's BusinessHours (service metrics); None: Mon-Fri 09-17

    @cached_property
    def rows(self) -> ir.Table:
        """The metric's grain rows in the period (its `where` applied), a column per `by`."""
        return self.grain(self.metric.grain, self.metric.where)

    def grain(self, name: str, where: Where | None = None, by: tuple[str, ...] | None = None) -> ir.Table:
        """Another grain's rows for the same period, platforms and (by default) breakdown."""
        return grain_rows(self.con, name, self.period, self.by if by is None else by, self.platforms, where)

    def aggregate(self, value: ir.Value, t: ir.Table | None = None) -> ir.Table:
        """`value` per group of `by` over `t` (default: `rows`)."""
        return aggregate(self.rows if t is None else t, self.by, value)


MetricFn = Callable[[Query], "ir.Value | ir.Table"]


@dataclass(frozen=True)
class Metric:
    name: str
    description: str
    formula: str
    unit: str
    inputs: tuple[str, ...]  # "table.column" the metric reads; available if any has a value
    grain: str
    fn: MetricFn
    higher_is_better: bool | None = True  # None: neither (a share, a mix)
    count: bool = False  # a pure count: 0 when nothing happened (otherwise NULL = not available)
    by: tuple[str, ...] = ()  # the dimensions it can be broken down by
    where: Where | None = None
    family: str = ""
    requires: tuple[tuple[str, ...], ...] = ()  # groups of inputs: needs one of each group
    series: tuple[str, ...] = ()  # inputs it needs day by day (one value on an export's date is not enough)
    only: tuple[str, ...] = ()  # a platform's own definition: counts only these platforms' rows

    @property
    def label(self) -> str:
        """The display name for people (English msgid; smi.labels)."""
        from smi.labels import label

        return label(self.name)

    @property
    def display(self) -> str:
        """How the value reads: count, decimal, percent, times, minutes, hours, currency."""
        from smi.labels import display

        return display(self.name)

    def available(self, held: set[str]) -> bool:
        """True if the inputs in `held` ("table.column") are enough to compute it."""
        return all(any(i in held for i in group) for group in self.requires)

    def build(
        self,
        con: Any,
        period: Period,
        by: tuple[str, ...] | list[str] = (),
        platforms: tuple[str, ...] | list[str] | str | None = None,
        business_hours: Any = None,
    ) -> ir.Table:
        """The expression: columns `*by, value`. `con` is an Ibis backend over the store;
        `business_hours` the profile's (`ws.profile.business_hours`), for response times."""
        dims = normalise_by(by)
        unknown = [b for b in dims if b not in self.by]
        if unknown:
            raise MetricError(
                f"metric {self.name} cannot be grouped by {', '.join(unknown)}",
                fix=f"break it down by one of: {', '.join(self.by)}",
            )
        if isinstance(platforms, str):
            platforms = (platforms,)
        q = Query(con, period, dims, tuple(platforms) if platforms else None, self, business_hours)
        out = self.fn(q)
        if not isinstance(out, ir.Table):
            out = q.aggregate(out)
        out = out.select(*dims, value=out.value)
        # Not available where no import covers the period (availability.py); a count by month
        # shows every month of the period, 0 where nothing happened.
        from smi.metrics.availability import mask, zero_months

        if self.count and "month" in dims:
            out = zero_months(out, period, dims)
        out = mask(con, self, out, period, dims, q.platforms)
        return out.order_by(list(dims)) if dims else out


def normalise_by(by: tuple[str, ...] | list[str] | str) -> tuple[str, ...]:
    if isinstance(by, str):
        by = (by,)
    out: list[str] = []
    for b in by:
        d = ALIASES.get(b.strip().lower(), b.strip().lower())
        if d not in out:
            out.append(d)
    return tuple(out)


REGISTRY: dict[str, Metric] = {}


def metric(
    *,
    name: str,
    description: str,
    formula: str,
    unit: str,
    inputs: tuple[str, ...],
    grain: str = "posts",
    kinds: tuple[str, ...] | None = None,
    where: Where | None = None,
    higher_is_better: bool | None = True,
    count: bool = False,
    by: tuple[str, ...] | None = None,
    exclude: tuple[str, ...] = (),
    requires: tuple[tuple[str, ...], ...] | None = None,
    series: tuple[str, ...] = (),
    only: tuple[str, ...] = (),
) -> Callable[[MetricFn], MetricFn]:
    """Register a metric in the catalogue.

    `grain` is the table it counts over; `kinds` keeps only posts (or interactions) of
    those kinds and `where` any other rows. It can be broken down by every dimension of
    its grain, or only those in `by`, less those in `exclude`. `requires` says which
    inputs it needs to be available: one of each group (default: any of `inputs`); `series`
    those it needs day by day (a platform giving one value on an export's date does not count);
    `only` the platforms whose own definition it is (it reads only their rows).
    """
    if grain not in GRAINS:
        raise RuntimeError(f"metric {name}: unknown grain {grain}")
    dims = tuple(d for d in (by or tuple(GRAINS[grain].dims)) if d not in exclude)
    bad = [d for d in dims if d not in GRAINS[grain].dims]
    if bad:
        raise RuntimeError(f"metric {name}: grain {grain} has no dimension {bad}")
    if only:
        only_list, before = list(only), where

        def where(t: ir.Table) -> ir.Value:
            keep = t.platform.isin(only_list)
            return keep if before is None else keep & before(t)

    if kinds is not None:
        kind_list = list(kinds)
        extra = where

        def where(t: ir.Table) -> ir.Value:
            keep = t.kind.isin(kind_list)
            return keep if extra is None else keep & extra(t)

    def wrap(fn: MetricFn) -> MetricFn:
        if name in REGISTRY:
            raise RuntimeError(f"metric {name} registered twice")
        REGISTRY[name] = Metric(
            name=name,
            description=description,
            formula=formula,
            unit=unit,
            inputs=tuple(inputs),
            grain=grain,
            fn=fn,
            higher_is_better=higher_is_better,
            count=count,
            by=dims,
            where=where,
            family=fn.__module__.rsplit(".", 1)[-1],
            requires=requires or (tuple(inputs),),
            series=tuple(series),
            only=tuple(only),
        )
        return fn

    return wrap


def load_all() -> dict[str, Metric]:
    """Import every metric family so its metrics register; return the catalogue."""
    for family in FAMILIES:
        module = f"smi.metrics.{family}"
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)
    return REGISTRY


def get(name: str) -> Metric:
    catalogue = load_all()
    if name not in catalogue:
        import difflib

        close = difflib.get_close_matches(name, catalogue, n=3)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        raise MetricError(f"no metric called '{name}'", fix=f"{hint}see `smi metrics` for the catalogue")
    return catalogue[name]


# Inputs that are not columns: whether a source's exports can hold the organisation's
# replies / reposts (Source.fills); the column whose rows show them held.
PSEUDO_INPUTS = {"posts.replies": "posts.kind", "posts.reposts": "posts.kind"}


def coverage(con: Any, inputs: tuple[str, ...] | None = None) -> ir.Table:
    """Per platform and input ("table.column"), how many rows carry a value (all time).

    Columns: platform, input, rows. A platform/input pair that is absent has no value at
    all: the metrics that read only that input are not available on that platform.
    """
    from smi.metrics.tables import latest_metrics

    if inputs is None:
        inputs = tuple(sorted({i for m in load_all().values() for i in m.inputs}))
    parts = []
    for item in inputs:
        # posts.replies / posts.reposts say whether an export can hold such posts at all (the
        # sources declare it); held rows show up as posts with a kind
        table, column = PSEUDO_INPUTS.get(item, item).split(".", 1)
        if table == "post_metrics":
            posts = con.table("posts")
            m = latest_metrics(con)
            t = m.join(posts, m.post_key == posts.post_key).select(posts.platform, m[column])
        elif table == "people":
            continue  # not per platform
        else:
            t = con.table(table)
        t = t.filter(t[column].notnull())
        t = t.select(platform=t.platform.cast("string"))
        parts.append(t.group_by("platform").aggregate(rows=t.count()).mutate(input=ibis.literal(item)))
    if not parts:
        return ibis.memtable({"platform": [], "input": [], "rows": []}, schema={
            "platform": "string", "input": "string", "rows": "int64"})
    out = parts[0] if len(parts) == 1 else ibis.union(*parts)
    return out.select("platform", "input", "rows")


__all__ = ["FAMILIES", "PSEUDO_INPUTS", "REGISTRY", "Metric", "MetricError", "Query", "coverage", "get", "load_all", "metric"]
