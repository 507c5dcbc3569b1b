"""A consistent copy of a store file (`smi backup`), taken while this process holds its lock.

DuckDB lets one process open a file for writing: while `locked` holds the connection, no
other smi command can change the store (they wait or say it is in use), so the rest of the
workspace (archive/, workspace.toml) can be copied beside it consistently. `copy_to`
checkpoints first (the write-ahead log is folded into the file), so the file alone is the
whole store.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from smi.errors import StoreError


class Locked:
    def __init__(self, con: Any, path: Path) -> None:
        self.con = con
        self.path = path

    def version(self) -> int:
        return _version(self.con)

    def checkpoint(self) -> None:
        self.con.execute("CHECKPOINT")

    def copy_to(self, dest: Path) -> None:
        self.con.execute("CHECKPOINT")
        shutil.copyfile(self.path, dest)


def _version(con: Any) -> int:
    if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
                       ).fetchall()[0][0]:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchall()[0][0]


@contextmanager
def locked(path: Path, *, wait: float = 60.0, poll: float = 0.5) -> Iterator[Locked]:
    """Open the store file for writing (so no other process can), waiting up to `wait`
    seconds while another smi command has it open."""
    deadline = time.monotonic() + wait
    while True:
        try:
            con = duckdb.connect(str(path))
            break
        except duckdb.IOException as e:
            if "lock" not in str(e).lower() or time.monotonic() >= deadline:
                raise StoreError(f"cannot open the store {path}: {e}",
                                 fix="wait for the other smi command to finish, then run this again") from None
            time.sleep(poll)
        except duckdb.Error as e:
            raise StoreError(f"cannot open the store {path}: {e}",
                             fix="check the file is a workspace store written by this smi") from None
    try:
        yield Locked(con, path)
    finally:
        con.close()


def check(path: Path) -> dict[str, Any]:
    """Open a store file read-only: its schema version and rows per table (a backup's check)."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as e:
        raise StoreError(f"{path} is not a readable store: {e}", fix="use another backup") from None
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
        rows = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in tables}
        return {"version": _version(con), "rows": rows}
    finally:
        con.close()
