"""What every source provides, the registry, and the context a source writes through."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, BinaryIO, ClassVar
from zoneinfo import ZoneInfo

import orjson
import pyarrow as pa

from smi.canonical import SCHEMAS
from smi.sources.files import InputFile

BATCH_ROWS = 50_000


@dataclass
class ImportOptions:
    """What the user can tell an import that the files do not say."""

    account: str | None = None  # e.g. "@ourcharity" for a lone tweets.js
    observed_at: datetime | None = None  # when the export's numbers were true
    timezone: str = "UTC"  # the workspace time zone (times without an offset)
    profile: Any = None  # smi.profile.Profile, for sources that map via the profile
    by_hand: bool = False  # rows a person typed (the web app's time log), not an export


@dataclass
class Unit:
    """Files one source reads together, imported in one transaction."""

    source: Source
    files: list[InputFile]
    name: str
    extra_files: list[InputFile] = field(default_factory=list)  # recognised, nothing to read

    @property
    def primary(self) -> InputFile:
        return self.files[0]

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


class Source:
    """One export format or API. Subclasses are registered with @register."""

    name: ClassVar[str]  # e.g. "x_archive"
    title: ClassVar[str]  # e.g. "X/Twitter account archive"
    platform: ClassVar[str | None] = None  # None: the rows say which platform
    provides: ClassVar[tuple[str, ...]] = ()  # canonical tables it fills
    # The canonical columns ("table.column") its rows carry a value in, as a day-by-day series
    # where they are daily; `fills_once`: those it gives one value of, on the export's date (a
    # follower count in an archive). metrics/availability.py builds what each platform can give
    # from these, and a metric over a period no import of a filling source covers is NULL.
    fills: ClassVar[tuple[str, ...]] = ()
    fills_once: ClassVar[tuple[str, ...]] = ()
    # True: what it fills depends on the file (the canonical CSV carries any column): an
    # import counts as filling every column of each table it wrote rows to.
    fills_any: ClassVar[bool] = False
    # What each kind of file it reads can fill, where its files differ (a LinkedIn followers
    # export holds no posts): {kind: columns}, together `fills` + `fills_once`. A source calls
    # `ctx.reads_kind(kind)` for each kind it reads; the import records what those can fill
    # (imports.fills) and a period it covers has only those columns (metrics/availability.py).
    # Empty: every import of the source can fill all it declares.
    kinds: ClassVar[dict[str, tuple[str, ...]]] = {}
    reads: ClassVar[str] = ""  # which files, for `smi sources`
    priority: ClassVar[int] = 100  # lower claims first
    # An account's own export (an X archive, a Page export, …): the accounts whose posts or
    # audience it brings are official unless the profile says they are a person's.
    own_export: ClassVar[bool] = False

    @classmethod
    def fills_for(cls, kinds: Iterable[str]) -> list[str] | None:
        """What an import that read these kinds of file could fill; None: all the source fills
        (it declares no kinds)."""
        if not cls.kinds:
            return None
        return sorted({c for k in kinds for c in cls.kinds[k]})

    def detect(self, file: InputFile) -> bool:
        """True if this source reads the file (look at its name and its first bytes)."""
        raise NotImplementedError

    def claim(self, files: list[InputFile], options: ImportOptions) -> list[Unit]:
        """Group the files this source reads into units. Default: one unit per file."""
        return [Unit(self, [f], f.name) for f in files if self.detect(f)]

    def read(self, unit: Unit, ctx: ImportContext) -> None:
        """Stream the unit's files, validate and emit canonical rows through `ctx`."""
        raise NotImplementedError

    def map_item(self, kind: str, item: dict[str, Any], ctx: ImportContext) -> None:
        """Map one raw item (as kept in raw_items) to canonical rows. Sources that keep raw
        items implement this and call it from `read`, so `smi remap` can re-run it."""
        raise NotImplementedError


REGISTRY: dict[str, type[Source]] = {}


def register(cls: type[Source]) -> type[Source]:
    """Class decorator: make a source known to `smi import` and `smi sources`."""
    if cls.name in REGISTRY:
        raise RuntimeError(f"source {cls.name} registered twice")
    REGISTRY[cls.name] = cls
    return cls


class ImportContext:
    """The one way a source writes: rows go to the staging tables in Arrow batches."""

    def __init__(
        self,
        writer: Any,  # smi.store.ImportWriter (any object with add(table, arrow_table))
        options: ImportOptions,
        *,
        progress: Callable[[int], None] | None = None,
        keep_raw: bool = True,
    ) -> None:
        self.writer = writer
        self.options = options
        self.keep_raw = keep_raw
        self._progress = progress
        self._rows: dict[str, list[dict[str, Any]]] = {}
        self._raw: list[tuple[int, str, str | None, str]] = []
        self._raw_no = 0
        self.counts: dict[str, int] = {}
        self.warnings: list[str] = []
        # How observed_at was found when the export does not say (the import summary says so).
        self.dated_by: str | None = None
        self.kinds: set[str] = set()  # the kinds of file read (Source.kinds)
        # Files read no further but kept in the workspace's archive with the import (an X
        # archive's photos, for the report): copied with the files read, by content hash.
        self.kept_files: list[InputFile] = []

    def keep_file(self, f: InputFile) -> None:
        self.kept_files.append(f)

    # -- writing ------------------------------------------------------------------------------
    def emit(self, table: str, row: dict[str, Any]) -> None:
        buf = self._rows.setdefault(table, [])
        buf.append(row)
        if len(buf) >= BATCH_ROWS:
            self._flush(table)

    def emit_batch(self, table: str, batch: pa.Table) -> None:
        self.counts[table] = self.counts.get(table, 0) + batch.num_rows
        self.writer.add(table, batch)

    def raw(self, kind: str, key: str | None, payload: str | bytes | dict[str, Any]) -> None:
        if not self.keep_raw:
            return
        if isinstance(payload, dict):
            payload = orjson.dumps(payload).decode()
        elif isinstance(payload, bytes):
            payload = payload.decode("utf-8")
        self._raw.append((self._raw_no, kind, key, payload))
        self._raw_no += 1
        if len(self._raw) >= BATCH_ROWS:
            self._flush_raw()

    def reads_kind(self, kind: str) -> None:
        """The import read a file (or sheet) of this kind (a key of the source's `kinds`)."""
        self.kinds.add(kind)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    @property
    def observed_at(self) -> datetime | None:
        return self.writer.observed_at

    @observed_at.setter
    def observed_at(self, value: datetime | None) -> None:
        if self.options.observed_at is not None:
            value = self.options.observed_at
        self.writer.observed_at = value

    def observed_on(self, day: date) -> None:
        """The export says the day its numbers are for (a date range's end): midnight of that
        day in the workspace time zone (`--as-of` still wins)."""
        self.observed_at = datetime.combine(day, time(0), ZoneInfo(self.options.timezone or "UTC"))

    def observed_from_file_time(self, *files: InputFile) -> datetime:
        """For an export that does not say when its numbers were true: `--as-of` if given,
        else the newest modification time of `files` (of the zip for a zip member). Copying
        or unzipping resets that time, so the import summary names the date assumed."""
        if self.options.observed_at is not None:
            self.observed_at = self.options.observed_at
        else:
            newest = max(f.origin.stat().st_mtime for f in files)
            self.writer.observed_at = datetime.fromtimestamp(newest, UTC).replace(microsecond=0)
            self.dated_by = "file modified time"
        assert self.observed_at is not None
        return self.observed_at

    def progress(self, nbytes: int) -> None:
        if self._progress is not None and nbytes:
            self._progress(nbytes)

    def open(self, file: InputFile) -> BinaryIO:
        """Open a file so that reading it advances the progress bar."""
        return _Counting(file.open(), self.progress)

    # -- flushing -----------------------------------------------------------------------------
    def _flush(self, table: str) -> None:
        rows = self._rows.pop(table, [])
        if rows:
            self.emit_batch(table, pa.Table.from_pylist(rows, schema=SCHEMAS[table]))

    def _flush_raw(self) -> None:
        if self._raw:
            cols = list(zip(*self._raw, strict=True))
            self._raw = []
            self.writer.add(
                "raw_items",
                pa.Table.from_arrays([pa.array(c) for c in cols], schema=SCHEMAS["raw_items"]),
            )

    def flush(self) -> None:
        for table in list(self._rows):
            self._flush(table)
        self._flush_raw()


class _Counting:
    """A read-only stream wrapper that reports bytes read."""

    def __init__(self, inner: BinaryIO, report: Callable[[int], None]) -> None:
        self._inner = inner
        self._report = report

    def read(self, size: int = -1) -> bytes:
        data = self._inner.read(size)
        self._report(len(data))
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self._inner.readline(size)
        self._report(len(data))
        return data

    def readinto(self, b: Any) -> int:
        n = self._inner.readinto(b)  # type: ignore[attr-defined]
        self._report(n or 0)
        return n

    def __iter__(self) -> Iterable[bytes]:
        return iter(self.readline, b"")

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._inner.close()

    @property
    def closed(self) -> bool:
        return self._inner.closed

    def __enter__(self) -> _Counting:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
