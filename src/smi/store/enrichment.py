"""Reading texts for enrichment and writing its results back (smi.enrich drives it)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from smi.store.db import Store

TABLES = {"posts": "post_key", "interactions": "interaction_key"}
RESULT_SCHEMAS = {
    "posts": pa.schema([
        ("key", pa.string()), ("language", pa.string()), ("language_source", pa.string()),
        ("sentiment", pa.float64()), ("sentiment_label", pa.string()), ("enriched_import_id", pa.int64()),
    ]),
}
RESULT_SCHEMAS["interactions"] = RESULT_SCHEMAS["posts"].append(pa.field("is_question", pa.bool_()))


def pending(store: Store, table: str, *, everything: bool = False) -> int:
    """How many rows of `table` need enriching (all rows with `everything`)."""
    where = "" if everything else " WHERE enriched_import_id IS DISTINCT FROM import_id"
    return store.con.execute(f"SELECT count(*) FROM {table}{where}").fetchall()[0][0]


def text_batches(store: Store, table: str, *, everything: bool = False,
                 rows: int = 100_000) -> Iterator[pa.RecordBatch]:
    """key, text, language, language_source, import_id, platform_lang (the platform's own
    language tag kept in extra, as JSON text; NULL when none) and, for interactions,
    from_organisation of the rows to enrich, in batches."""
    key = TABLES[table]
    inbound = ", from_organisation" if table == "interactions" else ""
    where = "" if everything else " WHERE enriched_import_id IS DISTINCT FROM import_id"
    yield from store.batches(
        f"SELECT {key} AS key, text, language, language_source, import_id, "
        f"CAST(json_extract(extra, '$.platform_lang') AS VARCHAR) AS platform_lang{inbound} FROM {table}{where}",
        rows,
    )


class ResultWriter:
    """Stages enrichment results in a temp table; `commit()` applies them in one transaction."""

    def __init__(self, store: Store, table: str) -> None:
        self.store = store
        self.table = table
        self.stage = f"enrich_{table}"
        self.schema = RESULT_SCHEMAS[table]
        cols = ", ".join(f"{f.name} {_sql_type(f.type)}" for f in self.schema)
        store.con.execute(f"CREATE OR REPLACE TEMP TABLE {self.stage} ({cols})")
        self.rows = 0

    def add(self, columns: dict[str, Sequence[Any]]) -> None:
        batch = pa.table({f.name: pa.array(columns[f.name], type=f.type) for f in self.schema})
        self.store.con.register("enrich_batch", batch)
        try:
            self.store.con.execute(f"INSERT INTO {self.stage} SELECT * FROM enrich_batch")
        finally:
            self.store.con.unregister("enrich_batch")
        self.rows += batch.num_rows

    def commit(self) -> int:
        con = self.store.con
        key = TABLES[self.table]
        sets = ", ".join(f"{f.name} = e.{f.name}" for f in self.schema if f.name != "key")
        con.execute("BEGIN TRANSACTION")
        try:
            n = con.execute(
                f"UPDATE {self.table} AS t SET {sets} FROM {self.stage} AS e WHERE t.{key} = e.key"
            ).fetchall()[0][0]
            con.execute("COMMIT")
        except duckdb.Error:
            con.execute("ROLLBACK")
            raise
        finally:
            con.execute(f"DROP TABLE IF EXISTS {self.stage}")
        return n


def _sql_type(t: pa.DataType) -> str:
    return {pa.string(): "VARCHAR", pa.float64(): "DOUBLE", pa.int64(): "BIGINT", pa.bool_(): "BOOLEAN"}[t]


def pending_months(store: Store, table: str, *, everything: bool = False) -> list[str]:
    """Local months (YYYY-MM) holding rows of `table` to enrich (every month with rows)."""
    col = "published_at" if table == "posts" else "created_at"
    where = f" WHERE {col} IS NOT NULL"  # an undated post is in no month
    if not everything:
        where += " AND enriched_import_id IS DISTINCT FROM import_id"
    return [r[0] for r in store.con.execute(
        f"SELECT DISTINCT strftime(timezone(?, {col}), '%Y-%m') FROM {table}{where} ORDER BY 1",
        [store.timezone],
    ).fetchall()]


def corpus(store: Store, scope: str, period: str, *, limit: int | None = None, seed: int = 0) -> list[str]:
    """Texts of a scope ('posts': the organisation's own posts, reposts excluded;
    'audience': inbound interactions) in a local month, or every month for 'all'.
    With `limit`, a seeded random sample of at most that many (reservoir sampling)."""
    if scope == "posts":
        table, col, where = "posts", "published_at", "kind <> 'repost'"
    else:
        table, col, where = "interactions", "created_at", "from_organisation = FALSE"
    params: list[Any] = []
    if period != "all":
        where += f" AND strftime(timezone(?, {col}), '%Y-%m') = ?"
        params = [store.timezone, period]
    sql = f"SELECT text FROM {table} WHERE text IS NOT NULL AND {where}"
    if limit is not None:
        sql = f"SELECT text FROM ({sql}) USING SAMPLE reservoir({int(limit)} ROWS) REPEATABLE ({int(seed)})"
    return [r[0] for r in store.con.execute(sql, params).fetchall()]


def replace_topics(store: Store, scope: str, period: str, model: Any | None) -> None:
    """Replace the stored topics and keywords of one scope and period (none: delete them)."""
    con = store.con
    now = datetime.now(UTC)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM topics WHERE scope = ? AND period = ?", [scope, period])
        con.execute("DELETE FROM keywords WHERE scope = ? AND period = ?", [scope, period])
        if model is not None:
            for t in model.topics:
                con.execute(
                    "INSERT INTO topics VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [scope, period, t.topic, t.label, t.keywords, t.weights, t.documents, t.share,
                     model.analysed, now],
                )
            for rank, k in enumerate(model.keywords, start=1):
                con.execute(
                    "INSERT INTO keywords VALUES (?, ?, ?, ?, ?, ?)",
                    [scope, period, rank, k.keyword, k.score, k.documents],
                )
        con.execute("COMMIT")
    except duckdb.Error:
        con.execute("ROLLBACK")
        raise
