"""Where the metric catalogue runs: DuckDB over the store (default) or Spark over Parquet.

The metrics are Ibis expressions, so the same expression runs on either backend. For Spark,
the canonical tables are exported as Parquet (`smi export parquet`), each registered as a
temporary view, and Ibis compiles the expressions to Spark SQL. Settings, in workspace.toml:

    [engine]
    name = "spark"              # or "duckdb" (the default); `--engine` overrides it
    master = "local[2]"         # spark.master: local[N], spark://host:7077, yarn, k8s://…
    parquet = "/shared/smi/ws"  # where the tables go (default: the workspace's parquet/)
    [engine.conf]               # any other Spark setting
    "spark.executor.memory" = "4g"

A local folder is refreshed from the store on every run; a URL (hdfs://, s3a://, abfss://…)
is read as it is: copy `smi export parquet --out DIR` there yourself. See docs/spark.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from smi.errors import SmiError
from smi.profile import ENGINES

# The tables the metrics read (and so what Spark needs as views).
# `imports`: which source each row came from, for what each period can say (metrics/availability.py).
TABLES = ("accounts", "people", "posts", "post_metrics", "interactions", "audience_daily", "effort", "imports",
          "import_spans")
PARQUET_DIR = "parquet"
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")

# Spark settings smi always sets (a workspace's [engine.conf] may override the last two).
SPARK_DEFAULTS = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "2",
}


def engine_name(ws: Any, engine: str | None = None) -> str:
    name = (engine or ws.profile.engine.name).strip().lower()
    if name not in ENGINES:
        raise SmiError(f"'{engine}' is not a metric engine", fix="use one of: " + ", ".join(ENGINES))
    return name


def connect(ws: Any, engine: str | None = None) -> Any:
    """An Ibis backend over the workspace's canonical tables on the chosen engine."""
    if engine_name(ws, engine) == "duckdb":
        return ws.store.ibis()
    return spark_backend(ws)


# -- Spark ------------------------------------------------------------------------------------------


def parquet_location(ws: Any) -> str:
    """Where the Spark engine reads the tables: a local folder or a URL."""
    loc = ws.profile.engine.parquet
    if not loc:
        return str((ws.root / PARQUET_DIR).resolve())
    if _URL.match(loc) and not loc.startswith("file://"):
        return loc
    path = Path(loc.removeprefix("file://")).expanduser()
    return str((path if path.is_absolute() else ws.root / path).resolve())


def export_for_spark(ws: Any) -> str:
    """Write the tables as Parquet where Spark reads them (local folders only); return it."""
    loc = parquet_location(ws)
    if _URL.match(loc):
        return loc
    folder = Path(loc)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SmiError(f"cannot create {folder}: {e.strerror}",
                       fix="set [engine] parquet in workspace.toml to a folder you can write to") from None
    for table in TABLES:
        ws.store.export_parquet(table, folder / f"{table}.parquet")
    return loc


def spark_session(master: str = "local[2]", timezone: str = "UTC", conf: dict[str, str] | None = None) -> Any:
    """A SparkSession (the running one if there is one) with the session time zone set."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SmiError("the Spark engine needs PySpark, which is not installed",
                       fix="pip install 'social-media-insights[spark]' (PySpark 3.5–4.0 and Java 17)") from None
    builder = SparkSession.builder.master(master).appName("smi")
    for k, v in {**SPARK_DEFAULTS, **(conf or {})}.items():
        builder = builder.config(k, v)
    builder = builder.config("spark.sql.session.timeZone", timezone)
    try:
        session = builder.getOrCreate()
    except Exception as e:  # Py4J / JVM start-up errors have no common base class
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise SmiError(f"Spark did not start ({first[:200]})",
                       fix="install Java 17 (e.g. apt install openjdk-17-jre-headless) "
                           "or set JAVA_HOME; check [engine] master in workspace.toml") from None
    # A session that was already running keeps its master but takes the time zone.
    session.conf.set("spark.sql.session.timeZone", timezone)
    return session


def register_parquet(session: Any, location: str, tables: tuple[str, ...] = TABLES) -> None:
    """Register `location/<table>.parquet` as a temporary view per table."""
    base = location.rstrip("/")
    for table in tables:
        session.read.parquet(f"{base}/{table}.parquet").createOrReplaceTempView(table)


def spark_backend(ws: Any) -> Any:
    """Ibis over a SparkSession whose temp views are the workspace's tables (as Parquet)."""
    import ibis

    settings = ws.profile.engine
    location = export_for_spark(ws)
    session = spark_session(settings.master, ws.profile.organisation.timezone, settings.conf)
    register_parquet(session, location)
    # Ibis sets the session time zone to UTC on connect; local days and months need the
    # workspace's, so it is set again after (connect applies its keyword settings last).
    tz = ws.profile.organisation.timezone
    return ibis.pyspark.connect(session, **{"spark.sql.session.timeZone": tz})
