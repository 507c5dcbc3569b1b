"""`smi backup DIR` / `smi restore DIR`: a consistent snapshot, taken while other commands run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from smi.workspace import Workspace

FOLDER = "mastodon-archive-dealingwith"
SRC = str(Path(__file__).resolve().parents[1] / "src")


def _snapshot(ws):
    with Workspace.open(ws) as w:
        return w.store.snapshot()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _smi(*args, **kw):
    env = {**os.environ, "PYTHONPATH": SRC}
    code = "from smi.cli import app; app()"
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


def test_backup_and_restore_round_trip(make_ws, cli, real, tmp_path):
    ws = make_ws()
    cli("import", "--no-enrich", "-w", ws, real(FOLDER))
    cli("people", "add", "Ann Jones", "--handle", "x:@annj", "-w", ws)
    cli("status", "-w", ws)  # the store takes Ann from the profile when opened
    (ws / "reports" / "2024-07.md").write_text("# July\n")
    res = cli("backup", "-w", ws, tmp_path / "bk")
    # 1,586 posts, 1,587 raw items (the activities and the actor; see test_mastodon_archive), Ann
    man = json.loads((tmp_path / "bk" / "backup.json").read_text())
    assert man["rows"]["posts"] == 1586 and man["rows"]["raw_items"] == 1587 and man["rows"]["people"] == 1
    assert man["files"] == 3  # outbox.json, actor.json (archive) and the report
    assert f"{sum(man['rows'].values()):,} rows" in res.output

    res = cli("restore", tmp_path / "bk", "-w", tmp_path / "new")
    assert _snapshot(tmp_path / "new") == _snapshot(ws)
    for part in ("archive", "reports"):
        assert _files(tmp_path / "new" / part) == _files(ws / part)
    assert (tmp_path / "new" / "workspace.toml").read_text() == (ws / "workspace.toml").read_text()


def test_restore_refuses_a_non_empty_workspace(make_ws, cli, tmp_path):
    src, other = make_ws(name="Src"), make_ws(name="Other")
    cli("backup", "-w", src, tmp_path / "bk")
    before = _snapshot(other)
    res = cli("restore", tmp_path / "bk", "-w", other, ok=False)
    assert res.exit_code == 1 and "is not empty" in res.output and "--force" in res.output
    assert _snapshot(other) == before and "Other" in (other / "workspace.toml").read_text()
    cli("restore", tmp_path / "bk", "-w", other, "--force")
    assert 'name = "Src"' in (other / "workspace.toml").read_text()


def test_backup_refuses_a_non_empty_folder_and_a_damaged_backup(make_ws, cli, tmp_path):
    ws = make_ws()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    assert "is not empty" in cli("backup", "-w", ws, tmp_path / "full", ok=False).output
    cli("backup", "-w", ws, tmp_path / "bk")
    man = tmp_path / "bk" / "backup.json"
    d = json.loads(man.read_text())
    d["rows"]["posts"] = 5
    man.write_text(json.dumps(d))
    res = cli("restore", tmp_path / "bk", "-w", tmp_path / "new", ok=False)
    assert res.exit_code == 1 and "tables: posts" in res.output
    assert not (tmp_path / "new" / "store.duckdb").exists()


def test_backup_while_an_import_runs_is_before_or_after_it(make_ws, real, tmp_path):
    """An import in another process holds the store: the backup waits for it, so it holds the
    whole import (1,586 posts and both archived files) or none of it, never a part."""
    ws = Path(make_ws())
    imp = _smi("import", "--no-enrich", "-w", ws, real(FOLDER))
    time.sleep(0.3)
    bk = _smi("backup", "-w", ws, tmp_path / "bk", "--wait", "120")
    out_imp, out_bk = imp.communicate(timeout=300), bk.communicate(timeout=300)
    assert imp.returncode == 0, out_imp
    assert bk.returncode == 0, out_bk
    man = json.loads((tmp_path / "bk" / "backup.json").read_text())
    archived = _files(tmp_path / "bk" / "archive")
    assert (man["rows"]["posts"], man["rows"]["imports"], len(archived)) in ((0, 0, 0), (1586, 1, 2))


def test_backup_waits_for_a_command_holding_the_store(make_ws, tmp_path):
    """Another process holds the store for 2 s; the backup waits for it, then succeeds."""
    ws = Path(make_ws())
    hold = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
         "time.sleep(2); c.close()", str(ws / "store.duckdb")], stdout=subprocess.PIPE, text=True)
    assert hold.stdout.readline().strip() == "held"
    t0 = time.monotonic()
    bk = _smi("backup", "-w", ws, tmp_path / "bk", "--wait", "60")
    out, _ = bk.communicate(timeout=120)
    hold.communicate()
    assert bk.returncode == 0, out
    assert time.monotonic() - t0 > 1.0  # it waited for the holder
    assert json.loads((tmp_path / "bk" / "backup.json").read_text())["schema_version"] >= 8


def test_backup_says_when_the_store_stays_busy(make_ws, tmp_path):
    ws = Path(make_ws())
    hold = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
         "time.sleep(30)", str(ws / "store.duckdb")], stdout=subprocess.PIPE, text=True)
    try:
        assert hold.stdout.readline().strip() == "held"
        bk = _smi("backup", "-w", ws, tmp_path / "bk", "--wait", "1")
        out, _ = bk.communicate(timeout=60)
        assert bk.returncode == 1 and "cannot open the store" in out and "wait for the other smi command" in out
        assert not (tmp_path / "bk" / "store.duckdb").exists()
    finally:
        hold.kill()
        hold.communicate()
