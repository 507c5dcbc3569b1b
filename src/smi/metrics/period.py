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
    def between(cls, first: date | str, last: date | str, timezone: str = "UTC") -> Period:
        """The local days from `first` to `last`, both included (dates or YYYY-MM-DD)."""
        days = []
        for d in (first, last):
            if isinstance(d, str):
                try:
                    d = date.fromisoformat(d.strip())
                except ValueError:
                    raise SmiError(f"'{d}' is not a date", fix="write it as YYYY-MM-DD, e.g. 2024-03-01") from None
            days.append(d)
        if days[1] < days[0]:
            raise SmiError(f"the period ends ({days[1]}) before it starts ({days[0]})", fix="swap the dates")
        return cls(days[0], date.fromordinal(days[1].toordinal() + 1), timezone)

    @classmethod
    def parse(
        cls,
        *,
        month: str | None = None,
        from_: date | str | None = None,
        to: date | str | None = None,
        timezone: str = "UTC",
    ) -> Period:
        """A month, or the days from `from_` to `to` (inclusive; either may stand alone:
        from_ alone runs to the end of its month, to alone from the start of its month)."""
        if month is not None:
            if from_ is not None or to is not None:
                raise SmiError("give a month or from/to dates, not both", fix="drop --month or --from/--to")
            return cls.month(month, timezone)
        if from_ is None and to is None:
            raise SmiError("no period given", fix="give a month (YYYY-MM) or from/to dates (YYYY-MM-DD)")
        if to is None:
            start = cls.between(from_, from_, timezone).start  # type: ignore[arg-type]
            return cls.between(start, cls.month(f"{start:%Y-%m}", timezone).last_day, timezone)
        if from_ is None:
            end = cls.between(to, to, timezone).start
            return cls.between(end.replace(day=1), end, timezone)
        return cls.between(from_, to, timezone)

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

    def month_days(self) -> dict[str, int]:
        """Each calendar month the period touches (YYYY-MM) and how many of its days are inside."""
        out = {}
        start = date(self.start.year, self.start.month, 1)
        while start < self.end:
            nxt = _add_months(start, 1)
            out[f"{start:%Y-%m}"] = (min(nxt, self.end) - max(start, self.start)).days
            start = nxt
        return out

    def shift(self, months: int) -> Period:
        """The calendar month `months` before (negative) or after this one."""
        start = _add_months(self.start, months)
        return Period(start, _add_months(start, 1), self.timezone)

    def previous(self) -> Period:
        return self.shift(-1)

    @property
    def is_month(self) -> bool:
        return self.start.day == 1 and self.end == _add_months(self.start, 1)

    @property
    def key(self) -> str:
        """YYYY-MM for a calendar month; otherwise YYYY-MM-DD..YYYY-MM-DD (days included)."""
        if self.is_month:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return f"{self.start.isoformat()}..{self.last_day.isoformat()}"

    @property
    def label(self) -> str:
        if self.is_month:
            return self.start.strftime("%B %Y")
        return f"{self.start:%-d %B %Y} to {self.last_day:%-d %B %Y}"

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
