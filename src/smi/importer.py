"""The import pipeline: expand paths, recognise formats, import each unit in one transaction."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from smi import journal
from smi.canonical import implausible, range_text
from smi.errors import SmiError, SourceError, UnknownFormatError
from smi.messages import N_, M, Message, P, en_p, english, seq_p
from smi.pull import PullOptions
from smi.sources import (
    REGISTRY,
    ImportContext,
    ImportOptions,
    InputFile,
    Source,
    Unit,
    expand,
    load_all,
)
from smi.sources.columns import csv_cell_limit

if TYPE_CHECKING:
    import httpx


@dataclass
class UnitResult:
    name: str
    source: str
    status: str  # imported | unchanged | failed
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    error: SmiError | None = None
    import_id: int | None = None
    observed_at: datetime | None = None
    dated_by: str | None = None  # set when the export does not say when its numbers were true

    def summary(self) -> str:
        """One line a person can read: what happened to this file (English, for the CLI)."""
        return english(self.summary_message())

    def summary_message(self) -> Message:
        """The summary as a message (smi.messages), said in the reader's language."""
        if self.status == "failed":
            return M("failed: %(error)s", error=self.error.said if self.error else "")
        if self.status == "unchanged":
            return M("already imported; nothing changed")
        parts: list[Any] = []
        for table, c in self.counts.items():
            if table in ("post_metrics", "forgotten", "corrected"):
                continue
            said = TABLE_COUNTS.get(table)
            if said is None:  # a table with no words of its own: its name, in English
                parts.append(M("%(table)s %(new)s new, %(updated)s updated, %(unchanged)s unchanged",
                               table=en_p(table.replace("_", " ")), new=c["new"], updated=c["updated"],
                               unchanged=c["unchanged"]))
            else:
                parts.append(M(said, new=c["new"], updated=c["updated"], unchanged=c["unchanged"]))
        snaps = self.counts.get("post_metrics", {}).get("new")
        if snaps:
            parts.append(P("%(n)s metric snapshot", "%(n)s metric snapshots", snaps))
        skipped = self.counts.get("forgotten", {}).get("skipped")
        if skipped:  # smi forget's tombstones
            parts.append(P("%(n)s row of forgotten accounts or people skipped",
                           "%(n)s rows of forgotten accounts or people skipped", skipped))
        kept = self.counts.get("corrected", {}).get("kept")
        if kept:  # time entries corrected or removed by hand (migration 0014)
            parts.append(P("%(n)s time entry kept as corrected by hand",
                           "%(n)s time entries kept as corrected by hand", kept))
        if not parts:
            parts.append(M("nothing to import"))
        if self.dated_by and self.observed_at is not None:
            how = M(DATED_BY[self.dated_by]) if self.dated_by in DATED_BY else en_p(self.dated_by)
            parts.append(M("numbers dated %(day)s (%(how)s); use --as-of to set it",
                           day=self.observed_at.date().isoformat(), how=how))
        if self.warnings:
            parts.append(P("%(n)s warning", "%(n)s warnings", len(self.warnings)))
        return M("%(parts)s", parts=seq_p(parts))


# The canonical tables an import summary names, and how an export's date was found (msgids)
TABLE_COUNTS = {
    "accounts": N_("accounts %(new)s new, %(updated)s updated, %(unchanged)s unchanged"),
    "posts": N_("posts %(new)s new, %(updated)s updated, %(unchanged)s unchanged"),
    "interactions": N_("interactions %(new)s new, %(updated)s updated, %(unchanged)s unchanged"),
    "audience_daily": N_("audience daily %(new)s new, %(updated)s updated, %(unchanged)s unchanged"),
    "effort": N_("effort %(new)s new, %(updated)s updated, %(unchanged)s unchanged"),
}
DATED_BY = {"file modified time": N_("file modified time")}


@dataclass
class ImportReport:
    results: list[UnitResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files no importer reads

    @property
    def failed(self) -> list[UnitResult]:
        return [r for r in self.results if r.status == "failed"]


def _file_clues(f: InputFile) -> tuple[str, list[str], str]:
    """A file's extension, the names it shows (its header cells, or the first keys of JSON)
    and what they are ("columns" or "keys")."""
    ext = PurePosixPath(f.basename).suffix.lower()
    try:
        head = f.head_text()[:4000]
    except SmiError:
        return ext, [], "columns"
    lines = [ln for ln in head.splitlines() if ln.strip() and not ln.lower().startswith("sep=")]
    names: list[str] = []
    is_json = head.lstrip()[:1] in ("[", "{") or "=" in (lines[0] if lines else "")
    if is_json:
        names = re.findall(r'"([A-Za-z_][\w ]{1,40})"\s*:', head)
    elif lines:
        try:
            names = next(csv.reader([lines[0]]))
        except csv.Error:
            names = []
        if len(names) < 2:  # one cell: a line of text, not a header
            names = []
    names = [n.strip().strip('"').strip() for n in names]
    return ext, list(dict.fromkeys(n for n in names if n)), "keys" if is_json else "columns"


def closest_formats(f: InputFile, n: int = 3) -> tuple[list[type[Source]], list[str], str]:
    """The formats whose description (`reads`) names most of what the file shows: its name,
    its header columns or JSON keys, and (weakly) its extension. Returns (formats, the file's
    names, "columns" or "keys"): formats empty when none names any of the file's names."""
    load_all()
    ext, names, what = _file_clues(f)
    scored = []
    for cls in REGISTRY.values():
        reads = cls.reads.lower()
        if reads.startswith("no files"):
            continue
        score = 3 * (f.basename.lower() in reads)
        score += 2 * sum(1 for name in names if len(name) > 2 and name.lower() in reads)
        if score:
            score += bool(ext) and ext in reads
            scored.append((-score, cls.priority, cls.name, cls))
    return [c for *_, c in sorted(scored)[:n]], names, what


def unknown_format(files: list[InputFile], paths: list[str | Path]) -> UnknownFormatError:
    """A few short lines: the file, the closest formats and what each expected."""
    load_all()
    readable = sum(1 for cls in REGISTRY.values() if not cls.reads.lower().startswith("no files"))
    fix = M("run `smi sources` to see the %(n)s formats smi reads; to read it as one of them, add --source NAME",
            n=str(readable))
    if not files:
        return UnknownFormatError(", ".join(str(p) for p in paths), M("holds no file to import"),
                                  fix=M("give the file, folder or zip that holds the export"))
    first = files[0]
    more = P(" (and %(n)s more file)", " (and %(n)s more files)", len(files) - 1) if len(files) > 1 else ""
    formats, names, what = closest_formats(first)
    shown = ", ".join(names[:6]) + (", …" if len(names) > 6 else "")
    kind = M(N_("columns")) if what == "columns" else M(N_("keys"))
    if formats:
        head = M("no importer recognises this file%(more)s; its %(what)s: %(shown)s", more=more, what=kind,
                 shown=shown) if shown else M("no importer recognises this file%(more)s", more=more)
        lines: list[Any] = [head, M("  closest formats:")]
        lines += [M("  - %(name)s, %(title)s: expects %(reads)s", name=cls.name, title=cls.title, reads=en_p(cls.reads))
                  for cls in formats]
        problem = M("%(lines)s", lines={"lines": lines})
    elif shown:
        problem = M("no importer recognises this file%(more)s; no format smi reads has its %(what)s (%(shown)s)",
                    more=more, what=kind, shown=shown)
    else:
        problem = M("no importer recognises this file%(more)s", more=more)
    return UnknownFormatError(first.name, problem, fix=fix)


def plan(files: list[InputFile], options: ImportOptions, source: str | None = None) -> tuple[list[Unit], list[InputFile]]:
    """Group files into units, each claimed by one source. Returns (units, unclaimed)."""
    load_all()
    if source is not None:
        if source not in REGISTRY:
            raise SmiError(f"no source called '{source}'", fix="run `smi sources` to list them: " + ", ".join(sorted(REGISTRY)))
        candidates = [REGISTRY[source]()]
    else:
        candidates = sorted((cls() for cls in REGISTRY.values()), key=lambda s: (s.priority, s.name))
    remaining = list(files)
    units: list[Unit] = []
    for src in candidates:
        claimed = src.claim(remaining, options)
        taken = {id(f) for u in claimed for f in (*u.files, *u.extra_files)}
        units.extend(claimed)
        remaining = [f for f in remaining if id(f) not in taken]
    if source is not None:
        # The user named the format: every file given must be read by it.
        for f in remaining:
            raise SourceError(f.name, f"is not a {REGISTRY[source].title} file", expected=REGISTRY[source].reads,
                              fix="check the file, or leave out --source to detect the format")
    return units, remaining


def unit_hash(unit: Unit, options: ImportOptions | None = None) -> str:
    """Identity of an import: the source, the files' contents, and what the user told us
    that the files do not say (so re-importing with `--account` is not "unchanged")."""
    h = hashlib.sha256(unit.source.name.encode())
    if options is not None:
        h.update(f"account={options.account or ''};observed={options.observed_at or ''}".encode())
    for f in sorted(unit.files, key=lambda f: f.relpath):
        h.update(f.basename.encode())
        h.update(f.sha256().encode())
    return h.hexdigest()


ARCHIVE_NAME_BYTES = 200  # an archived copy's name: the hash, "-", the file's name cut to fit


def archive_path(ws: Any, f: InputFile) -> Path:
    """Where a file's copy lives: archive/<2 hex>/<sha256>-<name>, the name cut (keeping its
    extension) so the whole fits any file system's 255-byte limit."""
    digest = f.sha256()
    name = f"{digest}-{f.basename}"
    if len(name.encode()) > ARCHIVE_NAME_BYTES:
        suffix = PurePosixPath(f.basename).suffix
        suffix = suffix if len(suffix.encode()) <= 16 else ""
        room = ARCHIVE_NAME_BYTES - len(digest) - 1 - len(suffix.encode()) - 1
        stem = f.basename.encode()[:room].decode("utf-8", errors="ignore")
        name = f"{digest}-{stem}~{suffix}"
    return ws.archive_dir / digest[:2] / name


def _undo_archive(made: list[Path]) -> None:
    """Remove copies (and the folders made for them) of an import that did not commit."""
    for path in reversed(made):
        try:
            if path.is_dir():
                path.rmdir()
            else:
                path.unlink(missing_ok=True)
        except OSError:
            pass


def _archive(ws: Any, unit: Unit, digest: str, kept: list[InputFile] | None = None) -> tuple[list[Path], Path | None]:
    """Keep a copy of each file read, by content hash (backing up = copying the folder), before
    the rows commit: to a temporary name, synced, then renamed. First an intent record names
    the copies to be made (`smi.journal`): a kill before the import has committed and ended it
    is undone by the next process that opens the store for writing. Returns what it made (for
    `_undo_archive` if the commit fails) and the record (`journal.end` once committed or
    undone). A copy that cannot be made (a read-only or missing archive/, a full disk) raises
    SourceError with nothing left behind."""
    made: list[Path] = []
    tmp: Path | None = None
    record: Path | None = None
    try:
        todo: list[tuple[Path, InputFile]] = []
        folders: list[Path] = []
        for f in [*unit.files, *(kept or [])]:  # kept: files the source asked to keep (ctx.keep_file)
            dest = archive_path(ws, f)
            if dest.exists() or any(dest == d for d, _ in todo):
                continue
            todo.append((dest, f))
            folders += [p for p in (ws.archive_dir, dest.parent) if not p.is_dir() and p not in folders]
        if not todo:
            return made, None
        record = journal.begin(ws.root, digest, [(d, f.sha256()) for d, f in todo], folders)
        for dest, f in todo:
            for parent in (ws.archive_dir, dest.parent):
                if not parent.is_dir():
                    parent.mkdir()
                    made.append(parent)
            tmp = dest.parent / f".{dest.name[:80]}.{os.getpid()}.part"
            h = hashlib.sha256()
            with f.open() as src, tmp.open("wb") as out:
                while chunk := src.read(1 << 20):
                    h.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if h.hexdigest() != f.sha256():
                raise SourceError(f.name, "changed while it was being imported",
                                  fix="import it again once it is complete (e.g. when the download has finished)")
            os.replace(tmp, dest)
            tmp = None
            made.append(dest)
            journal.fsync_path(dest.parent)
    except OSError as e:
        _cleanup(tmp)
        _undo_archive(made)
        journal.end(record)
        where = e.filename or ws.archive_dir
        raise SourceError(unit.name, f"cannot be copied into the archive ({where}: {e.strerror or e}); "
                          "nothing was imported",
                          fix="make the workspace's archive/ folder a writable folder and free disk space, "
                              "then import again") from None
    except BaseException:
        _cleanup(tmp)
        _undo_archive(made)
        journal.end(record)
        raise
    return made, record


def _cleanup(tmp: Path | None) -> None:
    if tmp is not None:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def import_unit(ws: Any, unit: Unit, options: ImportOptions, progress: Callable[[int], None] | None = None) -> UnitResult:
    store = ws.store
    digest = unit_hash(unit, options)
    if options.by_hand:  # typed again after a removal: not "already imported" (keep_corrections)
        digest = hashlib.sha256(f"by hand:{datetime.now(UTC).isoformat()}:{digest}".encode()).hexdigest()
    prior = store.find_import(digest)
    if prior is not None:
        if progress:
            progress(unit.size)
        with contextlib.suppress(SmiError):  # a copy lost before smi made it first (issue 14): make it now
            journal.end(_archive(ws, unit, digest)[1])
            from smi.forget import redact_archived

            redact_archived(ws, [f.sha256() for f in unit.files])  # never an unredacted copy back
        return UnitResult(unit.name, unit.source.name, "unchanged", import_id=prior["import_id"])
    files = [{"name": f.relpath, "sha256": f.sha256(), "bytes": f.size} for f in unit.files]
    for f in unit.files:  # a text file that is not the text it claims (found while hashing it)
        if f.text_problem is not None:
            if progress:
                progress(unit.size)
            return UnitResult(unit.name, unit.source.name, "failed", error=f.text_problem)
    writer = store.writer(source=unit.source.name, name=unit.name, unit_hash=digest, files=files,
                          own_export=unit.source.own_export)
    writer.by_hand = options.by_hand
    ctx = ImportContext(writer, options, progress=progress)
    for f in unit.files:
        ctx.warnings.extend(f.notes)
    try:
        with writer, csv_cell_limit():
            unit.source.read(unit, ctx)
            ctx.flush()
            writer.warnings = ctx.warnings
            writer.fills = unit.source.fills_for(ctx.kinds)
            # The archive copy first, then the rows: a failed copy imports nothing; a failed
            # commit removes the copy. A kill between the two leaves the copy and its intent
            # record, which the next process to open the store for writing resolves (smi.journal).
            copies, intent = _archive(ws, unit, digest, ctx.kept_files)
            try:
                record = writer.commit()
            except BaseException:
                _undo_archive(copies)
                journal.end(intent)
                raise
            journal.end(intent)
    except SmiError as e:
        return UnitResult(unit.name, unit.source.name, "failed", error=e, warnings=ctx.warnings)
    except Exception as e:  # a bug in a source must not take the other files down with it
        err = SourceError(unit.name, f"could not be imported ({type(e).__name__}: {e})",
                          fix="this is a bug in smi; please report it with the file's format")
        return UnitResult(unit.name, unit.source.name, "failed", error=err, warnings=ctx.warnings)
    from smi.forget import redact_archived

    redact_archived(ws, [f.sha256() for f in unit.files])  # smi forget's tombstones
    if unit.source.own_export:
        store.sync_profile(ws.profile)  # its accounts are official unless the profile says otherwise
    return UnitResult(unit.name, unit.source.name, "imported", counts=record["counts"],
                      warnings=record["warnings"], import_id=record["import_id"],
                      observed_at=_local(record["observed_at"], options.timezone), dated_by=ctx.dated_by)


def _local(when: datetime | None, timezone: str) -> datetime | None:
    return when.astimezone(ZoneInfo(timezone)) if when is not None else None


def run_import(
    ws: Any,
    paths: list[str | Path],
    *,
    source: str | None = None,
    options: ImportOptions | None = None,
    on_start: Callable[[Unit], Callable[[int], None] | None] | None = None,
    on_done: Callable[[UnitResult], None] | None = None,
) -> ImportReport:
    """Import every recognised file under `paths`. Each unit lands whole or not at all; a
    failing unit does not undo those before it."""
    options = options or ImportOptions()
    options.timezone = ws.profile.organisation.timezone
    options.profile = ws.profile
    if implausible(options.observed_at):
        raise SmiError(f"--as-of {options.observed_at.isoformat()} is outside the plausible range "
                       f"(expected {range_text()})", fix="give the day the export was downloaded, e.g. 2026-11-01")
    files = expand(paths)
    units, unclaimed = plan(files, options, source)
    if units:
        ws.store  # noqa: B018  opening it for writing resolves what a killed import left (smi.journal)
        journal.sweep_parts(ws.archive_dir)  # and half-made copies an older smi left
    report = ImportReport()
    if not units:
        raise unknown_format(unclaimed, paths)
    report.skipped = [f.name for f in unclaimed]
    for unit in units:
        progress = on_start(unit) if on_start else None
        result = import_unit(ws, unit, options, progress)
        report.results.append(result)
        if on_done:
            on_done(result)
    return report


def remap(ws: Any, import_ids: list[int] | None = None, progress: Callable[[int], None] | None = None) -> list[UnitResult]:
    """Map the raw items kept by earlier imports again, with the sources' current mapping.

    Use after a fix to a source's `map_item`: no file needs importing again. Each import is
    re-mapped in one transaction and logged as a new import named "remap of import N".
    """
    import orjson

    load_all()
    store = ws.store
    wanted = store.imports_with_raw_items()
    if import_ids is not None:
        missing = sorted(set(import_ids) - set(wanted))
        if missing:
            raise SmiError(
                f"import {', '.join(map(str, missing))} has no raw items to re-map",
                fix="run `smi imports` to see the imports; only JSON sources keep raw items",
            )
        wanted = [i for i in wanted if i in set(import_ids)]
    by_id = {r["import_id"]: r for r in store.imports()}
    results = []
    options = ImportOptions(timezone=ws.profile.organisation.timezone, profile=ws.profile)
    for iid in wanted:
        rec = by_id[iid]
        source = REGISTRY[rec["source"]]()
        name = f"remap of import {iid} ({rec['name']})"
        digest = hashlib.sha256(f"remap:{iid}:{datetime.now(UTC).isoformat()}".encode()).hexdigest()
        writer = store.writer(source=source.name, name=name, unit_hash=digest, files=rec["files"] or [],
                              own_export=source.own_export)
        writer.observed_at = rec["observed_at"]
        ctx = ImportContext(writer, options, progress=progress, keep_raw=False)
        try:
            with writer:
                for kind, _key, payload in store.iter_raw_items(iid):
                    source.map_item(kind, orjson.loads(payload), ctx)
                ctx.flush()
                writer.warnings = ctx.warnings
                writer.fills = source.fills_for(ctx.kinds)
                writer.observed_at = rec["observed_at"]
                record = writer.commit()
        except SmiError as e:
            results.append(UnitResult(name, source.name, "failed", error=e))
            continue
        results.append(UnitResult(name, source.name, "imported", counts=record["counts"],
                                  warnings=record["warnings"], import_id=record["import_id"]))
    if results:
        store.sync_profile(ws.profile)
    return results


# -- pulls from open APIs (`smi pull`) -------------------------------------------------------------
@dataclass
class PullResult:
    name: str
    source: str
    status: str  # pulled | nothing_new
    fetched: dict[str, int] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    import_id: int | None = None

    def summary(self) -> str:
        if self.status == "nothing_new":
            return "nothing new since the last pull"
        got = ", ".join(f"{n:,} {what[:-1] if n == 1 else what}" for what, n in self.fetched.items())
        rows = UnitResult(self.name, self.source, "imported", self.counts, self.warnings).summary()
        return f"fetched {got}; {rows}" if got else rows


def run_pull(
    ws: Any,
    source: str,
    opts: PullOptions,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
    transport: httpx.BaseTransport | None = None,
) -> PullResult:
    """Pull from one API into the workspace in one transaction (rows, import log, cursor).

    Any error leaves the store as it was. A pull that finds nothing new writes nothing.
    """
    from smi.pull.client import ApiClient
    from smi.sources._api import ApiSource

    load_all()
    cls = REGISTRY.get(source)
    if cls is None or not issubclass(cls, ApiSource):
        names = sorted(n for n, c in REGISTRY.items() if issubclass(c, ApiSource))
        raise SmiError(f"no API source called '{source}'", fix="use one of: " + ", ".join(names))
    src = cls()
    store = ws.store
    options = ImportOptions(timezone=ws.profile.organisation.timezone, profile=ws.profile)
    now = datetime.fromtimestamp(clock(), UTC)
    digest = hashlib.sha256(f"pull:{source}:{opts.account}:{now.isoformat()}".encode()).hexdigest()
    writer = store.writer(source=source, name=f"{source} {opts.account}", unit_hash=digest, files=[],
                          own_export=cls.own_export)
    ctx = ImportContext(writer, options)

    def state_of(account: str) -> dict[str, Any] | None:
        return None if opts.full else store.pull_state(source, account)

    client = ApiClient(opts.base_url, service=cls.service, token=opts.token, sleep=sleep,
                       clock=clock, auth_fix=cls.auth_fix, not_found_fix=cls.not_found_fix,
                       transport=transport)
    with client, writer:
        ctx.observed_at = now  # the numbers are true as of this pull
        try:
            outcome = src.pull(client, ctx, opts, state_of)
        except SmiError:
            raise
        except Exception as e:  # a bug in a source: say so, store untouched
            raise SourceError(f"{cls.service} API", f"could not be pulled ({type(e).__name__}: {e})",
                              fix="this is a bug in smi; please report it") from e
        if outcome.new_items == 0:
            writer.abort()
            return PullResult(outcome.name, source, "nothing_new", fetched=outcome.fetched)
        ctx.flush()
        writer.name = outcome.name
        writer.warnings = ctx.warnings
        writer.pull_state = (source, outcome.account, outcome.state)
        record = writer.commit()
    if cls.own_export:
        store.sync_profile(ws.profile)  # the pulled account is official unless the profile says otherwise
    return PullResult(outcome.name, source, "pulled", fetched=outcome.fetched,
                      counts=record["counts"], warnings=record["warnings"],
                      import_id=record["import_id"])
