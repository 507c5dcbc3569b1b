"""Elapsed time counting only the workspace's business hours, as an Ibis expression.

The profile's `[business_hours]` says which weekdays are open and from when to when
(local wall-clock time in the workspace's time zone). The business time between two
instants a <= b is B(b) - B(a), where B(t) counts the open seconds from a fixed Monday
up to t's local wall-clock time:

    B(t) = whole_weeks * open_days * day_length
         + (open days earlier in t's week) * day_length
         + (t's day is open ? clamp(seconds since midnight - start, 0, day_length) : 0)

Local date and time of day come from the backend session's time zone (DuckDB
`SET TimeZone`, Spark `spark.sql.session.timeZone`), which the caller sets to the
workspace's, as for every local-time dimension. Only `date()`, `hour()`, `minute()`,
`second()` and date arithmetic are used: no time-zone functions, no UDFs, so it runs on
any Ibis backend. It counts wall-clock time inside the open hours, which is real time as
long as the clocks do not change inside them (in Europe they change at 01:00 UTC, on a
Sunday). Public holidays are not known: they count as open days.
"""

from __future__ import annotations

from datetime import date

import ibis

from smi.errors import SmiError
from smi.profile import WEEKDAYS, BusinessHours

DAY = 86_400
_EPOCH_MONDAY_SHIFT = 3  # 1970-01-01 was a Thursday: (epoch day + 3) % 7 == 0 on Mondays


def _seconds(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 3600 + int(m) * 60


def open_window(hours: BusinessHours) -> tuple[tuple[int, ...], int, int]:
    """(open weekdays 0 = Monday, start second, day length in seconds); checks the hours."""
    start, end = _seconds(hours.start), _seconds(hours.end)
    if end <= start:
        raise SmiError(
            f"business hours end ({hours.end}) at or before they start ({hours.start})",
            fix="set [business_hours] start and end in workspace.toml, e.g. 09:00 and 17:00",
        )
    days = tuple(sorted({WEEKDAYS.index(d) for d in hours.days}))
    return days, start, end - start


def business_clock(t: ibis.TimestampValue, hours: BusinessHours) -> ibis.IntegerValue:
    """B(t): open seconds from Monday 1969-12-29 up to the local wall-clock time of `t`."""
    days, start, length = open_window(hours)
    day = t.date().delta(ibis.literal(date(1970, 1, 1)), unit="day") + _EPOCH_MONDAY_SHIFT
    weekday = day % 7
    weeks = (day - weekday) // 7
    clock = t.hour().cast("int64") * 3600 + t.minute().cast("int64") * 60 + t.second().cast("int64")
    before = ibis.literal(0, type="int64")
    for d in days:  # open days earlier in the week
        before = before + ibis.ifelse(weekday > d, 1, 0)
    into_day = ibis.greatest(ibis.least(clock - start, length), 0)
    today = ibis.ifelse(weekday.isin(list(days)), into_day, 0) if days else ibis.literal(0)
    return (weeks * (len(days) * length) + before * length + today).cast("int64")


def business_seconds(
    start: ibis.TimestampValue, end: ibis.TimestampValue, hours: BusinessHours
) -> ibis.IntegerValue:
    """Open seconds between the instants `start` and `end` (NULL if either is NULL)."""
    return business_clock(end, hours) - business_clock(start, hours)
