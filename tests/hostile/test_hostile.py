"""Every generated hostile input (generate.py) ends as its case says, and a rejected one
changes nothing: the store's rows and sequences, and `archive/`, are compared before and
after; `smi status` still works afterwards."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import signal
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures"


def _load_generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("smi_hostile_generate", HERE / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


gen = _load_generator()
runner = CliRunner()


TIME_LIMIT = 120  # seconds a case may take: a hang (a named pipe read) fails, never blocks the run


def _too_long(signum, frame):  # type: ignore[no-untyped-def]
    raise TimeoutError(f"took more than {TIME_LIMIT} s")


def smi(*args: object, limit: int = TIME_LIMIT):  # type: ignore[no-untyped-def]
    """Run the CLI in this process, failing (not hanging) after `limit` seconds."""
    from smi.cli import app

    old = signal.signal(signal.SIGALRM, _too_long)
    signal.alarm(limit)
    try:
        return runner.invoke(app, [str(a) for a in args])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def fingerprint(ws: Path) -> dict:
    """What a failed import must not change: every table's rows (a checksum each), the
    sequences, the status, and every file under archive/ (name and content hash)."""
    import gc

    from smi.store import Store

    gc.collect()  # drop the CLI's connections (one may be read-only: DuckDB refuses a mix)
    store = Store(ws / "store.duckdb")
    try:
        tables = {name: hashlib.sha256(repr(rows).encode()).hexdigest()
                  for name, rows in store.snapshot().items()}
        seqs = store.rows("SELECT sequence_name, last_value FROM duckdb_sequences() ORDER BY 1")
        status = store.status()
    finally:
        store.close()
    archive = {p.relative_to(ws).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
               for p in sorted([ws / "archive", *(ws / "archive").rglob("*")])}
    return {"tables": tables, "sequences": seqs, "status": json.dumps(status, sort_keys=True),
            "archive": archive}


GOALS = """
[[goals]]
name = "Reach"
accounts = "all"

[[goals.kpis]]
metric = "posts"
target = 10
"""


@pytest.fixture(scope="module")
def base_ws(tmp_path_factory) -> Path:
    """A workspace (Europe/London) holding the canonical CSV fixtures and a goal, built once."""
    ws = tmp_path_factory.mktemp("hostile") / "base"
    assert smi("init", ws, "--name", "Hostile Org", "--timezone", "Europe/London").exit_code == 0
    with (ws / "workspace.toml").open("a", encoding="utf-8") as f:
        f.write(GOALS)
    r = smi("import", "--no-enrich", "-w", ws, FIXTURES / "canonical_csv")
    assert r.exit_code == 0, r.output
    return ws


@pytest.fixture
def ws(base_ws, tmp_path) -> Path:
    copy = tmp_path / "ws"
    shutil.copytree(base_ws, copy)
    return copy


def _clean(result) -> None:  # type: ignore[no-untyped-def]
    """No traceback, no uncaught exception: a message a person can read."""
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", gen.CASES, ids=[c.name for c in gen.CASES])
def test_hostile_input(case, ws, tmp_path):
    files = tmp_path / "in"
    files.mkdir()
    args = case.build(files)
    if case.prepare is not None:
        case.prepare(ws)
    before = fingerprint(ws)
    result = smi("import", "--no-enrich", "-w", ws, *args)
    _clean(result)
    outcome = case.outcome
    if outcome == "either":  # bytes changed at random: a clean refusal or an import, nothing between
        outcome = "rejected" if result.exit_code == 1 else "accepted"
    if outcome == "rejected":
        assert result.exit_code == 1, result.output
        assert case.expect in result.output, result.output
        assert "fix:" in result.output, result.output
        # the message names the file (or the zip or folder given)
        names = {p.name for p in files.rglob("*")} | {Path(a).name for a in args}
        if "profile" in case.tags:
            names = {"workspace.toml"}
        flat = " ".join(result.output.split())
        assert any(n in flat for n in names), result.output
        assert fingerprint(ws) == before
    else:  # warned, accepted
        assert result.exit_code == 0, result.output
        assert case.expect in result.output, result.output
        assert fingerprint(ws) != before
        later_commands_work(ws)
    # whatever it did, the workspace still works (a broken workspace.toml: every command says so)
    after = smi("status", "--json", "-w", ws)
    _clean(after)
    if "profile" in case.tags:
        assert after.exit_code == 1 and "workspace.toml" in after.output, after.output
    else:
        assert after.exit_code == 0, after.output


def later_commands_work(ws: Path, month: str = "2026-07", limit: int = TIME_LIMIT) -> None:
    """The cheap later commands, after every accepted input (the report and findings, which
    take seconds each, run once over all accepted inputs together: test_all_accepted_inputs)."""
    for args in (["metric", "engagements", "--month", month, "--by", "account"], ["goals", "--month", month]):
        r = smi(*args, "-w", ws, limit=limit)
        _clean(r)
        assert r.exit_code == 0, (args, r.output)


@pytest.mark.slow
def test_all_accepted_inputs_then_every_later_command(base_ws, tmp_path):
    """Every input the corpus accepts, imported into one workspace, one after another; then
    status, report, findings, goals and metric all work on what they left."""
    ws = tmp_path / "ws"
    shutil.copytree(base_ws, ws)
    accepted = [c for c in gen.CASES if c.outcome in ("accepted", "warned") and c.prepare is None]
    assert len(accepted) >= 40
    for c in accepted:
        folder = tmp_path / "in" / c.name
        folder.mkdir(parents=True)
        r = smi("import", "--no-enrich", "-w", ws, *c.build(folder))
        _clean(r)
        assert r.exit_code == 0, (c.name, r.output)
    for month in ("2026-07", "2026-12"):  # months the inputs and the fixtures hold
        later_commands_work(ws, month, limit=900)
        for args in (["findings", "--month", month, "--format", "json"],
                     ["report", "--month", month, "--format", "md", "--out", tmp_path / "rep"],
                     ["report", "--month", month, "--format", "html", "--lang", "cy", "--out", tmp_path / "rep"]):
            r = smi(*args, "-w", ws, limit=900)  # findings over ~90 imports: minutes on a shared machine
            _clean(r)
            assert r.exit_code == 0, (args, r.output)


def test_a_raised_csv_limit_elsewhere_in_the_process_does_not_let_a_2mb_cell_in(ws, tmp_path, monkeypatch):
    """Python's csv field limit is process-wide; a library (or another test) that raises it
    must not change what an import accepts (in the full suite seven 2 MB cells got in)."""
    import csv

    case = next(c for c in gen.CASES if c.name == "toggl-text-2mb")
    files = tmp_path / "in"
    files.mkdir()
    args = case.build(files)
    before_limit = csv.field_size_limit(sys.maxsize)
    try:
        before = fingerprint(ws)
        result = smi("import", "--no-enrich", "-w", ws, *args)
        assert csv.field_size_limit() == sys.maxsize  # put back as found
    finally:
        csv.field_size_limit(before_limit)
    assert result.exit_code == 1, result.output
    assert "longer than 131,072 characters" in result.output
    assert fingerprint(ws) == before
