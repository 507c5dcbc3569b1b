"""Read what purpose rules look at, and write the purposes they give (posts.purpose,
interactions.purpose; migration 0009), where each came from and the model's confidence
(purpose_source, purpose_confidence), and the purposes people gave (purpose_labels;
migration 0011)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pyarrow as pa

if TYPE_CHECKING:
    from smi.store.db import Store

READ = {
    "posts": "SELECT post_key AS key, platform, text, hashtags, mentions, links, labels, NULL AS author, "
             "purpose, purpose_source FROM posts",
    "interactions": "SELECT interaction_key AS key, platform, text, NULL::VARCHAR[] AS hashtags, "
                    "NULL::VARCHAR[] AS mentions, NULL::VARCHAR[] AS links, NULL::VARCHAR[] AS labels, "
                    "author, purpose, purpose_source FROM interactions",
}
KEY = {"posts": "post_key", "interactions": "interaction_key"}


def items(store: Store, table: str, rows: int = 50_000) -> Iterator[list[dict[str, Any]]]:
    """The rows purpose rules read, in batches of dicts."""
    for batch in store.batches(READ[table], rows):
        yield batch.to_pylist()


def write_purposes(store: Store, table: str, keys: list[str], purposes: list[str],
                   sources: list[str] | None = None, confidences: list[float | None] | None = None) -> int:
    """Set the purposes of the rows `keys`, with where each came from and the model's
    confidence (one transaction); returns how many purposes changed."""
    data = pa.table({"k": pa.array(keys, pa.string()), "p": pa.array(purposes, pa.string()),
                     "s": pa.array(sources if sources is not None else ["rule"] * len(keys), pa.string()),
                     "c": pa.array(confidences if confidences is not None else [None] * len(keys), pa.float64())})
    store.con.register("_purposes", data)
    store.con.execute("BEGIN TRANSACTION")
    try:
        n = store.con.execute(
            f"SELECT count(*) FROM {table} AS t JOIN _purposes s ON t.{KEY[table]} = s.k "
            f"WHERE t.purpose IS DISTINCT FROM s.p").fetchall()[0][0]
        store.con.execute(
            f"UPDATE {table} AS t SET purpose = s.p, purpose_source = s.s, purpose_confidence = s.c "
            f"FROM _purposes s WHERE t.{KEY[table]} = s.k AND (t.purpose IS DISTINCT FROM s.p "
            f"OR t.purpose_source IS DISTINCT FROM s.s OR t.purpose_confidence IS DISTINCT FROM s.c)")
        store.con.execute("COMMIT")
    except Exception:
        store.con.execute("ROLLBACK")
        raise
    finally:
        store.con.unregister("_purposes")
    return int(n)


def labelled_items(store: Store, table: str, rows: int = 50_000) -> Iterator[list[dict[str, Any]]]:
    """The rows a person labelled or (posts) that carry labels in the data, as `items` gives them."""
    key = KEY[table]
    where = (f"{key} IN (SELECT item_key FROM purpose_labels WHERE item_table = '{table}')"
             + (" OR len(coalesce(labels, [])) > 0" if table == "posts" else ""))
    for batch in store.batches(f"SELECT * FROM ({READ[table]}) WHERE key IN "
                               f"(SELECT {key} FROM {table} WHERE {where})", rows):
        yield batch.to_pylist()


def person_labels(store: Store, table: str | None = None) -> dict[tuple[str, str], str]:
    """The purposes people gave: (table, key) -> purpose."""
    sql = "SELECT item_table, item_key, purpose FROM purpose_labels"
    rows = store.rows(sql + (" WHERE item_table = ?" if table else ""), [table] if table else [])
    return {(r["item_table"], r["item_key"]): r["purpose"] for r in rows}


def write_label(store: Store, table: str, key: str, purpose: str, by: str | None) -> None:
    """Store the purpose a person gave one post or interaction (a later label replaces it)."""
    if table not in KEY:
        raise ValueError(f"no purposes for table {table!r}")
    store.con.execute("BEGIN TRANSACTION")
    try:
        store.con.execute("DELETE FROM purpose_labels WHERE item_table = ? AND item_key = ?", [table, key])
        store.con.execute("INSERT INTO purpose_labels VALUES (?, ?, ?, ?, current_timestamp)",
                          [table, key, purpose, by])
        store.con.execute("COMMIT")
    except Exception:
        store.con.execute("ROLLBACK")
        raise


def sources(store: Store, table: str) -> dict[str, int]:
    """Rows of `table` by where their purpose came from (None: not set yet)."""
    return {r["s"]: int(r["n"]) for r in store.rows(
        f"SELECT purpose_source AS s, count(*) AS n FROM {table} GROUP BY 1")}
