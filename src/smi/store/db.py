"""One DuckDB file per workspace, versioned migrations, and transactional imports."""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import pyarrow as pa

from smi.canonical import (
    KEYS,
    METRIC_COLUMNS,
    PLACEHOLDER_HANDLES,
    SCHEMAS,
    first_implausible,
    implausible,
    range_text,
)
from smi.errors import SourceError, StoreError
from smi.store.forget import skip_forgotten
from smi.store.practice import keep_corrections

MIGRATIONS_PACKAGE = "smi.store.migrations"
# DuckDB's memory limit while an import merges its rows (staging uses less; see
# ImportWriter.IMPORT_SETTINGS). With no key indexes on the fact tables (migration 0004)
# the merge's joins spill to disk, so the process stays under 1 GB for any file size.
MERGE_MEMORY_LIMIT = "600MB"


def _migrations() -> list[tuple[int, str, str]]:
    out = []
    for entry in resources.files(MIGRATIONS_PACKAGE).iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            out.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return sorted(out)


# Per import, platform and table it wrote rows to: its source, and the first and last local
# day (session time zone = the workspace's) over all its rows: what each import covers, for
# metrics/availability.py. A view of this connection, so it is always current.
IMPORT_SPANS = """
CREATE OR REPLACE TEMP VIEW import_spans AS
WITH r AS (
    SELECT import_id AS id, platform, 'posts' AS tbl, published_at::DATE AS day FROM posts
    UNION ALL SELECT first_import_id, platform, 'posts', published_at::DATE FROM posts
    UNION ALL SELECT m.import_id, p.platform, 'post_metrics', p.published_at::DATE
        FROM post_metrics m JOIN posts p ON p.post_key = m.post_key
    UNION ALL SELECT import_id, platform, 'interactions', created_at::DATE FROM interactions
    UNION ALL SELECT first_import_id, platform, 'interactions', created_at::DATE FROM interactions
    UNION ALL SELECT import_id, platform, 'audience_daily', date FROM audience_daily
    UNION ALL SELECT first_import_id, platform, 'audience_daily', date FROM audience_daily
    UNION ALL SELECT import_id, coalesce(platform, ''), 'effort', date FROM effort
    UNION ALL SELECT first_import_id, coalesce(platform, ''), 'effort', date FROM effort
), g AS (
    SELECT id, platform, tbl, min(day) AS lo, max(day) AS hi FROM r WHERE id IS NOT NULL GROUP BY ALL
)
SELECT g.id AS import_id, i.source, g.platform, g.tbl AS "table",
       min(g.lo) OVER (PARTITION BY g.id) AS lo, max(g.hi) OVER (PARTITION BY g.id) AS hi,
       i.fills  -- what the import's files could fill; NULL: all its source fills (migration 0008)
FROM g JOIN imports i ON i.import_id = g.id
"""


# While another process has the store open (an import, `smi backup`), wait this long for it.
LOCK_WAIT_SECONDS = 30.0


def _connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting up to LOCK_WAIT_SECONDS (env SMI_LOCK_WAIT) while another
    process holds its lock: DuckDB lets one process at a time open a file for writing."""
    import os
    import time

    deadline = time.monotonic() + float(os.environ.get("SMI_LOCK_WAIT", LOCK_WAIT_SECONDS))
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as e:
            if "lock" not in str(e).lower() or time.monotonic() >= deadline:
                raise
            time.sleep(0.25)


# What names a row in an error message, per table: (words, key column).
RECORD_LABEL = {"posts": ("post", "post_key"), "post_metrics": ("numbers of post", "post_key"),
                "interactions": ("interaction", "interaction_key"), "effort": ("time entry", "entry_key"),
                "audience_daily": ("audience of", "account_id"), "accounts": ("account", "account_id")}


def not_writable(e: BaseException) -> bool:
    """The store could not be opened because its file or folder cannot be written."""
    text = str(e)
    return any(t in text for t in ("Permission denied", "Operation not permitted", "Read-only file system",
                                   "read-only", "No space left on device"))


def latest_version() -> int:
    return _migrations()[-1][0]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Store:
    """A workspace's DuckDB file.

    `upto` applies migrations only up to that version (used to test upgrades).
    """

    def __init__(self, path: Path, *, timezone: str = "UTC", upto: int | None = None,
                 read_only: bool = False) -> None:
        self.path = Path(path)
        self.timezone = timezone
        self.read_only = read_only
        try:
            self.con = _connect(self.path, read_only)
        except duckdb.Error as e:
            if not_writable(e):
                raise StoreError(
                    f"cannot open the store {self.path} for writing: {e}",
                    fix="the workspace is read-only: make it writable to import or change it (status, "
                        "export, metric and report --out DIR work on it as it is)",
                    read_only_cause=True,
                ) from None
            if "lock" in str(e).lower():  # another process writes it (an import, the web server)
                import os

                waited = float(os.environ.get("SMI_LOCK_WAIT", LOCK_WAIT_SECONDS))
                raise StoreError(
                    f"the store {self.path} is in use by another program (another smi command or the web "
                    f"server); waited {waited:,.0f} s for it",
                    fix="run the command again when the other has finished, or set SMI_LOCK_WAIT to the "
                        "seconds to wait (e.g. SMI_LOCK_WAIT=600)",
                ) from None
            raise StoreError(
                f"cannot open the store {self.path}: {e}",
                fix="close other programs using it; if it was written by a newer smi, upgrade smi",
            ) from None
        # spills go beside the store, or to the system's temporary folder when it is read-only
        tmp = Path(tempfile.gettempdir()) / "smi-spill" if read_only else self.path.parent / ".tmp"
        self.con.execute(f"SET TimeZone = '{timezone}'")
        self.con.execute("SET memory_limit = '1GB'")
        self.con.execute(f"SET temp_directory = '{tmp.as_posix()}'")
        self.con.execute("SET preserve_insertion_order = false")
        if read_only:
            if self.version() < latest_version():
                self.con.close()
                raise StoreError(f"{self.path} needs upgrading (schema {self.version()} of {latest_version()}), "
                                 "which cannot be done while it is read-only",
                                 fix="make the workspace writable and run `smi status` once")
        else:
            self.migrate(upto)
        if upto is None:
            self.con.execute(IMPORT_SPANS)

    # -- schema -------------------------------------------------------------------------------
    def version(self) -> int:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
        ).fetchall()[0][0]
        if not exists:
            return 0
        return self.con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchall()[0][0]

    def migrate(self, upto: int | None = None) -> list[int]:
        """Apply pending migrations in order, each in its own transaction."""
        current = self.version()
        newest = latest_version()
        if current > newest:
            raise StoreError(
                f"{self.path} has schema version {current}, newer than this smi knows ({newest})",
                fix="upgrade smi to open this workspace",
            )
        applied = []
        for version, name, sql in _migrations():
            if version <= current or (upto is not None and version > upto):
                continue
            self.con.execute("BEGIN TRANSACTION")
            try:
                self.con.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations "
                    "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ)"
                )
                self.con.execute(sql)
                self.con.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                    [version, name, datetime.now(UTC)],
                )
                self.con.execute("COMMIT")
            except duckdb.Error as e:
                self.con.execute("ROLLBACK")
                raise StoreError(f"migration {name} failed: {e}", fix="report this as a bug") from None
            applied.append(version)
        return applied

    def close(self) -> None:
        self.con.close()

    # -- profile ------------------------------------------------------------------------------
    def sync_profile(self, profile: Any) -> None:
        """Mirror the profile's accounts and people into the store (the profile is the truth).

        An account the profile does not declare is official if an import of its own export
        brought it (`own_export`), and unassigned otherwise; a member of staff's handle is
        theirs (not official) unless `[[accounts]]` also declares it official."""
        from smi.platforms import parse_account

        declared: dict[str, tuple[str, str, bool, str | None]] = {}
        for a in profile.accounts:
            plat, handle = parse_account(f"{a.platform}:{a.handle}")
            declared[f"{plat}:{handle}"] = (plat, handle, a.official, None)
        for p in profile.people:
            for h in p.handles:
                plat, handle = parse_account(h)
                key = f"{plat}:{handle}"
                prev = declared.get(key)
                declared[key] = (plat, handle, prev[2] if prev else False, p.name)
        if self._mirrors(profile, declared):
            return  # nothing to write: opening a workspace leaves its store file as it was
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute("DELETE FROM people")
            for p in profile.people:
                self.con.execute(
                    "INSERT INTO people VALUES (?, ?, ?, ?)", [p.name, p.role, p.team, p.cost_per_hour]
                )
            # Undeclared: official if it came from its own export (migration 0007), else not.
            self.con.execute("UPDATE accounts SET is_official = coalesce(own_export, FALSE), person = NULL")
            for key, (plat, handle, official, person) in declared.items():
                self.con.execute(
                    "INSERT INTO accounts (account_id, platform, handle, is_official, person) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET "
                    "is_official = excluded.is_official, person = excluded.person",
                    [key, plat, handle, official, person],
                )
            self.con.execute("COMMIT")
        except duckdb.Error:
            self.con.execute("ROLLBACK")
            raise

    def _mirrors(self, profile: Any, declared: dict[str, tuple[str, str, bool, str | None]]) -> bool:
        """Whether the store already holds what sync_profile would write (then it writes
        nothing, so another process can tell a real write from a workspace being opened)."""
        want_people = sorted((p.name, p.role, p.team, p.cost_per_hour) for p in profile.people)
        have_people = sorted(tuple(r) for r in self.con.execute(
            "SELECT person, role, team, cost_per_hour FROM people").fetchall())
        if want_people != have_people:
            return False
        rows = self.con.execute("SELECT account_id, is_official, person, own_export FROM accounts").fetchall()
        have = {r[0]: r for r in rows}
        if any(k not in have for k in declared):
            return False
        for account_id, official, person, own in rows:
            d = declared.get(account_id)
            want = (d[2], d[3]) if d else (bool(own) if own is not None else False, None)
            if (official, person) != want:
                return False
        return True

    # -- imports ------------------------------------------------------------------------------
    def find_import(self, unit_hash: str) -> dict[str, Any] | None:
        rows = self.con.execute(
            "SELECT import_id, source, name, finished_at FROM imports WHERE unit_hash = ? "
            "ORDER BY import_id LIMIT 1",
            [unit_hash],
        ).fetchall()
        if not rows:
            return None
        r = rows[0]
        return {"import_id": r[0], "source": r[1], "name": r[2], "finished_at": r[3]}

    def writer(self, *, source: str, name: str, unit_hash: str, files: list[dict[str, Any]],
               own_export: bool = False) -> ImportWriter:
        """`own_export`: the import is an account's own export (smi.sources.Source.own_export);
        the accounts whose posts or audience it brings are marked `own_export` (sync_profile
        then makes them official unless the profile says otherwise)."""
        return ImportWriter(self, source=source, name=name, unit_hash=unit_hash, files=files,
                            own_export=own_export)

    def imports(self) -> list[dict[str, Any]]:
        cur = self.con.execute(
            "SELECT import_id, source, name, unit_hash, files, started_at, finished_at, observed_at, "
            "counts, warnings FROM imports ORDER BY import_id"
        )
        cols = [d[0] for d in cur.description]
        out = []
        for row in cur.fetchall():
            d = dict(zip(cols, row, strict=True))
            d["files"] = json.loads(d["files"]) if d["files"] else []
            d["counts"] = json.loads(d["counts"]) if d["counts"] else {}
            d["warnings"] = json.loads(d["warnings"]) if d["warnings"] else []
            out.append(d)
        return out

    def iter_raw_items(self, import_id: int, batch: int = 50_000):  # -> Iterator[tuple]
        """Yield (kind, item_key, payload) of one import's raw items, in the order read."""
        cur = self.con.cursor()
        try:
            cur.execute(
                "SELECT kind, item_key, payload FROM raw_items WHERE import_id = ? ORDER BY item_no",
                [import_id],
            )
            while rows := cur.fetchmany(batch):
                yield from rows
        finally:
            cur.close()

    def pull_state(self, source: str, account: str) -> dict[str, Any] | None:
        """Where the last pull of `source` for `account` got to (saved by ImportWriter.commit)."""
        rows = self.con.execute(
            "SELECT state FROM pull_state WHERE source = ? AND account = ?", [source, account]
        ).fetchall()
        return json.loads(rows[0][0]) if rows else None

    def imports_with_raw_items(self) -> list[int]:
        return [r[0] for r in self.con.execute(
            "SELECT DISTINCT import_id FROM raw_items ORDER BY 1").fetchall()]

    # -- reading ------------------------------------------------------------------------------
    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        """Run a read query and return dicts. For the store's own callers and tests."""
        cur = self.con.execute(sql, list(params))
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


    def batches(self, sql: str, rows: int = 100_000) -> Iterator[pa.RecordBatch]:
        """Stream a read query's result as Arrow record batches, on a cursor of its own."""
        cur = self.con.cursor()
        try:
            yield from cur.sql(sql).to_arrow_reader(rows)
        finally:
            cur.close()

    def export_parquet(self, table: str, path: Path) -> int:
        """Write a whole table to one Parquet file (zstd); return its number of rows."""
        target = str(path).replace("'", "''")
        self.con.execute(f"COPY (SELECT * FROM {_q(table)}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
        return self.con.execute(f"SELECT count(*) FROM {_q(table)}").fetchall()[0][0]

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, ordered: to prove an operation changed nothing."""
        out = {}
        for (name,) in self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' ORDER BY 1"
        ).fetchall():
            out[name] = sorted(
                self.con.execute(f"SELECT * FROM {_q(name)}").fetchall(), key=repr
            )
        return out

    def ibis(self):  # -> ibis.backends.duckdb.Backend
        """An Ibis connection over this store, for the metric catalogue."""
        import ibis

        backend = ibis.duckdb.from_connection(self.con)
        # Ibis sets the session TimeZone to UTC on connect; month boundaries need the workspace's.
        self.con.execute(f"SET TimeZone = '{self.timezone}'")
        return backend

    def undated_posts(self) -> dict[str, int]:
        """Posts with no publish time (the export left it blank), per platform where any.
        They are in the posts count and lifetime totals, but in no period."""
        return dict(self.con.execute(
            "SELECT platform, count(*) FROM posts WHERE published_at IS NULL GROUP BY 1 ORDER BY 1"
        ).fetchall())
    def source_spans(self) -> list[dict[str, Any]]:
        """Per source (import format): the first and last local day of the rows its imports
        brought (posts, interactions, audience, time entries), and the last local day its
        exports were taken (`observed`, None if no import says). Ordered by source."""
        tz = self.timezone
        return self.rows(
            "WITH r AS ("
            "SELECT timezone(?, published_at)::DATE AS d, first_import_id AS a, import_id AS b FROM posts "
            "UNION ALL SELECT timezone(?, created_at)::DATE, first_import_id, import_id FROM interactions "
            "UNION ALL SELECT date, first_import_id, import_id FROM audience_daily "
            "UNION ALL SELECT date, first_import_id, import_id FROM effort), "
            # per import, its rows' first and last day (a row counts for the import that brought
            # it and the one that last changed it)
            "per AS (SELECT imp, min(d) AS first, max(d) AS last FROM ("
            "SELECT d, a AS imp FROM r UNION ALL SELECT d, b FROM r WHERE b IS DISTINCT FROM a) GROUP BY imp), "
            "days AS (SELECT i.source, min(per.first) AS first, max(per.last) AS last FROM per "
            "JOIN imports i ON i.import_id = per.imp GROUP BY i.source), "
            "obs AS (SELECT source, max(timezone(?, observed_at))::DATE AS observed FROM imports GROUP BY source) "
            "SELECT days.source, days.first, days.last, obs.observed FROM days LEFT JOIN obs USING (source) "
            "ORDER BY days.source",
            [tz, tz, tz],
        )

    def status(self) -> dict[str, Any]:
        """What the workspace holds, per platform (dates in the workspace time zone)."""
        platforms: dict[str, dict[str, Any]] = {}

        def entry(p: str) -> dict[str, Any]:
            return platforms.setdefault(
                p,
                {"published": 0, "original_posts": 0, "replies": 0, "reposts": 0, "interactions": 0,
                 "audience_days": 0, "first": None, "last": None, "posts": 0},
            )

        # One name per count, as the metric catalogue (metrics/outputs.py): published = every
        # kind; original_posts = originals and quotes (the `posts` metric); "posts" is kept as
        # the old name of `published` for scripts written before (deprecated).
        for p, n, replies, reposts, first, last in self.con.execute(
            "SELECT platform, count(*), count(*) FILTER (kind = 'reply'), "
            "count(*) FILTER (kind = 'repost'), min(published_at)::DATE, max(published_at)::DATE "
            "FROM (SELECT platform, kind, timezone(?, published_at) AS published_at FROM posts) "
            "GROUP BY platform",
            [self.timezone],
        ).fetchall():
            e = entry(p)
            e.update(published=n, original_posts=n - replies - reposts, replies=replies,
                     reposts=reposts, first=first, last=last, posts=n)
        for p, n, first, last in self.con.execute(
            "SELECT platform, count(*), min(timezone(?, created_at))::DATE, "
            "max(timezone(?, created_at))::DATE FROM interactions GROUP BY platform",
            [self.timezone, self.timezone],
        ).fetchall():
            e = entry(p)
            e["interactions"] = n
            e["first"] = min((x for x in (e["first"], first) if x is not None), default=None)
            e["last"] = max((x for x in (e["last"], last) if x is not None), default=None)
        for p, n, first, last in self.con.execute(
            "SELECT platform, count(*), min(date), max(date) FROM audience_daily GROUP BY platform"
        ).fetchall():
            e = entry(p)
            e["audience_days"] = n
            if e["first"] is None:
                e["first"], e["last"] = first, last
        for e in platforms.values():
            for k in ("first", "last"):
                e[k] = e[k].isoformat() if e[k] is not None else None
        effort = self.con.execute("SELECT count(*) FROM effort").fetchall()[0][0]
        imports = self.con.execute("SELECT count(*) FROM imports").fetchall()[0][0]
        return {
            "platforms": dict(sorted(platforms.items())),
            "undated_posts": self.undated_posts(),
            "effort_entries": effort,
            "imports": imports,
        }


class ImportWriter:
    """Collects one import's rows in temporary tables, then merges them in one transaction.

    Nothing touches the canonical tables until `commit()`; `abort()` (or an exception
    inside the `with` block) leaves the store exactly as it was.
    """

    def __init__(
        self, store: Store, *, source: str, name: str, unit_hash: str, files: list[dict[str, Any]],
        own_export: bool = False,
    ) -> None:
        self.store = store
        self.own_export = own_export
        self.con = store.con
        self.source = source
        self.name = name
        self.unit_hash = unit_hash
        self.files = files
        self.started_at = datetime.now(UTC)
        self.observed_at: datetime | None = None
        self.warnings: list[str] = []
        self.pull_state: tuple[str, str, dict[str, Any]] | None = None  # (source, account, state)
        # What this import's files could fill (Source.fills_for); None: all its source fills.
        self.fills: list[str] | None = None
        self._staged: dict[str, int] = {}
        # Rows a person typed (the web app's time log): an entry corrected or removed by hand
        # and typed again counts again (smi.store.practice.keep_corrections).
        self.by_hand = False

    # Rows are staged in DuckDB's in-memory temp catalog. While an import runs: no automatic
    # checkpoint every 16 MB staged (measured: staging 1M tweets took 17 s instead of 2 s), and
    # a lower memory limit, so staged rows spill to the workspace's .tmp folder instead of
    # growing the process (1M tweets: peak RSS 1.4 GB -> 0.9 GB, and no slower).
    IMPORT_SETTINGS = (("checkpoint_threshold", "1TB"), ("memory_limit", "400MB"))

    def __enter__(self) -> ImportWriter:
        self._saved = [
            (k, self.con.execute("SELECT current_setting(?)", [k]).fetchall()[0][0])
            for k, _ in self.IMPORT_SETTINGS
        ]
        for k, v in self.IMPORT_SETTINGS:
            self.con.execute(f"SET {k} = '{v}'")
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is not None:
                self.abort()
        finally:
            for k, v in self._saved:
                self.con.execute(f"SET {k} = '{v}'")

    def add(self, table: str, batch: pa.Table | pa.RecordBatch) -> None:
        """Stage rows for a canonical table (schema from smi.canonical.SCHEMAS)."""
        schema = SCHEMAS[table]
        if isinstance(batch, pa.RecordBatch):
            batch = pa.Table.from_batches([batch])
        batch = batch.select(schema.names).cast(schema)
        self._check_dates(table, batch)
        seq0 = self._staged.get(table, 0)
        batch = batch.append_column("_seq", pa.array(range(seq0, seq0 + batch.num_rows), pa.int64()))
        stage = f"stage_{table}"
        self.con.register("_incoming", batch)
        try:
            if table not in self._staged:
                self.con.execute(f"CREATE OR REPLACE TEMP TABLE {stage} AS SELECT * FROM _incoming")
            else:
                self.con.execute(f"INSERT INTO {stage} SELECT * FROM _incoming")
        finally:
            self.con.unregister("_incoming")
        self._staged[table] = seq0 + batch.num_rows

    def _check_dates(self, table: str, batch: pa.Table) -> None:
        """Every source's rows pass here: a time or date outside the plausible range (year 1,
        9999-12-31, an observed_at in 2999) fails the import, naming the record and field."""
        bad = first_implausible(table, batch)
        if bad is None:
            return
        i, column, text, expected = bad
        what, key = RECORD_LABEL.get(table, (table, None))
        record = f"{what} {batch.column(key)[i].as_py()}" if key else f"{table} row {i + 1}"
        raise SourceError(self.name, f"{text} is outside the plausible range", record=record, field=column,
                          expected=expected,
                          fix="correct the value in the file (a year of 0001 or 9999 usually means "
                              "'not set'); or leave the cell blank")

    def abort(self) -> None:
        for table in list(self._staged):
            self.con.execute(f"DROP TABLE IF EXISTS stage_{table}")
        self._staged.clear()

    # -- merging ------------------------------------------------------------------------------
    def _dedup(self, table: str, keys: tuple[str, ...]) -> str:
        cols = ", ".join(_q(k) for k in keys)
        # Most imports have no repeated keys: checking the keys alone is much cheaper than a
        # window over every column (10M rows: ~5 s instead of ~25 s), so skip it when it can.
        repeated = self.con.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM stage_{table} GROUP BY {cols} HAVING count(*) > 1)"
        ).fetchall()[0][0]
        if not repeated:
            self.con.execute(
                f"CREATE OR REPLACE TEMP VIEW merge_{table} AS SELECT * EXCLUDE (_seq) FROM stage_{table}"
            )
            return f"merge_{table}"
        self._warn_repeated(table, keys)
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE merge_{table} AS SELECT * EXCLUDE (_seq) FROM stage_{table} "
            f"QUALIFY row_number() OVER (PARTITION BY {cols} ORDER BY _seq DESC) = 1"
        )
        return f"merge_{table}"

    # Tables whose repeated keys inside one import are worth a warning (a post id twice in a
    # CSV): sources emit account rows per batch, and a post's snapshots follow its post.
    WARN_REPEATED: ClassVar[dict[str, str]] = {"posts": "post", "interactions": "interaction", "audience_daily": "audience day",
                     "effort": "time entry"}

    def _warn_repeated(self, table: str, keys: tuple[str, ...]) -> None:
        """Say how many keys the import holds more than once, with the first of them: the
        last row of each is kept (the later file or line wins), never silently."""
        what = self.WARN_REPEATED.get(table)
        if what is None:
            return
        label = " || ' ' || ".join(f"coalesce(CAST({_q(k)} AS VARCHAR), '')" for k in keys)
        n, extra, first = self.con.execute(
            f"SELECT count(*), sum(c - 1), min(k) FROM (SELECT {label} AS k, count(*) AS c "
            f"FROM stage_{table} GROUP BY ALL HAVING count(*) > 1)"
        ).fetchall()[0]
        self.warnings.append(
            f"{self.name}: {n:,} {what}{'s appear' if n != 1 else ' appears'} more than once in this import "
            f"({extra:,} repeated row{'s' if extra != 1 else ''}; first: {first}); kept the last of each: "
            "check the export for repeated rows or files")

    def _drop(self, merge: str) -> None:
        kind = self.con.execute(
            "SELECT table_type FROM information_schema.tables WHERE table_name = ?", [merge]
        ).fetchall()
        if kind:
            self.con.execute(f"DROP {'VIEW' if kind[0][0] == 'VIEW' else 'TABLE'} {merge}")

    def _merge_keyed(self, table: str, import_id: int) -> dict[str, int]:
        keys = KEYS[table]
        names = SCHEMAS[table].names
        values = [c for c in names if c not in keys]
        m = self._dedup(table, keys)
        total = self.con.execute(f"SELECT count(*) FROM {m}").fetchall()[0][0]
        on = " AND ".join(f"t.{_q(k)} = m.{_q(k)}" for k in keys)
        incoming = {c: f"m.{_q(c)}" for c in values}
        if table == "posts":
            # Re-import never moves a post to a placeholder account (a lone tweet.js of an
            # archive already imported): the held account and its URL stay (issue 14).
            handles = ", ".join("'" + h.replace("'", "''") + "'" for h in PLACEHOLDER_HANDLES)

            def placeholder(col: str) -> str:
                return f"list_contains([{handles}], regexp_replace({col}, '^[^:]*:', ''))"

            keep = (f"({placeholder('m.account_id')} AND t.account_id IS NOT NULL "
                    f"AND NOT {placeholder('t.account_id')})")
            for c in ("account_id", "url"):
                incoming[c] = f"(CASE WHEN {keep} THEN NULL ELSE m.{_q(c)} END)"
            kept = self.con.execute(f"SELECT count(*) FROM {table} AS t JOIN {m} AS m ON {on} WHERE {keep}"
                                    ).fetchall()[0][0]
            if kept:
                self.warnings.append(
                    f"{kept:,} post{'s' if kept != 1 else ''} already held under {'their' if kept != 1 else 'its'} "
                    "account stayed there (this export does not say whose they are)")
        sets = ", ".join(f"{_q(c)} = coalesce({incoming[c]}, t.{_q(c)})" for c in values)
        changed = " OR ".join(f"({incoming[c]} IS NOT NULL AND {incoming[c]} IS DISTINCT FROM t.{_q(c)})"
                              for c in values)
        has_import = table != "accounts"
        stamp = f", import_id = {import_id}" if has_import else ""
        updated = self.con.execute(
            f"UPDATE {table} AS t SET {sets}{stamp} FROM {m} AS m WHERE {on} AND ({changed})"
        ).fetchall()[0][0]
        cols = ", ".join(_q(c) for c in names)
        if table == "accounts":
            extra_cols, extra_vals = ", import_id", f", {import_id}"
        else:
            extra_cols, extra_vals = ", import_id, first_import_id", f", {import_id}, {import_id}"
        new = self.con.execute(
            f"INSERT INTO {table} ({cols}{extra_cols}) SELECT {cols}{extra_vals} FROM {m} AS m "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {on})"
        ).fetchall()[0][0]
        self._drop(m)
        return {"new": new, "updated": updated, "unchanged": total - new - updated}

    def _merge_metrics(self, import_id: int) -> set[str] | int:
        """Add a snapshot per post unless one with the same numbers or time is held."""
        m = self._dedup("post_metrics", ("post_key", "observed_at"))
        metric_cols = [*METRIC_COLUMNS, "watch_time_seconds"]
        any_value = " OR ".join(f"m.{c} IS NOT NULL" for c in metric_cols)
        same = " AND ".join(f"p.{c} IS NOT DISTINCT FROM m.{c}" for c in metric_cols)
        cols = ", ".join(SCHEMAS["post_metrics"].names)
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE new_metrics AS SELECT m.* FROM {m} AS m "
            f"WHERE ({any_value}) AND NOT EXISTS (SELECT 1 FROM post_metrics p "
            f"WHERE p.post_key = m.post_key AND (p.observed_at = m.observed_at OR ({same})))"
        )
        # Numbers dated like ones already held, but different (the same export's date range
        # downloaded again later): the held ones stay; say so, since only the date tells them apart.
        clash = self.con.execute(
            f"SELECT count(DISTINCT m.post_key), min(m.observed_at) FROM {m} AS m JOIN post_metrics p "
            f"ON p.post_key = m.post_key AND p.observed_at = m.observed_at WHERE ({any_value}) AND NOT ({same})"
        ).fetchall()[0]
        if clash[0]:
            self.warnings.append(
                f"{clash[0]:,} post{'s' if clash[0] != 1 else ''} already had numbers dated "
                f"{clash[1].date().isoformat()} that differ from this export's; kept those: if this export "
                "is newer, import it again with --as-of DATE (when it was downloaded)")
        self.con.execute(
            f"INSERT INTO post_metrics ({cols}, import_id) SELECT {cols}, {import_id} FROM new_metrics"
        )
        n = self.con.execute("SELECT count(*) FROM new_metrics").fetchall()[0][0]
        self._drop(m)
        return n

    def _move_off_placeholders(self) -> None:
        """The same export imported again under a named account (`--account`, or the profile
        now names it): its audience numbers leave the placeholder account (an export that did
        not say whose it was) it was first filed under. Audience rows are keyed by account, so
        without this the days would count twice. Only the numbers this import gives, on the
        days it gives them, of rows an earlier import of one of the same files brought; a
        placeholder row left with no number goes."""
        if "audience_daily" not in self._staged:
            return
        shas = {f.get("sha256") for f in self.files} - {None}
        prior = [iid for iid, files in self.con.execute("SELECT import_id, files FROM imports").fetchall()
                 if shas & {f.get("sha256") for f in json.loads(files or "[]")}]
        if not prior:
            return
        numbers = [c for c in SCHEMAS["audience_daily"].names if c not in KEYS["audience_daily"]]
        placeholders = "(SELECT account_id FROM accounts WHERE list_contains(?, handle))"
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE moving AS SELECT d.platform, d.date, d.account_id, "
            + ", ".join(f"bool_or(s.{_q(c)} IS NOT NULL) AS {_q('has_' + c)}" for c in numbers)
            + " FROM audience_daily d JOIN stage_audience_daily s ON s.platform = d.platform AND s.date = d.date "
            f"WHERE d.account_id IN {placeholders} AND s.account_id NOT IN {placeholders} "
            "AND (list_contains(?, d.import_id) OR list_contains(?, d.first_import_id)) GROUP BY ALL",
            [list(PLACEHOLDER_HANDLES), list(PLACEHOLDER_HANDLES), prior, prior],
        )
        sets = ", ".join(f"{_q(c)} = CASE WHEN m.{_q('has_' + c)} THEN NULL ELSE d.{_q(c)} END" for c in numbers)
        on = "d.platform = m.platform AND d.date = m.date AND d.account_id = m.account_id"
        self.con.execute(f"UPDATE audience_daily AS d SET {sets} FROM moving AS m WHERE {on}")
        self.con.execute(
            "DELETE FROM audience_daily AS d WHERE EXISTS (SELECT 1 FROM moving m WHERE "
            f"{on}) AND " + " AND ".join(f"d.{_q(c)} IS NULL" for c in numbers)
        )
        self.con.execute("DROP TABLE moving")

    def _drop_unused_placeholders(self) -> None:
        """A placeholder account (an export that did not say whose it was) goes once nothing
        refers to it: after the same export is imported again with `--account`."""
        handles = list(PLACEHOLDER_HANDLES)
        held = self.con.execute(
            "SELECT count(*) FROM accounts WHERE list_contains(?, handle)", [handles]
        ).fetchall()[0][0]
        if held:
            self.con.execute(
                # an own export's placeholder is marked official (migration 0007): it goes too
                "DELETE FROM accounts a WHERE list_contains(?, a.handle) AND a.person IS NULL "
                "AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.account_id = a.account_id) "
                "AND NOT EXISTS (SELECT 1 FROM audience_daily d WHERE d.account_id = a.account_id)",
                [handles],
            )

    def commit(self) -> dict[str, Any]:
        """Merge everything staged in one transaction and log the import. Returns its record."""
        con = self.con
        if implausible(self.observed_at):
            raise SourceError(self.name, f"says its numbers are from {self.observed_at.isoformat()}, outside the "
                              "plausible range", field="observed_at", expected=range_text(),
                              fix="give the day the export was downloaded with --as-of YYYY-MM-DD")
        # Staging runs under a low memory limit (rows spill to disk); the merge's joins and
        # key index need the store's normal limit (10M interactions fail at 400 MB).
        if hasattr(self, "_saved"):
            con.execute(f"SET memory_limit = '{MERGE_MEMORY_LIMIT}'")
        con.execute("BEGIN TRANSACTION")
        try:
            import_id = con.execute("SELECT nextval('import_ids')").fetchall()[0][0]
            counts: dict[str, dict[str, int]] = {}
            self._move_off_placeholders()
            # rows of accounts and people erased by `smi forget` stay out (migration 0010)
            skipped = skip_forgotten(con, set(self._staged))
            if skipped:
                counts["forgotten"] = {"skipped": skipped}
            # time entries a person corrected or removed by hand stay so (migration 0014)
            kept = keep_corrections(con, set(self._staged), by_hand=self.by_hand)
            if kept:
                counts["corrected"] = {"kept": kept}
            for table in ("accounts", "posts", "interactions", "audience_daily", "effort"):
                if table in self._staged:
                    counts[table] = self._merge_keyed(table, import_id)
            if "post_metrics" in self._staged:
                snaps = self._merge_metrics(import_id)
                # A post whose only change is a new metric snapshot counts as updated.
                if "posts" in counts and snaps:
                    bumped = con.execute(
                        "SELECT count(DISTINCT n.post_key) FROM new_metrics n "
                        "JOIN posts p USING (post_key) "
                        "WHERE p.import_id <> ? AND p.first_import_id <> ?",
                        [import_id, import_id],
                    ).fetchall()[0][0]
                    counts["posts"]["updated"] += bumped
                    counts["posts"]["unchanged"] -= bumped
                counts["post_metrics"] = {"new": snaps}
                con.execute("DROP TABLE new_metrics")
            self._drop_unused_placeholders()
            if self.own_export:
                con.execute(
                    "UPDATE accounts SET own_export = TRUE WHERE NOT coalesce(own_export, FALSE) AND account_id IN ("
                    "SELECT account_id FROM posts WHERE ? IN (import_id, first_import_id) UNION "
                    "SELECT account_id FROM audience_daily WHERE ? IN (import_id, first_import_id))",
                    [import_id, import_id],
                )
            if "raw_items" in self._staged:
                con.execute(
                    "INSERT INTO raw_items SELECT ?, ?, item_no, kind, item_key, payload "
                    "FROM stage_raw_items",
                    [import_id, self.source],
                )
            record = {
                "import_id": import_id,
                "source": self.source,
                "name": self.name,
                "unit_hash": self.unit_hash,
                "files": self.files,
                "started_at": self.started_at,
                "finished_at": datetime.now(UTC),
                "observed_at": self.observed_at,
                "counts": counts,
                "warnings": self.warnings,
            }
            fills = ([", fills"], [self.fills]) if self.fills is not None else ([], [])  # migration 0008
            con.execute(
                "INSERT INTO imports (import_id, source, name, unit_hash, files, started_at, finished_at, "
                f"observed_at, counts, warnings{''.join(fills[0])}) VALUES (?{', ?' * (9 + len(fills[1]))})",
                [
                    import_id, self.source, self.name, self.unit_hash, json.dumps(self.files),
                    record["started_at"], record["finished_at"], self.observed_at,
                    json.dumps(counts), json.dumps(self.warnings), *fills[1],
                ],
            )
            if self.pull_state is not None:  # an API pull's cursor lands with its rows
                src, account, state = self.pull_state
                con.execute(
                    "INSERT INTO pull_state VALUES (?, ?, ?, ?) ON CONFLICT (source, account) "
                    "DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                    [src, account, json.dumps(state), record["finished_at"]],
                )
            con.execute("COMMIT")
        except BaseException as e:
            with contextlib.suppress(duckdb.Error):  # a failed COMMIT has no transaction left to undo
                con.execute("ROLLBACK")
            self.abort()
            if isinstance(e, duckdb.IOException) or (isinstance(e, duckdb.Error) and not_writable(e)):
                raise StoreError(f"cannot write the store {self.store.path}: {e}; nothing was imported",
                                 fix="free disk space and make the workspace folder writable, then import "
                                     "again") from None
            raise
        self.abort()  # drops the stage tables
        return record
