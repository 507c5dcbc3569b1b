"""Keys stay unique without key indexes (migration 0004): the merge guarantees it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyarrow as pa

from smi.canonical import KEYS, SCHEMAS
from smi.store import Store


def _rows(table: str, n: int, dup: bool) -> pa.Table:
    rows = []
    for i in range(n):
        base = {
            "posts": {"post_key": f"x:{i}", "platform": "x", "native_id": str(i),
                      "published_at": datetime(2026, 1, 1, tzinfo=UTC), "kind": "original", "text": f"t{i}"},
            "interactions": {"interaction_key": f"x:i{i}", "platform": "x", "native_id": f"i{i}", "kind": "comment",
                             "created_at": datetime(2026, 1, 1, tzinfo=UTC), "from_organisation": False},
            "effort": {"entry_key": f"e{i}", "person": "A", "date": date(2026, 1, 1), "minutes": 10.0},
            "audience_daily": {"platform": "x", "account_id": "x:a", "date": date(2026, 1, 1 + i % 28), "followers": i},
        }[table]
        rows.append(base)
        if dup:
            rows.append(dict(base))  # the same key twice within one import
    return pa.Table.from_pylist(rows, schema=SCHEMAS[table])


def test_overlapping_imports_never_duplicate_a_key(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    for n, h in ((20, "a"), (30, "b"), (30, "c")):  # overlapping ranges, different files
        w = store.writer(source="t", name=h, unit_hash=h, files=[])
        for table in ("posts", "interactions", "effort", "audience_daily"):
            w.add(table, _rows(table, n, dup=True))
        w.commit()
    for table, keys in KEYS.items():
        if table == "accounts":
            continue
        cols = ", ".join(f'"{k}"' for k in keys)
        total, distinct = store.rows(f"SELECT count(*) AS t, count(DISTINCT ({cols})) AS d FROM {table}")[0].values()
        assert total == distinct, table
    assert store.rows("SELECT count(*) AS n FROM posts")[0]["n"] == 30
    assert store.rows("SELECT count(*) AS n FROM audience_daily")[0]["n"] == 28
