"""`smi backup DIR` and `smi restore DIR`: a consistent snapshot of a workspace.

A backup folder holds `store.duckdb` (checkpointed, copied while this process holds the
store's lock, so no other command changes it meanwhile), `workspace.toml`, `archive/`,
`reports/` and `backup.json` (when, the schema version, the rows per table, the files and
their sizes). The month cache is left out: it is computed again.

Restore checks the backup first (its store opens and has the rows backup.json says), then
puts each part in place by rename, and refuses a workspace folder that is not empty unless
`force`.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from smi.errors import SmiError
from smi.profile import PROFILE_NAME
from smi.workspace import STORE_NAME

MANIFEST = "backup.json"
FOLDERS = ("archive", "reports")


@dataclass
class Done:
    folder: Path
    version: int
    rows: int
    files: int
    bytes: int

    def line(self, verb: str) -> str:
        return (f"{verb} {self.folder}: store (schema version {self.version}, {self.rows:,} rows), "
                f"{PROFILE_NAME}, {self.files:,} archived or report files ({self.bytes:,} bytes)")


def _copy_tree(src: Path, dest: Path) -> tuple[int, int]:
    files = size = 0
    if not src.is_dir():
        dest.mkdir(parents=True, exist_ok=True)
        return 0, 0
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if path.name.endswith(".part") or path.is_symlink():
            continue  # an unfinished copy, or a link out of the workspace
        target = dest / rel
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif path.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            files += 1
            size += path.stat().st_size
    dest.mkdir(parents=True, exist_ok=True)
    return files, size


def _empty(folder: Path) -> bool:
    return not folder.exists() or (folder.is_dir() and not any(folder.iterdir()))


def backup(ws: Any, dest: Path, *, wait: float = 60.0) -> Done:
    """Copy the workspace into `dest` (absent or empty), consistently (see the module doc)."""

    dest = Path(dest)
    if not _empty(dest):
        raise SmiError(f"{dest} is not empty", fix="give a new or empty folder for the backup")
    if dest.resolve().is_relative_to(ws.root.resolve()):
        raise SmiError(f"{dest} is inside the workspace", fix="give a folder outside the workspace")
    ws.close()  # this process's own connection would hold the lock
    created = not dest.exists()
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SmiError(f"cannot create {dest}: {e.strerror}", fix="choose a folder you can write to") from None
    tmp = dest / ".partial"
    tmp.mkdir()
    try:
        return _backup(ws, dest, tmp, wait)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if created:
            shutil.rmtree(dest, ignore_errors=True)
        raise


def _backup(ws: Any, dest: Path, tmp: Path, wait: float) -> Done:
    from smi.store.backup import check, locked

    with locked(ws.root / STORE_NAME, wait=wait) as lock:
        # no copy of an import killed before its commit goes into the backup
        from smi import journal

        journal.recover(ws.root, lambda: journal.recorded_hashes(
            f for (f,) in lock.con.execute("SELECT files FROM imports").fetchall()))
        version = lock.version()
        lock.copy_to(tmp / STORE_NAME)
        shutil.copyfile(ws.root / PROFILE_NAME, tmp / PROFILE_NAME)
        files = size = 0
        for folder in FOLDERS:
            n, b = _copy_tree(ws.root / folder, tmp / folder)
            files, size = files + n, size + b
    held = check(tmp / STORE_NAME)
    manifest = {"created_at": datetime.now(UTC).isoformat(), "schema_version": version,
                "rows": held["rows"], "files": files, "bytes": size,
                "store_bytes": (tmp / STORE_NAME).stat().st_size}
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    for part in tmp.iterdir():  # whole, then in place: a backup folder is complete or has .partial
        os.replace(part, dest / part.name)
    tmp.rmdir()
    return Done(dest, version, sum(held["rows"].values()), files, size)


def restore(src: Path, target: Path, *, force: bool = False, wait: float = 60.0) -> Done:
    """Put the backup in `src` into the workspace folder `target` (see the module doc)."""
    from smi.store.backup import check, locked
    from smi.store.db import latest_version

    src, target = Path(src), Path(target)
    man_path = src / MANIFEST
    if not man_path.is_file() or not (src / STORE_NAME).is_file() or not (src / PROFILE_NAME).is_file():
        raise SmiError(f"{src} is not a complete smi backup (it needs {MANIFEST}, {STORE_NAME} and {PROFILE_NAME})",
                       fix="give the folder `smi backup` wrote")
    try:
        manifest = json.loads(man_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise SmiError(f"{man_path} cannot be read: {e}", fix="give the folder `smi backup` wrote") from None
    held = check(src / STORE_NAME)
    if held["rows"] != manifest.get("rows"):
        bad = sorted(t for t in set(held["rows"]) | set(manifest.get("rows") or {})
                     if held["rows"].get(t) != (manifest.get("rows") or {}).get(t))
        raise SmiError(f"{src / STORE_NAME} does not hold the rows {MANIFEST} lists (tables: {', '.join(bad)})",
                       fix="the backup was changed or damaged: use another one")
    if held["version"] > latest_version():
        raise SmiError(f"the backup's store has schema version {held['version']}, newer than this smi knows "
                       f"({latest_version()})", fix="upgrade smi, then restore")
    if not _empty(target) and not force:
        raise SmiError(f"{target} is not empty: restoring would replace its store, {PROFILE_NAME}, archive/ and reports/",
                       fix="restore into a new folder, or add --force to replace what is there")
    target.mkdir(parents=True, exist_ok=True)
    stage = target / ".restoring"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir()
    shutil.copyfile(src / STORE_NAME, stage / STORE_NAME)
    shutil.copyfile(src / PROFILE_NAME, stage / PROFILE_NAME)
    files = size = 0
    for folder in FOLDERS:
        n, b = _copy_tree(src / folder, stage / folder)
        files, size = files + n, size + b

    def put() -> None:
        for name in (*FOLDERS, PROFILE_NAME):
            old = target / name
            if old.is_dir():
                gone = target / f".replaced-{name}"
                os.replace(old, gone)
                shutil.rmtree(gone)
            os.replace(stage / name, old)
        os.replace(stage / STORE_NAME, target / STORE_NAME)  # last: the store names the archive
        for leftover in (target / f"{STORE_NAME}.wal",):
            leftover.unlink(missing_ok=True)
        if (target / "cache").is_dir():  # months computed from the replaced data
            shutil.rmtree(target / "cache")

    if (target / STORE_NAME).exists():
        with locked(target / STORE_NAME, wait=wait) as lock:
            lock.checkpoint()  # no write-ahead log left to be replayed onto the restored file
            put()
    else:
        put()
    stage.rmdir()
    return Done(target, held["version"], sum(held["rows"].values()), files, size)
