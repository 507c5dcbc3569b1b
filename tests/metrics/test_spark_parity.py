"""The whole catalogue on DuckDB and on local PySpark gives the same numbers.

Every registered metric, over the demo workspace's 13 months (Europe/London, so two clock
changes fall inside), with no breakdown, by platform, by month, and by each of the other
dimensions it has, runs through `smi.engines` on both engines: DuckDB over the store, and
Spark over the tables exported as Parquet. Rows must match one for one; numbers within 1e-9
relative (Spark and DuckDB sum floats in different orders); NULL only where the other has
NULL. A known portability gap goes in KNOWN_GAPS with its reason and is an xfail(strict):
it must really differ, so a fixed gap fails until it is taken off the list.

Outside CI the tests skip when PySpark or Java is missing; in CI (CI=true) they fail.
"""

from __future__ import annotations

import math
import os
import shutil
import time
from datetime import date, datetime
from typing import Any

import pytest

from smi.metrics import Period, load_all

pytestmark = [
    pytest.mark.slow,
    # Py4J leaves its gateway sockets to the garbage collector (ResourceWarning, unraisable).
    pytest.mark.filterwarnings("ignore:Exception ignored in. <socket.socket:pytest.PytestUnraisableExceptionWarning"),
]

MONTH = "2025-06"
SPAN = 13
ALWAYS = ((), ("platform",), ("month",))
REL = 1e-9

# (metric, by) -> why Spark does not give DuckDB's answer there. Empty: every pair agrees.
# (The first entries, first response times across the 2025-03-30 clock change, were fixed in
# metrics/service.py: Spark's DATEDIFF(SECOND) counts wall-clock time in the session zone.)
KNOWN_GAPS: dict[tuple[str, tuple[str, ...]], str] = {}


def _groupings(m: Any) -> list[tuple[str, ...]]:
    return [b for b in ALWAYS if all(d in m.by for d in b)]


def _other_dimensions() -> dict[tuple[str, tuple[str, ...]], None]:
    """Every other dimension, on one metric of each grain that has it, alphabetically first
    (the whole catalogue by every dimension is ~630 Spark jobs: too slow for each CI run)."""
    out: dict[tuple[str, tuple[str, ...]], None] = {}
    seen: set[tuple[str, str]] = set()
    for name, m in sorted(load_all().items()):
        for d in m.by:
            if (d,) not in ALWAYS and (m.grain, d) not in seen:
                seen.add((m.grain, d))
                out[(name, (d,))] = None
    return out


def _cases() -> list[Any]:
    pairs = [(name, by) for name, m in sorted(load_all().items()) for by in _groupings(m)]
    pairs += list(_other_dimensions())
    cases = []
    for name, by in pairs:
        gap = KNOWN_GAPS.get((name, by))
        marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
        cases.append(pytest.param(name, by, marks=marks, id=f"{name}-by-{'+'.join(by) or 'none'}"))
    return cases


def _need(what: str, ok: bool) -> None:
    if ok:
        return
    msg = f"{what} is not installed (the parity test needs the spark extra and Java 17)"
    if os.environ.get("CI") == "true":
        pytest.fail(msg + "; CI must have it")
    pytest.skip(msg)


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    """(workspace, DuckDB backend, Spark backend) over the demo workspace."""
    try:
        import pyspark  # noqa: F401

        have_spark = True
    except ImportError:
        have_spark = False
    _need("PySpark", have_spark)
    _need("Java", shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME")))
    from smi.demo import build_demo
    from smi.engines import connect

    ws = build_demo(tmp_path_factory.mktemp("parity") / "demo", seed=7, until=MONTH).workspace
    t0 = time.perf_counter()
    spark = connect(ws, "spark")
    print(f"\nSpark session and Parquet export: {time.perf_counter() - t0:.1f} s")
    yield ws, connect(ws, "duckdb"), spark
    spark._session.stop()
    ws.close()


def _norm(v: Any) -> Any:
    """One spelling per value across engines: numbers as float, NaN/NaT as None, dates as text."""
    if v is None:
        return None
    if hasattr(v, "item") and not isinstance(v, str | bytes):  # numpy scalars
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == datetime.min.time() else v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if type(v).__name__ in ("NaTType",):
        return None
    return v


def _rows(con: Any, expr: Any, by: tuple[str, ...]) -> dict[tuple, Any]:
    df = con.execute(expr)
    out: dict[tuple, Any] = {}
    for rec in df.to_dict("records"):
        key = tuple(_norm(rec[b]) for b in by)
        assert key not in out, f"two rows for {key}"
        out[key] = _norm(rec["value"])
    return out


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=REL, abs_tol=1e-12)
    return a == b


@pytest.mark.parametrize(("name", "by"), _cases())
def test_duckdb_and_spark_agree(engines, name, by):
    ws, duck, spark = engines
    m = load_all()[name]
    tz = ws.profile.organisation.timezone
    period = Period.months_to(Period.month(MONTH, tz), SPAN)
    hours = ws.profile.business_hours
    want = _rows(duck, m.build(duck, period, by, business_hours=hours), by)
    got = _rows(spark, m.build(spark, period, by, business_hours=hours), by)
    assert set(got) == set(want), f"groups differ: only DuckDB {set(want) - set(got)}, only Spark {set(got) - set(want)}"
    diff = {k: (want[k], got[k]) for k in want if not _same(want[k], got[k])}
    assert not diff, f"{len(diff)} of {len(want)} values differ (DuckDB, Spark): {dict(list(diff.items())[:5])}"
    # The comparison is not empty: the demo has data for every metric with no breakdown.
    if not by:
        assert len(want) == 1


def test_parity_covers_the_whole_catalogue_and_every_dimension():
    cases = _cases()
    dims = {d for m in load_all().values() for d in m.by}
    assert dims == {d for c in cases for d in c.values[1]}
    names = {c.values[0] for c in cases}
    assert names == set(load_all())
    for name in names:
        bys = {c.values[1] for c in cases if c.values[0] == name}
        assert () in bys and (("platform",) in bys or "platform" not in load_all()[name].by)


def test_goals_on_spark_match_duckdb(engines):
    from smi.goals import evaluate

    ws, _, _ = engines
    _, duck = evaluate(ws, MONTH, "duckdb")
    _, spark = evaluate(ws, MONTH, "spark")
    assert len(duck) == len(spark) == 5  # the demo profile's five KPIs
    for a, b in zip(duck, spark, strict=True):
        assert (a.metric, a.status) == (b.metric, b.status)
        for x, y in zip([t["value"] for t in a.trend], [t["value"] for t in b.trend], strict=True):
            assert _same(_norm(x), _norm(y)), (a.metric, x, y)
