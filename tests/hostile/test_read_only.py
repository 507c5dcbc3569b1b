"""Read commands work on a read-only workspace (issue 14, item 8): status, export, metric and
report --out elsewhere open the store read-only; a command that writes says the workspace is
read-only and how to fix it.

Read-only is made with `chattr +i` when running as root (root ignores file modes: CI runs as
root) and with chmod otherwise; the test is skipped, saying why, when neither can be done."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from .test_hostile import FIXTURES, fingerprint, smi


def _lock(ws: Path) -> None:
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("running as root without chattr: cannot make the workspace read-only")
        r = subprocess.run(["chattr", "-R", "+i", str(ws)], capture_output=True, text=True, check=False)
        if r.returncode != 0:
            pytest.skip(f"running as root and chattr +i failed here ({r.stderr.strip()}): "
                        "cannot make the workspace read-only")
    else:
        for p in [ws, *ws.rglob("*")]:
            p.chmod(p.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _unlock(ws: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-R", "-i", str(ws)], capture_output=True, check=False)
    else:
        for p in [ws, *ws.rglob("*")]:
            p.chmod(p.stat().st_mode | stat.S_IWUSR)


@pytest.fixture
def locked(tmp_path):
    ws = tmp_path / "ws"
    assert smi("init", ws, "--name", "Read Only Org", "--timezone", "Europe/London").exit_code == 0
    assert smi("import", "--no-enrich", "-w", ws, FIXTURES / "canonical_csv").exit_code == 0
    expected = json.loads(smi("status", "--json", "-w", ws).stdout)
    before = fingerprint(ws)
    _lock(ws)
    yield ws, expected
    _unlock(ws)
    assert fingerprint(ws) == before


@pytest.mark.slow
def test_read_commands_work_on_a_read_only_workspace(locked, tmp_path):
    ws, expected = locked
    st = smi("status", "--json", "-w", ws)
    assert st.exit_code == 0, st.output
    assert json.loads(st.stdout) == expected
    ex = smi("export", "csv", "--out", tmp_path / "out", "-w", ws)
    assert ex.exit_code == 0, ex.output
    # the fixture's posts.csv holds 5 posts (a hand count of its rows)
    assert (tmp_path / "out" / "posts.csv").read_text(encoding="utf-8").count("\n") == 1 + 5
    m = smi("metric", "posts", "--month", "2026-07", "-w", ws)
    assert m.exit_code == 0, m.output
    rep = smi("report", "--month", "2026-07", "--format", "md", "--out", tmp_path / "rep", "-w", ws)
    assert rep.exit_code == 0, rep.output
    assert (tmp_path / "rep" / "2026-07" / "report.md").exists()


@pytest.mark.slow
def test_writing_commands_say_the_workspace_is_read_only(locked, tmp_path):
    ws, _ = locked
    r = smi("import", "--no-enrich", "-w", ws, FIXTURES / "canonical_csv" / "posts.csv")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "the workspace is read-only" in r.output
    rep = smi("report", "--month", "2026-07", "--format", "md", "-w", ws)  # into the workspace's reports/
    assert rep.exit_code == 1 and "Traceback" not in rep.output and "--out DIR" in rep.output


def _lock_folder_only(ws: Path) -> None:
    """The workspace folder cannot take new files (DuckDB's journal), its files can be written."""
    if os.geteuid() == 0:
        r = subprocess.run(["chattr", "+i", str(ws)], capture_output=True, text=True, check=False)
        if shutil.which("chattr") is None or r.returncode != 0:
            pytest.skip("running as root without a working chattr: cannot lock the folder")
    else:
        ws.chmod(stat.S_IRUSR | stat.S_IXUSR)


@pytest.mark.slow
def test_a_store_that_cannot_be_written_at_commit_changes_nothing(tmp_path):
    """The journal cannot be created when the rows commit (as on a full disk): a clear
    message, not "bug in smi: cannot rollback - no transaction is active"; the archive copy
    made for the import is removed; read commands still work."""
    ws = tmp_path / "ws"
    assert smi("init", ws, "--name", "Org", "--timezone", "UTC").exit_code == 0
    assert smi("import", "--no-enrich", "-w", ws, FIXTURES / "canonical_csv" / "effort.csv").exit_code == 0
    before = fingerprint(ws)
    _lock_folder_only(ws)
    try:
        r = smi("import", "--no-enrich", "-w", ws, FIXTURES / "canonical_csv" / "posts.csv")
        st = smi("status", "--json", "-w", ws)
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(ws)], capture_output=True, check=False)
        else:
            ws.chmod(stat.S_IRWXU)
    assert r.exit_code == 1 and "Traceback" not in r.output and "bug in smi" not in r.output
    assert "cannot write the store" in r.output and "nothing was imported" in r.output
    assert st.exit_code == 0, st.output
    after = fingerprint(ws)
    # DuckDB does not roll back a sequence: the failed commit took an import id, so the next
    # import's id skips one. Every row and archive/ are as they were.
    assert {k: v for k, v in after.items() if k != "sequences"} == \
        {k: v for k, v in before.items() if k != "sequences"}
