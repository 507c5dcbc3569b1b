"""The archive's intent journal: an import's archive copies and its rows are one unit (issue 14).

An import copies each file into `archive/` before its rows commit. Before the first copy it
writes an intent record, `<workspace>/.journal/<pid>-<n>.json` (synced), naming the copies
it is about to make and the folders it will create; once the rows have committed, or the
copies have been undone after a failure, the record is removed. A kill in between leaves
the record, and the next process that opens the store for writing (`recover`, called by
`Workspace.store` and `smi backup`) completes or undoes it: a copy of a file that a
committed import records stays (that import is whole), any other copy is removed with the
folders made for it. Half-made `.part` copies (a kill during a copy) are removed too.

So after any failure, once the store is next opened for writing, `archive/` holds exactly
the copies of the imports the store records. Only one process at a time opens the store for
writing (DuckDB's lock), so no other process is copying meanwhile; in this process, records
still in use (`_ACTIVE`) and its own `.part` copies are left alone.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

JOURNAL = ".journal"
_ACTIVE: set[Path] = set()  # records this process has written and not yet ended
_SEQ = itertools.count()


def fsync_path(path: Path) -> None:
    """fsync a file or folder (a folder: its entries), quietly where the system cannot."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def begin(root: Path, unit_hash: str, copies: list[tuple[Path, str]], folders: list[Path]) -> Path:
    """Write and sync an intent record before the first copy: `copies` (destination, content
    hash) and the `folders` the copies need that do not exist yet. Raises OSError (a full
    disk, a folder that cannot be written) with nothing left behind."""
    folder = root / JOURNAL
    if not folder.is_dir():
        folder.mkdir()
        fsync_path(root)
    record = folder / f"{os.getpid()}-{next(_SEQ)}.json"
    tmp = record.with_suffix(".tmp")
    body = {"unit_hash": unit_hash,
            "copies": [{"path": p.relative_to(root).as_posix(), "sha256": sha} for p, sha in copies],
            "folders": [p.relative_to(root).as_posix() for p in folders]}
    try:
        with tmp.open("w", encoding="utf-8") as out:
            json.dump(body, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, record)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
    _ACTIVE.add(record)
    fsync_path(folder)
    return record


def end(record: Path | None) -> None:
    """The import committed, or its copies were undone: its record is no longer needed. (If
    the removal is lost, `recover` finds the import committed, or the copies already gone.)"""
    if record is None:
        return
    _ACTIVE.discard(record)
    with contextlib.suppress(OSError):
        record.unlink(missing_ok=True)


def recorded_hashes(files_columns: Iterable[object]) -> set[str]:
    """The content hashes of every file the store's imports record (`imports.files`: a JSON
    list of {name, sha256, bytes}, or None)."""
    out: set[str] = set()
    for files in files_columns:
        if isinstance(files, str):
            with contextlib.suppress(ValueError):
                files = json.loads(files)
        if isinstance(files, list):
            out.update(f["sha256"] for f in files if isinstance(f, dict) and isinstance(f.get("sha256"), str))
    return out


@dataclass
class Recovered:
    kept: int = 0  # copies of imports that committed before the kill
    removed: int = 0  # copies of imports that did not commit
    parts: int = 0  # half-made copies


def _inside(root: Path, rel: object) -> Path | None:
    """`root / rel` when it lies under root's archive/ (a record names nothing else)."""
    if not isinstance(rel, str):
        return None
    path = root / rel
    archive = (root / "archive").resolve()
    try:
        path.resolve().relative_to(archive)
    except (ValueError, OSError):
        return None
    return path


def recover(root: Path, recorded_fn: Callable[[], set[str]]) -> Recovered:
    """Complete or undo what an interrupted import left in archive/ (see the module's text).
    `recorded_fn` gives the content hashes the store's committed imports record (called only
    when there is a record to resolve). Call it holding the store's write lock."""
    done = Recovered()
    with contextlib.suppress(OSError):  # a workspace folder it cannot read: the next writer tries again
        _recover(root, recorded_fn, done)
    return done


def _recover(root: Path, recorded_fn: Callable[[], set[str]], done: Recovered) -> None:
    recorded: set[str] | None = None
    folder = root / JOURNAL
    records = []
    if folder.is_dir():
        with contextlib.suppress(OSError):
            records = sorted(p for p in folder.iterdir() if p not in _ACTIVE)
    for rec in records:
        if rec.suffix == ".tmp":  # killed while writing it: no copy was begun
            if not rec.name.startswith(f"{os.getpid()}-"):
                with contextlib.suppress(OSError):
                    rec.unlink()
            continue
        if rec.suffix != ".json":
            continue
        try:
            body = json.loads(rec.read_text(encoding="utf-8"))
            copies, folders = body["copies"], body["folders"]
        except (OSError, ValueError, KeyError, TypeError):
            with contextlib.suppress(OSError):
                rec.unlink()
            continue
        if recorded is None:
            recorded = recorded_fn()
        clean = True
        for c in copies if isinstance(copies, list) else []:
            path = _inside(root, c.get("path") if isinstance(c, dict) else None)
            if path is None:
                continue
            if c.get("sha256") in recorded:
                done.kept += path.exists()
                continue
            try:
                if path.exists():
                    path.unlink()
                    done.removed += 1
            except OSError:
                clean = False
        for rel in reversed(folders if isinstance(folders, list) else []):
            path = _inside(root, rel)
            if path is not None:
                with contextlib.suppress(OSError):
                    path.rmdir()  # only when empty
        if clean:  # else kept, to be tried again by the next writer
            with contextlib.suppress(OSError):
                rec.unlink()
    if records:  # a kill during a copy leaves its record too (`run_import` sweeps before importing anyway)
        done.parts = sweep_parts(root / "archive")


def sweep_parts(archive: Path) -> int:
    """Remove half-made copies (`.<name>.<pid>.part`, an import killed while copying), other
    than this process's own."""
    mine = f".{os.getpid()}.part"
    n = 0
    with contextlib.suppress(OSError):
        for part in archive.glob("*/.*.part"):
            if part.name.endswith(mine):
                continue
            with contextlib.suppress(OSError):
                part.unlink()
                n += 1
    return n
