"""The import pipeline: expand paths, recognise formats, import each unit in one transaction."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from smi.errors import SmiError, SourceError, UnknownFormatError
from smi.sources import REGISTRY, ImportContext, ImportOptions, InputFile, Unit, expand, load_all


@dataclass
class UnitResult:
    name: str
    source: str
    status: str  # imported | unchanged | failed
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    error: SmiError | None = None
    import_id: int | None = None

    def summary(self) -> str:
        """One line a person can read: what happened to this file."""
        if self.status == "failed":
            return f"failed: {self.error.message if self.error else ''}"
        if self.status == "unchanged":
            return "already imported; nothing changed"
        parts = []
        for table, c in self.counts.items():
            if table == "post_metrics":
                continue
            label = table.replace("_", " ")
            parts.append(f"{label} {c['new']:,} new, {c['updated']:,} updated, {c['unchanged']:,} unchanged")
        snaps = self.counts.get("post_metrics", {}).get("new")
        if snaps:
            parts.append(f"{snaps:,} metric snapshots")
        text = "; ".join(parts) or "nothing to import"
        if self.warnings:
            text += f"; {len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}"
        return text


@dataclass
class ImportReport:
    results: list[UnitResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files no importer reads

    @property
    def failed(self) -> list[UnitResult]:
        return [r for r in self.results if r.status == "failed"]


def supported_formats() -> str:
    load_all()
    return "; ".join(f"{cls.title} ({cls.reads})" for cls in REGISTRY.values())


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


def _archive(ws: Any, unit: Unit) -> None:
    """Keep a copy of each file read, by content hash (backing up = copying the folder)."""
    for f in unit.files:
        dest = ws.archive_dir / f.sha256()[:2] / f"{f.sha256()}-{f.basename}"
        if dest.exists():
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_suffix(dest.suffix + ".part")
        with f.open() as src, tmp.open("wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
        tmp.replace(dest)


def import_unit(ws: Any, unit: Unit, options: ImportOptions, progress: Callable[[int], None] | None = None) -> UnitResult:
    store = ws.store
    digest = unit_hash(unit, options)
    prior = store.find_import(digest)
    if prior is not None:
        if progress:
            progress(unit.size)
        return UnitResult(unit.name, unit.source.name, "unchanged", import_id=prior["import_id"])
    files = [{"name": f.relpath, "sha256": f.sha256(), "bytes": f.size} for f in unit.files]
    writer = store.writer(source=unit.source.name, name=unit.name, unit_hash=digest, files=files,
                          own_export=unit.source.own_export)
    ctx = ImportContext(writer, options, progress=progress)
    try:
        with writer:
            unit.source.read(unit, ctx)
            ctx.flush()
            writer.warnings = ctx.warnings
            record = writer.commit()
    except SmiError as e:
        return UnitResult(unit.name, unit.source.name, "failed", error=e, warnings=ctx.warnings)
    except Exception as e:  # a bug in a source must not take the other files down with it
        err = SourceError(unit.name, f"could not be imported ({type(e).__name__}: {e})",
                          fix="this is a bug in smi; please report it with the file's format")
        return UnitResult(unit.name, unit.source.name, "failed", error=err, warnings=ctx.warnings)
    _archive(ws, unit)
    if unit.source.own_export:
        store.sync_profile(ws.profile)  # its accounts are official unless the profile says otherwise
    return UnitResult(unit.name, unit.source.name, "imported", counts=record["counts"],
                      warnings=record["warnings"], import_id=record["import_id"])


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
    files = expand(paths)
    units, unclaimed = plan(files, options, source)
    report = ImportReport()
    if not units:
        names = ", ".join(f.name for f in unclaimed[:5]) or ", ".join(str(p) for p in paths)
        raise UnknownFormatError(
            names, "no importer recognises this", fix="give an export smi reads: " + supported_formats()
        )
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
