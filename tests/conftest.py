"""Shared fixtures. Real exports are read where they are, in ../shared/data/real."""

from __future__ import annotations

import json
import os
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
SHARED_REAL = REPO.parent / "shared" / "data" / "real"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data/real. Skips the test when it is absent (a user's clone),
    fails when it is absent in CI."""
    p = SHARED_REAL.joinpath(*parts)
    if not p.exists():
        msg = f"real data not found at {p} (the ../shared folder beside the repo)"
        if os.environ.get("CI") == "true":
            pytest.fail(msg + "; CI must have it")
        pytest.skip(msg)
    return p


@pytest.fixture
def real():
    """Function returning a path under ../shared/data/real (skip or fail if absent)."""
    return shared_path


@pytest.fixture
def cli():
    runner = CliRunner()

    def run(*args: str, ok: bool = True):
        from smi.cli import app

        result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, f"smi {' '.join(map(str, args))} failed:\n{result.output}"
        return result

    return run


@pytest.fixture
def make_ws(tmp_path, cli):
    """Create a workspace (UTC unless told otherwise); returns its path."""
    counter = iter(range(1000))

    def make(timezone: str = "UTC", name: str = "Test Org") -> Path:
        path = tmp_path / f"ws{next(counter)}"
        cli("init", path, "--name", name, "--timezone", timezone)
        return path

    return make


@pytest.fixture
def status(cli):
    """`smi status --json` as importer tests compare it: the stored counts per platform.
    `published` and `original_posts` (the catalogue's names: posts + replies + reposts, and
    posts) are derived from them; this checks they add up, then leaves them out so an
    importer test's expected dict need not repeat them (tests/metrics/test_availability.py
    checks them against a hand count)."""

    def get(ws: Path) -> dict:
        st = json.loads(cli("status", "--json", "-w", ws).stdout)
        for e in st["platforms"].values():
            published, originals = e.pop("published"), e.pop("original_posts")
            assert published == e["posts"] and originals == published - e["replies"] - e["reposts"]
        return st

    return get


def _walk_business_minutes(a: datetime, b: datetime, tz: ZoneInfo, days: set[int],
                           start: time, end: time) -> float:
    """Minutes of [a, b] inside the open hours, walking the local days one by one.

    Independent of smi.metrics.business_hours (which computes the same thing in SQL), so
    tests can check one against the other."""
    la, lb = a.astimezone(tz), b.astimezone(tz)
    total = 0.0
    d = la.date()
    while d <= lb.date():
        if d.weekday() in days:
            lo = max(datetime.combine(d, start, tzinfo=tz), la)
            hi = min(datetime.combine(d, end, tzinfo=tz), lb)
            if hi > lo:
                total += (hi.replace(tzinfo=None) - lo.replace(tzinfo=None)).total_seconds() / 60
        d += timedelta(days=1)
    return total


@pytest.fixture
def walk_business_minutes():
    """The hand count of business minutes between two instants (see _walk_business_minutes)."""
    return _walk_business_minutes


@pytest.fixture(autouse=True)
def _csv_field_limit_put_back():
    """Python's csv field limit is process-wide: whatever a test (or a library it calls) sets
    is put back after it, so a later test reads with the default (imports set their own)."""
    import csv

    before = csv.field_size_limit()
    yield
    csv.field_size_limit(before)
