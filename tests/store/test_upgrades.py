"""Upgrading from every schema version: a store made by migrations 0001..N only, with two
rows in every table of that version, opens at the current version and keeps every row.

The rows are made by this test from each column's type (`_value`), not by smi's code; after
the upgrade, each table's columns of version N are read back and compared with them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from smi.store import Store
from smi.store.db import latest_version


def _value(data_type: str, i: int, column: str) -> object:
    t = data_type.upper()
    if t.endswith("[]"):
        inner = _value(t[:-2], i, column)
        return [inner, inner]
    if t in ("BIGINT", "INTEGER", "HUGEINT", "SMALLINT"):
        return 1000 + i
    if t == "DOUBLE":
        return 0.5 + i
    if t == "BOOLEAN":
        return i % 2 == 0
    if t == "DATE":
        return date(2025, 1, i)
    if t.startswith("TIMESTAMP"):
        return datetime(2025, 1, i, 12, 30, tzinfo=UTC)
    if t == "JSON":
        return f'{{"n": {i}}}'
    return f"{column}-{i}"


def _columns(store: Store) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in store.con.execute(
        "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
        "JOIN information_schema.tables t USING (table_schema, table_name) "
        "WHERE c.table_schema = 'main' AND t.table_type = 'BASE TABLE' AND c.table_name <> 'schema_migrations' "
        "ORDER BY c.table_name, c.ordinal_position"
    ).fetchall():
        out.setdefault(table, []).append((column, data_type))
    return out


def _rows(store: Store, table: str, columns: list[str]) -> list[tuple]:
    cols = ", ".join(f'"{c}"::VARCHAR' for c in columns)
    return sorted(store.con.execute(f'SELECT {cols} FROM "{table}"').fetchall())


@pytest.mark.parametrize("version", range(1, latest_version()))
def test_a_store_of_every_version_upgrades_and_keeps_its_rows(tmp_path, version):
    path = tmp_path / "store.duckdb"
    old = Store(path, upto=version)
    assert old.version() == version
    tables = _columns(old)
    assert tables, "no tables at this version"
    for table, cols in tables.items():
        for i in (1, 2):
            names = ", ".join(f'"{c}"' for c, _ in cols)
            marks = ", ".join("?" for _ in cols)
            old.con.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                            [_value(t, i, c) for c, t in cols])
    before = {table: _rows(old, table, [c for c, _ in cols]) for table, cols in tables.items()}
    old.close()

    new = Store(path)
    assert new.version() == latest_version()
    versions = [r[0] for r in new.con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()]
    assert versions == list(range(1, latest_version() + 1))
    after_tables = _columns(new)
    for table, cols in tables.items():
        assert table in after_tables, f"{table} is gone after the upgrade from version {version}"
        assert _rows(new, table, [c for c, _ in cols]) == before[table], f"{table} changed upgrading from {version}"
        assert len(before[table]) == 2
    new.close()
