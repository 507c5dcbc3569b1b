"""Column maps as data: which header names mean which field, and how to read the values.

Exports drift between months and locales. A source declares a `ColumnMap` (our field ->
the header names platforms have used for it); `match` finds them in a header, case- and
space-insensitively, requires only the `required` subset, keeps unknown columns, and says
which optional ones are missing. Values that are blank, `undefined`, `-` or `N/A` are
*not available* (None), never 0.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from smi.errors import SourceError
from smi.messages import N_, M, Message

MISSING = frozenset({"", "undefined", "-", "--", "n/a", "na", "null", "none", "not available"})


def norm_header(name: str) -> str:
    """`\ufeffPost ID ` -> `post id`; `Reactions, Comments and Shares` -> `reactions comments and shares`."""
    name = name.replace("\ufeff", "").strip().lower()
    name = re.sub(r"[\s_\-,:()/]+", " ", name)
    return name.strip()


@dataclass(frozen=True)
class Column:
    field: str
    aliases: tuple[str, ...]
    required: bool = False


@dataclass
class Match:
    """Where each field is in one file's header."""

    index: dict[str, int]
    unknown: list[str]
    missing_optional: list[str]
    header: list[str] = field(default_factory=list)

    def get(self, row: Sequence[str], name: str) -> str | None:
        i = self.index.get(name)
        if i is None or i >= len(row):
            return None
        v = row[i]
        return None if v is None or v.strip().lower() in MISSING else v.strip()

    def extra(self, row: Sequence[str]) -> dict[str, str]:
        out = {}
        for name in self.unknown:
            i = self.header.index(name)
            if i < len(row) and row[i] not in (None, ""):
                out[name.strip()] = row[i]
        return out


class ColumnMap:
    def __init__(self, name: str, columns: Iterable[Column]) -> None:
        self.name = name
        self.columns = list(columns)
        self._lookup: dict[str, str] = {}
        for c in self.columns:
            for a in (c.field, *c.aliases):
                self._lookup.setdefault(norm_header(a), c.field)

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    def _positions(self, header: Sequence[str]) -> dict[str, int]:
        index: dict[str, int] = {}
        for i, h in enumerate(header):
            f = self._lookup.get(norm_header(h))
            if f is not None and f not in index:
                index[f] = i
        return index

    def score(self, header: Sequence[str]) -> float:
        """Share of required columns present (1.0 means this map reads the header)."""
        req = self.required
        if not req:
            return 0.0
        pos = self._positions(header)
        return sum(c.field in pos for c in req) / len(req)

    def matches(self, header: Sequence[str]) -> bool:
        return self.score(header) == 1.0

    def match(self, header: Sequence[str], file: str) -> Match:
        pos = self._positions(header)
        missing = [c for c in self.required if c.field not in pos]
        if missing:
            names = "; ".join(f"'{c.aliases[0] if c.aliases else c.field}'" for c in missing)
            raise SourceError(
                file,
                M("the header has no column %(names)s", names=names),
                record="line 1 (header)",
                expected=M("a %(format)s export with columns %(columns)s", format=self.name, columns=", ".join(
                    f"'{c.aliases[0] if c.aliases else c.field}'" for c in self.required
                )),
                fix=M("export the file again from the platform, keeping its header row"),
            )
        known = set(pos.values())
        unknown = [h for i, h in enumerate(header) if i not in known and h.strip()]
        optional = [c.field for c in self.columns if not c.required and c.field not in pos]
        return Match(index=pos, unknown=unknown, missing_optional=optional, header=list(header))


# -- values ---------------------------------------------------------------------------------

_NUM_CLEAN = re.compile(r"[,\s\u00a0\u202f']")


def parse_int(text: str | None, *, file: str, record: str, field: str) -> int | None:
    """`1,234` -> 1234; blank/undefined -> None. A negative number is kept as given."""
    if text is None or text.strip().lower() in MISSING:
        return None
    t = _NUM_CLEAN.sub("", text.strip())
    try:
        return int(t)
    except ValueError:
        try:
            f = float(t)
        except ValueError:
            f = math.nan
        if not math.isfinite(f):  # a word, or nan / inf (which float() reads)
            raise SourceError(file, M("'%(value)s' is not a number", value=text), record=record, field=field,
                              expected=M("a whole number such as 1,234"), fix=M(FIX_BLANK)) from None
        if f != int(f):
            raise SourceError(file, M("'%(value)s' is not a whole number", value=text), record=record, field=field,
                              expected=M("a whole number"), fix=M(FIX_CELL)) from None
        return int(f)


def parse_float(text: str | None, *, file: str, record: str, field: str) -> float | None:
    if text is None or text.strip().lower() in MISSING:
        return None
    t = _NUM_CLEAN.sub("", text.strip()).rstrip("%")
    try:
        f = float(t)
    except ValueError:
        f = math.nan
    if not math.isfinite(f):  # a word, or nan / inf (which float() reads)
        raise SourceError(file, M("'%(value)s' is not a number", value=text), record=record, field=field,
                          expected=M("a number such as 12.5"), fix=M(FIX_CELL))
    return f


def parse_datetime(
    text: str | None, *, file: str, record: str, field: str, tz: str = "UTC", formats: Sequence[str] = ()
) -> datetime | None:
    """ISO 8601 (with or without offset; without -> `tz`), else the given strptime formats."""
    if text is None or text.strip().lower() in MISSING:
        return None
    t = text.strip()
    dt: datetime | None = None
    try:
        dt = datetime.fromisoformat(t.replace("Z", "+00:00"))
    except ValueError:
        for f in formats:
            try:
                dt = datetime.strptime(t, f)
                break
            except ValueError:
                continue
    if dt is None:
        expected = M("an ISO 8601 time such as %(example)s", example="2026-10-03T18:30:00+01:00")
        if formats:
            expected = either([expected, *formats])
        raise SourceError(file, M("'%(value)s' is not a date and time", value=text), record=record, field=field,
                          expected=expected, fix=M(FIX_CELL)) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ZoneInfo(tz))
    return dt.astimezone(UTC)


def parse_date(
    text: str | None, *, file: str, record: str, field: str, formats: Sequence[str] = ("%Y-%m-%d",)
) -> date | None:
    if text is None or text.strip().lower() in MISSING:
        return None
    t = text.strip()
    for f in formats:
        try:
            return datetime.strptime(t, f).date()
        except ValueError:
            continue
    raise SourceError(file, M("'%(value)s' is not a date", value=text), record=record, field=field,
                      expected=either(list(formats)), fix=M(FIX_CELL))


FIX_CELL = N_("correct the cell")
FIX_BLANK = N_("correct the cell, or leave it blank if the number is not available")


def either(items: list[Any]) -> Message | Any:
    """'a or b or c' as a message (each item a message or a literal such as a date format)."""
    if len(items) == 1:
        return items[0]
    return M("%(first)s or %(rest)s", first=items[0], rest=either(items[1:]))


CSV_CELL_LIMIT = 131_072  # characters: Python's default, far above any post or comment


@contextlib.contextmanager
def csv_cell_limit() -> Iterator[None]:
    """Python's csv field limit is process-wide and any library may raise it: every import
    reads with smi's own limit and puts the previous one back."""
    import csv

    before = csv.field_size_limit(CSV_CELL_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(before)


# No row of an export smi reads is near this (32 cells at the csv cell limit): a longer line
# is a damaged file or a zip bomb, refused before it is held whole.
MAX_LINE = 4 << 20  # characters


def bounded_lines(text: Any, name: str, fix: str, what: str = "row",
                  limit: int = MAX_LINE) -> Iterator[str]:
    """The lines of a text stream for the csv module (open it with newline=""), each read
    with a bound, so a line of gigabytes is refused after `limit` characters instead of held:
    memory stays flat whatever the file holds."""
    count = 0
    while line := text.readline(limit + 1):
        count += 1
        if len(line) > limit:
            raise SourceError(name, f"has a line longer than {limit >> 20} million characters, which no {what} "
                              "is (a damaged file or a zip bomb)", record=f"line {count}", fix=fix)
        yield line


def csv_problem(e: Exception) -> str:
    """What a csv.Error means, in words: Python's csv module refuses a cell over its field
    limit (131,072 characters), which no post or comment reaches."""
    import csv

    text = str(e)
    if "field larger than field limit" in text:
        return (f"has a cell longer than {csv.field_size_limit():,} characters, which no post or comment is "
                "(a closing quote may be missing)")
    return f"is not valid CSV ({text})"
