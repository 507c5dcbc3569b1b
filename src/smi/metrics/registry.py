"""The metric catalogue: named Ibis expressions with their formula, unit and inputs.

A metric is a function `(con, period, by) -> ibis.Table` decorated with `@metric`. It
returns one row per group of `by` ("platform", "account_id", or "month": the local
calendar month, YYYY-MM) with the number in the column `value`; with `by=()` one row. Metrics build
expressions only: the caller executes them.

Not available is NULL, never 0: a sum over posts that carry no such number is NULL. Pure
counts (posts, replies, ...) are 0 when nothing happened.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ibis

from smi.metrics.period import Period

FAMILIES = ("outputs", "engagement", "interactions", "audience")

MetricFn = Callable[[Any, Period, tuple[str, ...]], ibis.Table]


@dataclass(frozen=True)
class Metric:
    name: str
    description: str
    formula: str
    unit: str
    inputs: tuple[str, ...]  # "table.column" the metric reads; available if any has a value
    higher_is_better: bool
    count: bool  # a pure count: 0 when nothing happened (otherwise NULL = not available)
    by: tuple[str, ...]  # the columns it can be grouped by
    fn: MetricFn

    def build(self, con: Any, period: Period, by: tuple[str, ...] = ()) -> ibis.Table:
        """The expression: columns `*by, value`. `con` is an Ibis backend over the store."""
        unknown = [b for b in by if b not in self.by]
        if unknown:
            raise ValueError(f"metric {self.name} cannot be grouped by {unknown}; it can by {self.by}")
        return self.fn(con, period, tuple(by))


REGISTRY: dict[str, Metric] = {}


def metric(
    *,
    name: str,
    description: str,
    formula: str,
    unit: str,
    inputs: tuple[str, ...],
    higher_is_better: bool = True,
    count: bool = False,
    by: tuple[str, ...] = ("platform", "account_id", "month"),
) -> Callable[[MetricFn], MetricFn]:
    """Register a metric function in the catalogue."""

    def wrap(fn: MetricFn) -> MetricFn:
        if name in REGISTRY:
            raise RuntimeError(f"metric {name} registered twice")
        REGISTRY[name] = Metric(
            name=name,
            description=description,
            formula=formula,
            unit=unit,
            inputs=tuple(inputs),
            higher_is_better=higher_is_better,
            count=count,
            by=tuple(by),
            fn=fn,
        )
        return fn

    return wrap


def load_all() -> dict[str, Metric]:
    """Import every metric family so its metrics register; return the catalogue."""
    for family in FAMILIES:
        importlib.import_module(f"smi.metrics.{family}")
    return REGISTRY


def get(name: str) -> Metric:
    load_all()
    return REGISTRY[name]


def coverage(con: Any, inputs: tuple[str, ...] | None = None) -> ibis.Table:
    """Per platform and input ("table.column"), how many rows carry a value (all time).

    Columns: platform, input, rows. A platform/input pair that is absent has no value at
    all: the metrics that read only that input are not available on that platform.
    """
    from smi.metrics.tables import latest_metrics

    if inputs is None:
        inputs = tuple(sorted({i for m in load_all().values() for i in m.inputs}))
    parts = []
    for item in inputs:
        table, column = item.split(".", 1)
        if table == "post_metrics":
            posts = con.table("posts")
            m = latest_metrics(con)
            t = m.join(posts, m.post_key == posts.post_key).select(posts.platform, m[column])
        else:
            t = con.table(table)
        t = t.filter(t[column].notnull())
        t = t.select(platform=t.platform.cast("string"))
        parts.append(t.group_by("platform").aggregate(rows=t.count()).mutate(input=ibis.literal(item)))
    out = parts[0] if len(parts) == 1 else ibis.union(*parts)
    return out.select("platform", "input", "rows")
