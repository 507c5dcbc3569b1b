"""smi.engines without Spark running: choosing the engine, where the Parquet goes, errors."""

from __future__ import annotations

import sys

import pyarrow.parquet as pq
import pytest

from smi import engines
from smi.errors import SmiError
from smi.workspace import Workspace


def _ws(make_ws, engine_toml: str = "") -> Workspace:
    path = make_ws()
    if engine_toml:
        with open(path / "workspace.toml", "a", encoding="utf-8") as f:
            f.write(engine_toml)
    return Workspace.open(path)


def test_duckdb_is_the_default_and_the_setting_or_option_chooses(make_ws):
    ws = _ws(make_ws)
    assert engines.engine_name(ws) == "duckdb"
    assert engines.engine_name(ws, "Spark") == "spark"
    with pytest.raises(SmiError) as e:
        engines.engine_name(ws, "polars")
    assert "duckdb, spark" in e.value.fix
    assert engines.engine_name(_ws(make_ws, '[engine]\nname = "spark"\n')) == "spark"


def test_an_unknown_engine_in_the_profile_names_the_field(make_ws, cli):
    path = make_ws()
    with open(path / "workspace.toml", "a", encoding="utf-8") as f:
        f.write('[engine]\nname = "flink"\n')
    r = cli("goals", "-w", path, ok=False)
    assert r.exit_code == 1 and "engine.name" in r.output


def test_parquet_location(make_ws):
    ws = _ws(make_ws)
    assert engines.parquet_location(ws) == str((ws.root / "parquet").resolve())
    rel = _ws(make_ws, '[engine]\nparquet = "lake/t"\n')
    assert engines.parquet_location(rel) == str((rel.root / "lake" / "t").resolve())
    url = _ws(make_ws, '[engine]\nparquet = "s3a://bucket/smi/"\n')
    assert engines.parquet_location(url) == "s3a://bucket/smi/"
    assert engines.export_for_spark(url) == "s3a://bucket/smi/"  # a URL is read, never written


def test_export_for_spark_writes_every_table_the_metrics_read(make_ws):
    ws = _ws(make_ws)
    folder = engines.export_for_spark(ws)
    for table in engines.TABLES:
        assert pq.read_table(f"{folder}/{table}.parquet").num_rows == 0


def test_without_pyspark_the_error_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(SmiError) as e:
        engines.spark_session()
    assert "[spark]" in e.value.fix and "Java 17" in e.value.fix
