"""Two imports into one workspace at once (issue 14): DuckDB lets one process write the
store, so the second waits for the lock (SMI_LOCK_WAIT seconds) and then imports; with no
wait it is refused with a message saying the workspace is in use. Either way the result is
what importing the two files one after the other gives."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from .test_hostile import gen, smi
from .test_kill import content


def _files(tmp_path):  # type: ignore[no-untyped-def]
    a = gen._csv(tmp_path / "a" / "posts.csv", gen.POSTS_HEADER, [
        ["instagram", f"a-{i}", "@ourtheatre", f"2026-07-{1 + i % 28:02d}T10:00:00Z", f"a {i}",
         "2026-08-01T00:00:00Z", str(i)] for i in range(3000)])
    b = gen._csv(tmp_path / "b" / "effort.csv", ["person", "date", "minutes"],
                 [["Ceri Jones", f"2026-07-{1 + i % 28:02d}", str(10 + i % 30)] for i in range(3000)])
    return a, b


def _smi_process(ws, path, wait: str):  # type: ignore[no-untyped-def]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "SMI_LOCK_WAIT": wait}
    return subprocess.Popen([sys.executable, "-c", "from smi.cli import app; app()", "import", "--no-enrich",
                             "-w", str(ws), str(path), "--as-of", "2026-08-01"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)


@pytest.fixture
def workspaces(tmp_path):  # type: ignore[no-untyped-def]
    base = tmp_path / "base"
    assert smi("init", base, "--name", "Two Org", "--timezone", "Europe/London").exit_code == 0
    a, b = _files(tmp_path)
    seq = tmp_path / "seq"
    shutil.copytree(base, seq)
    for p in (a, b):
        r = smi("import", "--no-enrich", "-w", seq, p, "--as-of", "2026-08-01")
        assert r.exit_code == 0, r.output
    return base, a, b, content(seq)


@pytest.mark.slow
def test_two_imports_at_once_both_land_as_if_one_after_the_other(workspaces, tmp_path):
    base, a, b, sequential = workspaces
    ws = tmp_path / "together"
    shutil.copytree(base, ws)
    procs = [_smi_process(ws, a, "120"), _smi_process(ws, b, "120")]
    outs = [p.communicate(timeout=300)[0] for p in procs]
    for p, out in zip(procs, outs, strict=True):
        assert p.returncode == 0, out
        assert "Traceback" not in out
    assert content(ws) == sequential


@pytest.mark.slow
def test_an_import_refused_while_another_holds_the_store_says_so_and_changes_nothing(workspaces, tmp_path):
    from smi.store import Store

    base, a, _b, _ = workspaces
    ws = tmp_path / "held"
    shutil.copytree(base, ws)
    before = content(ws)
    holder = Store(ws / "store.duckdb")  # another process holds the store's lock for writing
    try:
        p = _smi_process(ws, a, "0")
        out = p.communicate(timeout=300)[0]
    finally:
        holder.close()
    assert p.returncode == 1, out
    assert "Traceback" not in out
    flat = " ".join(out.split())
    assert "is in use by another program" in flat and "SMI_LOCK_WAIT" in flat, out
    assert content(ws) == before
