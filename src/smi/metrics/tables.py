"""The grains metrics count over, and the dimensions each grain can be broken down by.

A grain is one canonical table seen as rows to aggregate: `posts` (each post with its
latest metric snapshot and its account's person), `interactions`, `audience_daily` and
`effort`. `grain_rows(con, grain, period, by, platforms)` returns the grain's rows in the
period (and on the platforms), with one extra column per dimension in `by`. Dimensions
are derived here once per grain, so a metric only says which grain it counts over.

Local time (weekday, hour, day, week, month) is the backend session's time zone, which
the caller sets to the workspace's (DuckDB `SET TimeZone`, Spark
`spark.sql.session.timeZone`); the period's bounds are UTC instants, so filtering is
exact whatever the session says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ibis

from smi.errors import SmiError
from smi.metrics.period import Period

# Dimensions with their meaning (for `smi metrics`, the docs and error messages).
DIMENSIONS: dict[str, str] = {
    "platform": "platform id (x, facebook, …)",
    "account_id": "account, platform:handle",
    "person": "member of staff whose own account it is; 'official' for the organisation's",
    "kind": "post kind (original, reply, repost, quote) or interaction kind",
    "format": "post format (text, image, video, link, …)",
    "language": "language code of the text (cy, en, …)",
    "label": "label or campaign tag (a post with two labels counts under each)",
    "purpose": "what a post or interaction is for (promote, serve customers, develop products, collaborate, other; `smi purposes apply` sets it from the profile's rules)",
    "activity": "time-log activity (create, engage, monitor, …)",
    "weekday": "local day of the week, 1 = Monday … 7 = Sunday",
    "hour": "local hour of the day, 0–23",
    "daypart": "local part of the day: night (00–07), morning (07–12), afternoon (12–17), evening (17–24)",
    "length": "text length: short (under 80 characters), medium (80–159), long (160 or more; no text counts as short)",
    "day": "local date",
    "week": "local date of the week's Monday",
    "month": "local calendar month, YYYY-MM",
}
ALIASES = {"account": "account_id", "campaign": "label", "labels": "label", "lang": "language"}
OFFICIAL = "official"

DimFn = Callable[[ibis.Table], ibis.Value]
COLUMN = None  # a dimension that is a column of the grain's rows as it is


class TableCache:
    """An Ibis backend whose tables are looked up once (each lookup reads the schema)."""

    def __init__(self, con: Any) -> None:
        self.con = con
        self._tables: dict[str, ibis.Table] = {}

    def table(self, name: str) -> ibis.Table:
        if name not in self._tables:
            self._tables[name] = self.con.table(name)
        return self._tables[name]


# -- rows in a period --------------------------------------------------------------------------
def in_period(t: ibis.Table, column: str, period: Period) -> ibis.Table:
    """Rows whose `column` (timestamp: compared as instants; date: as local days) is in the period."""
    col = t[column]
    if col.type().is_date():
        lo, hi = ibis.literal(period.start), ibis.literal(period.end)
    else:
        lo, hi = ibis.literal(period.start_utc), ibis.literal(period.end_utc)
    return t.filter((col >= lo) & (col < hi))


def on_platforms(t: ibis.Table, platforms: tuple[str, ...] | None) -> ibis.Table:
    if not platforms:
        return t
    return t.filter(t.platform.isin(list(platforms)))



def latest_metrics(con: Any) -> ibis.Table:
    """One row per post: its most recent metric snapshot (exports are lifetime totals)."""
    m = con.table("post_metrics")
    rn = ibis.row_number().over(group_by=m.post_key, order_by=ibis.desc(m.observed_at))
    return m.mutate(_rn=rn).filter(lambda t: t._rn == 0).drop("_rn")


def _person(accounts: ibis.Table) -> ibis.Value:
    """The member of staff an account belongs to; 'official' for the organisation's own."""
    return ibis.coalesce(
        accounts.person,
        ibis.ifelse(accounts.is_official, ibis.literal(OFFICIAL), ibis.null().cast("string")),
    )


def _with_person(t: ibis.Table, con: Any) -> ibis.Table:
    a = con.table("accounts")
    a = a.select(_acc=a.account_id, _person=_person(a))
    j = t.left_join(a, t.account_id == a._acc)
    return j.select(*[j[c] for c in t.columns], person=j._person)


# -- the grains ---------------------------------------------------------------------------------
def _post_rows(con: Any) -> ibis.Table:
    """Every post with its latest snapshot's numbers and its account's person."""
    posts = con.table("posts")
    m = latest_metrics(con)
    metric_cols = [c for c in m.columns if c not in ("post_key", "import_id")]
    j = posts.left_join(m, posts.post_key == m.post_key)
    t = j.select(
        *[j[c] for c in posts.columns if c not in ("import_id", "first_import_id", "extra")],
        *[j[c] for c in metric_cols],
    )
    return _with_person(t, con)


def _interaction_rows(con: Any) -> ibis.Table:
    t = con.table("interactions")
    return t.drop("import_id", "first_import_id", "extra")


def _audience_rows(con: Any) -> ibis.Table:
    t = con.table("audience_daily").drop("import_id", "first_import_id")
    return _with_person(t, con)


def _effort_rows(con: Any) -> ibis.Table:
    t = con.table("effort").drop("import_id", "first_import_id")
    p = con.table("people")
    p = p.select(_p=p.person, cost_per_hour=p.cost_per_hour)
    j = t.left_join(p, t.person == p._p)
    return j.select(*[j[c] for c in t.columns], cost_per_hour=j.cost_per_hour)


def _local_date(col: ibis.Value) -> ibis.Value:
    return col if col.type().is_date() else col.date()


def _month(col: ibis.Value) -> ibis.Value:
    d = _local_date(col)
    return d.year().cast("string") + ibis.literal("-") + d.month().cast("string").lpad(2, "0")


DAYPARTS = ((0, 7, "night"), (7, 12, "morning"), (12, 17, "afternoon"), (17, 24, "evening"))
LENGTHS = ((0, 80, "short"), (80, 160, "medium"), (160, None, "long"))


def _daypart(hour: ibis.Value) -> ibis.Value:
    cases = [((hour >= lo) & (hour < hi), name) for lo, hi, name in DAYPARTS]
    return ibis.cases(*cases, else_=ibis.null().cast("string"))


def _length(text: ibis.Value) -> ibis.Value:
    n = text.fill_null("").length()
    cases = [((n >= lo) & (n < hi)) if hi is not None else (n >= lo) for lo, hi, _ in LENGTHS]
    return ibis.cases(*zip(cases, [name for *_, name in LENGTHS], strict=True), else_=ibis.null().cast("string"))


def _time_dims(column: str, with_hour: bool) -> dict[str, DimFn | None]:
    dims: dict[str, DimFn | None] = {
        "weekday": lambda t: (_local_date(t[column]).day_of_week.index() + 1).cast("int32"),
        "day": lambda t: _local_date(t[column]),
        "week": lambda t: _local_date(t[column]).truncate("W").cast("date"),
        "month": lambda t: _month(t[column]),
    }
    if with_hour:
        dims["hour"] = lambda t: t[column].hour().cast("int32")
        dims["daypart"] = lambda t: _daypart(t[column].hour())
    return dims


@dataclass(frozen=True)
class Grain:
    """A table of rows metrics aggregate over, its time column and its dimensions."""

    name: str
    rows: Callable[[Any], ibis.Table]  # con -> every row, with the dimension source columns
    time: str  # timestamp (instants) or date (local days) column the period filters on
    dims: dict[str, DimFn | None] = field(default_factory=dict)  # None: the column as it is

    def build(
        self,
        con: Any,
        period: Period,
        by: tuple[str, ...] = (),
        platforms: tuple[str, ...] | None = None,
        where: Callable[[ibis.Table], ibis.Value] | None = None,
    ) -> ibis.Table:
        """Rows in the period, on the platforms, passing `where`, with a column per `by`."""
        t = on_platforms(in_period(self.rows(con), self.time, period), platforms)
        if where is not None:
            t = t.filter(where(t))
        for d in by:
            if d not in self.dims:
                raise SmiError(
                    f"{self.name} cannot be broken down by '{d}'",
                    fix="use one of: " + ", ".join(self.dims),
                )
            fn = self.dims[d]
            if fn is not None:
                t = t.mutate(**{d: fn(t)})
        return t


def _columns(*names: str) -> dict[str, DimFn | None]:
    return dict.fromkeys(names, COLUMN)


GRAINS: dict[str, Grain] = {
    "posts": Grain(
        "posts",
        _post_rows,
        "published_at",
        {
            **_columns("platform", "account_id", "person", "kind", "format", "language", "purpose"),
            "label": lambda t: t.labels.unnest(),
            "length": lambda t: _length(t.text),
            **_time_dims("published_at", with_hour=True),
        },
    ),
    "interactions": Grain(
        "interactions",
        _interaction_rows,
        "created_at",
        {**_columns("platform", "kind", "language", "purpose"), **_time_dims("created_at", with_hour=True)},
    ),
    "audience_daily": Grain(
        "audience_daily",
        _audience_rows,
        "date",
        {**_columns("platform", "account_id", "person"), **_time_dims("date", with_hour=False)},
    ),
    "effort": Grain(
        "effort",
        _effort_rows,
        "date",
        {**_columns("platform", "person", "activity"), **_time_dims("date", with_hour=False)},
    ),
}


def grain_rows(
    con: Any,
    grain: str,
    period: Period,
    by: tuple[str, ...] = (),
    platforms: tuple[str, ...] | None = None,
    where: Callable[[ibis.Table], ibis.Value] | None = None,
) -> ibis.Table:
    """The rows of `grain` in the period with a column per dimension in `by`."""
    return GRAINS[grain].build(con, period, by, platforms, where)




def aggregate(t: ibis.Table, by: tuple[str, ...], value: ibis.Value) -> ibis.Table:
    """`value` per group of `by`, or one row when `by` is empty."""
    if by:
        return t.group_by(list(by)).aggregate(value=value)
    return t.aggregate(value=value)


def ratio(num: ibis.Value, den: ibis.Value) -> ibis.Value:
    """num / den as a float; NULL when either is NULL or the denominator is 0."""
    return num.cast("float64") / den.cast("float64").nullif(0)
