"""Read what purpose rules look at, and write the purposes they give (posts.purpose,
interactions.purpose; migration 0009)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pyarrow as pa

if TYPE_CHECKING:
    from smi.store.db import Store

READ = {
    "posts": "SELECT post_key AS key, platform, text, hashtags, mentions, links, labels, NULL AS author, "
             "purpose FROM posts",
    "interactions": "SELECT interaction_key AS key, platform, text, NULL::VARCHAR[] AS hashtags, "
                    "NULL::VARCHAR[] AS mentions, NULL::VARCHAR[] AS links, NULL::VARCHAR[] AS labels, "
                    "author, purpose FROM interactions",
}
KEY = {"posts": "post_key", "interactions": "interaction_key"}


def items(store: Store, table: str, rows: int = 50_000) -> Iterator[list[dict[str, Any]]]:
    """The rows purpose rules read, in batches of dicts."""
    for batch in store.batches(READ[table], rows):
        yield batch.to_pylist()


def write_purposes(store: Store, table: str, keys: list[str], purposes: list[str]) -> int:
    """Set the purposes of the rows `keys` (one transaction); returns how many changed."""
    data = pa.table({"k": pa.array(keys, pa.string()), "p": pa.array(purposes, pa.string())})
    store.con.register("_purposes", data)
    store.con.execute("BEGIN TRANSACTION")
    try:
        n = store.con.execute(
            f"UPDATE {table} AS t SET purpose = s.p FROM _purposes s "
            f"WHERE t.{KEY[table]} = s.k AND t.purpose IS DISTINCT FROM s.p").fetchall()[0][0]
        store.con.execute("COMMIT")
    except Exception:
        store.con.execute("ROLLBACK")
        raise
    finally:
        store.con.unregister("_purposes")
    return int(n)
