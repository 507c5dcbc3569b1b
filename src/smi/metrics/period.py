"""A reporting period: whole local days in the workspace time zone, end exclusive."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from smi.errors import SmiError

MONTH_RE = re.compile(r"(\d{4})-(\d{2})")


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(y, m + 1, 1)


@dataclass(frozen=True)
class Period:
    """[start, end) in local days of `timezone`. Timestamps compare as UTC instants."""

    start: date
    end: date
    timezone: str = "UTC"

    @classmethod
    def month(cls, month: str, timezone: str = "UTC") -> Period:
        """The calendar month `YYYY-MM` in the given time zone."""
        m = MONTH_RE.fullmatch(month.strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise SmiError(f"'{month}' is not a month", fix="write it as YYYY-MM, e.g. 2024-03")
        start = date(int(m.group(1)), int(m.group(2)), 1)
        return cls(start, _add_months(start, 1), timezone)

    @classmethod
    def containing(cls, when: datetime, timezone: str = "UTC") -> Period:
        """The calendar month holding the instant `when`, in the given time zone."""
        local = when.astimezone(ZoneInfo(timezone))
        return cls.month(f"{local.year:04d}-{local.month:02d}", timezone)

    @classmethod
    def months_to(cls, last: Period, count: int) -> Period:
        """The `count` calendar months ending with the month `last`, as one period."""
        return cls(last.shift(1 - count).start, last.end, last.timezone)

    @property
    def months(self) -> list[Period]:
        """The calendar months that start inside the period, in order."""
        out = []
        start = date(self.start.year, self.start.month, 1)
        if start < self.start:
            start = _add_months(start, 1)
        while start < self.end:
            out.append(Period(start, _add_months(start, 1), self.timezone))
            start = _add_months(start, 1)
        return out

    def shift(self, months: int) -> Period:
        """The calendar month `months` before (negative) or after this one."""
        start = _add_months(self.start, months)
        return Period(start, _add_months(start, 1), self.timezone)

    def previous(self) -> Period:
        return self.shift(-1)

    @property
    def key(self) -> str:
        return f"{self.start.year:04d}-{self.start.month:02d}"

    @property
    def label(self) -> str:
        return self.start.strftime("%B %Y")

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.end.toordinal() - 1)

    def _instant(self, d: date) -> datetime:
        local = datetime(d.year, d.month, d.day, tzinfo=ZoneInfo(self.timezone))
        return local.astimezone(UTC)

    @property
    def start_utc(self) -> datetime:
        """The first instant of the period (local midnight), as a UTC datetime."""
        return self._instant(self.start)

    @property
    def end_utc(self) -> datetime:
        """The first instant after the period, as a UTC datetime."""
        return self._instant(self.end)
