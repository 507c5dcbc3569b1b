"""The store is versioned: a store made by the first schema version opens and upgrades."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa
import pytest

from smi.canonical import SCHEMAS
from smi.errors import StoreError
from smi.store import Store
from smi.store.db import latest_version


def test_first_version_store_upgrades_and_keeps_data(tmp_path):
    path = tmp_path / "store.duckdb"
    old = Store(path, upto=1)
    assert old.version() == 1
    tables = {r["table_name"] for r in old.rows("SELECT table_name FROM information_schema.tables")}
    assert "posts" in tables and "experiments" not in tables
    w = old.writer(source="test", name="f", unit_hash="h", files=[])
    w.add("posts", pa.Table.from_pylist(
        [{"post_key": "x:1", "platform": "x", "native_id": "1", "published_at": datetime(2026, 1, 2, tzinfo=UTC), "kind": "original"}],
        schema=SCHEMAS["posts"]))
    w.commit()
    old.close()

    new = Store(path)
    assert new.version() == latest_version() >= 2
    tables = {r["table_name"] for r in new.rows("SELECT table_name FROM information_schema.tables")}
    assert {"experiments", "actions", "meetings", "findings", "stakeholder_groups", "survey_responses"} <= tables
    assert new.rows("SELECT post_key FROM posts") == [{"post_key": "x:1"}]
    assert [r["version"] for r in new.rows("SELECT version FROM schema_migrations ORDER BY 1")] == list(range(1, latest_version() + 1))
    new.close()
    # opening again applies nothing
    again = Store(path)
    assert again.migrate() == []
    again.close()


def test_a_store_from_a_newer_smi_is_refused(tmp_path):
    path = tmp_path / "store.duckdb"
    s = Store(path)
    s.con.execute("INSERT INTO schema_migrations VALUES (999, 'future', now())")
    s.close()
    with pytest.raises(StoreError, match="newer than this smi knows"):
        Store(path)
