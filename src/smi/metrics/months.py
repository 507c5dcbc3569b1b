"""Which month to look at, and why: `choose_month` picks the month every other layer shows
(the report, `smi findings`, `smi goals`, `smi metric`'s default), here in `metrics/`,
below the report and the goals that ask for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import ibis

from smi.errors import SmiError
from smi.messages import M, Message, english
from smi.metrics.period import Period
from smi.metrics.tables import TableCache, in_period


def data_span(ws: Any) -> tuple[date | None, date | None]:
    """The first and last local day the workspace has data for (posts, interactions, audience)."""
    platforms = ws.store.status()["platforms"].values()
    firsts = [e["first"] for e in platforms if e["first"]]
    lasts = [e["last"] for e in platforms if e["last"]]
    if not firsts:
        return None, None
    return date.fromisoformat(min(firsts)), date.fromisoformat(max(lasts))


def has_data(con: Any, period: Period) -> bool:
    posts = in_period(con.table("posts"), "published_at", period)
    inter = in_period(con.table("interactions"), "created_at", period)
    a = con.table("audience_daily")
    aud = a.filter((a.date >= ibis.literal(period.start)) & (a.date < ibis.literal(period.end)))
    return any(t.count().to_pyarrow().as_py() for t in (posts, inter, aud))


def _month_of(d: date, timezone: str) -> Period:
    return Period.month(f"{d.year:04d}-{d.month:02d}", timezone)


@dataclass(frozen=True)
class ChosenMonth:
    """The month to report on and why it was chosen (one line for the user)."""

    period: Period
    reason: str  # English (the CLI's)
    said: Any = None  # the reason as a message (smi.messages), for the web in the reader's language

    def line(self) -> str:
        return f"month: {self.period.key} ({self.reason})"


STALE_MONTHS = 1  # a source whose last full month lags the newest source's by more is left out
OBSERVED_GAP_DAYS = 31  # an export date at most this long after a source's last data vouches for the days between


def _covered_through(span: dict[str, Any], yesterday: date) -> date:
    """The last local day a source's data covers in full: the day before its newest export
    was taken (an export covers up to the moment it is taken) when that is within
    OBSERVED_GAP_DAYS of its last data, else its last day of data; never after yesterday.
    (An export date long after the data is not trusted to vouch for the days between: it may
    be the file's date, or the day an old archive was imported.)"""
    last, observed = span["last"], span["observed"]
    through = last
    if observed is not None and last <= observed <= last + timedelta(days=OBSERVED_GAP_DAYS):
        through = observed - timedelta(days=1)
    return min(through, yesterday)


def _last_full_month(through: date, tz: str) -> Period:
    """The last calendar month whose every day is on or before `through`."""
    month = _month_of(through, tz)
    return month if month.last_day <= through else month.previous()


def choose_month(ws: Any, month: str | None, now: datetime | None = None) -> ChosenMonth:
    """The month to report on: the one asked for, or the last calendar month every source
    (import format) covers in full, and why.

    A source covers up to the day before its newest export was taken (or, when its imports
    do not say, its last day of data). Sources whose last full month is more than
    STALE_MONTHS behind the newest one's (an account no longer exported) are left out and
    named. If the month chosen has no data at all, the last month with data before it; if
    no month is covered in full, the last complete month with data."""
    from smi.sources import load_all as load_sources

    tz = ws.profile.organisation.timezone
    first, last = data_span(ws)
    if first is None or last is None:
        raise SmiError(
            "the workspace has no data to report on",
            fix="import the organisation's exports first: smi import FILES",
        )
    con = TableCache(ws.store.ibis())
    held = f"{_month_of(first, tz).key} to {_month_of(last, tz).key}"
    if month is not None:
        period = Period.month(month, tz)
        if not has_data(con, period):
            raise SmiError(
                f"the workspace has no data for {period.label}",
                fix=f"choose a month with data (it holds {held}), or import that month's exports",
            )
        return _chosen(period, M("the month asked for"))
    now = now or datetime.now(UTC)
    current = Period.containing(now, tz)
    yesterday = now.astimezone(ZoneInfo(tz)).date() - timedelta(days=1)
    titles = {name: cls.title for name, cls in load_sources().items()}
    spans = [s for s in ws.store.source_spans() if s["last"] is not None and s["first"] <= yesterday]
    through = {s["source"]: _covered_through(s, yesterday) for s in spans}
    # a month is covered in full by a source only from the first day of its data on: a source
    # whose data starts after the 1st of its last full month covers no month in full
    starts = {s["source"]: s["first"] for s in spans}
    full = {src: m for src, d in through.items() if (m := _last_full_month(d, tz)).start >= starts[src]}
    chosen: Period | None = None
    if full:
        newest = max(full.values(), key=lambda p: p.start)
        live = {src: p for src, p in full.items() if p.start >= newest.shift(-STALE_MONTHS).start}
        stale = sorted(set(full) - set(live))
        limit = min(live, key=lambda src: (through[src], src))
        chosen = live[limit]
        def ends(src: str) -> Message:
            span = next(s for s in spans if s["source"] == src)
            if span["observed"] is not None and through[src] == span["observed"] - timedelta(days=1):
                return M("data ends %(last)s, exported %(observed)s", last=f"{span['last']:%Y-%m-%d}",
                         observed=f"{span['observed']:%Y-%m-%d}")
            return M("data ends %(last)s", last=f"{span['last']:%Y-%m-%d}")

        # (source titles are names; days are said as the CLI writes them, YYYY-MM-DD)
        if len(live) == 1 and chosen.last_day == through[limit]:
            why = M("the last month %(source)s covers in full", source=titles.get(limit, limit))
        elif len(live) == 1:
            why = M("the last month %(source)s covers in full: its %(ends)s", source=titles.get(limit, limit),
                    ends=ends(limit))
        elif all(through[s] == chosen.last_day for s in live):
            why = M("the last month every source covers in full; the data ends %(last)s",
                    last=f"{chosen.last_day:%Y-%m-%d}")
        else:
            why = M("the last month every source covers in full; %(source)s %(ends)s", source=titles.get(limit, limit),
                    ends=ends(limit))
        if stale:
            why = M("%(why)s; left out as more than a month behind the rest: %(stale)s", why=why, stale=[
                M("%(source)s (%(ends)s)", source=titles.get(s, s), ends=ends(s)) for s in stale])
        period = chosen
        while period.end > first:
            if has_data(con, period):
                if period != chosen:
                    why = M("no data in %(month)s, the month chosen (%(why)s): the last month with data before it",
                            month=chosen.key, why=why)
                return _chosen(period, why)
            period = period.previous()
    # No month is covered in full: the past month with the most days between the first and the
    # last day of data (the later one on a tie), so not a sliver of a few days.
    end = min(last, yesterday)
    best: tuple[int, Period] | None = None
    period = _month_of(first, tz)
    while period.start <= end and period.end <= current.start:
        days = (min(period.last_day, end) - max(period.start, first)).days + 1
        if days > 0 and has_data(con, period) and (best is None or days >= best[0]):
            best = (days, period)
        period = period.shift(1)
    if best is not None:
        days, period = best
        return _chosen(period, M("no month is covered in full by the sources; %(month)s has the most days of data "
                                 "(%(days)s of %(all)s)", month=period.key, days=days,
                                 all=(period.last_day - period.start).days + 1))
    raise SmiError(
        f"the workspace only has data for {current.label}, which is not over yet",
        fix=f"pass --month {current.key} to report on it anyway",
    )


def _chosen(period: Period, said: Message) -> ChosenMonth:
    return ChosenMonth(period, english(said), said)


def choose_period(ws: Any, month: str | None, now: datetime | None = None) -> Period:
    """The month to report on (see choose_month)."""
    return choose_month(ws, month, now).period
