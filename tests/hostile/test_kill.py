"""SIGKILL at 50 moments of an import (issue 14): during the reading, the archive copy, just
after the copy (before the commit), the merge, and anywhere at random. After each kill the
store opens, holds whole files only (its content equals a clean import of the files before
the one killed); once the next command has opened the store for writing (`smi status`),
archive/ holds exactly the copies of the imports the store records (the intent journal,
smi.journal, undid or kept each copy the kill left); and importing again converges to the
clean import's state, archive/ again exactly the recorded imports' copies.

The moments are drawn from a seeded generator, so a failure can be replayed."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .test_hostile import _clean, gen, smi

HERE = Path(__file__).resolve().parent
KILLS = 50
SEED = 14


def _inputs(folder: Path) -> list[Path]:
    """Four units of four formats, big enough that each phase takes some milliseconds."""
    posts = gen._csv(folder / "posts.csv", gen.POSTS_HEADER, [
        ["instagram", f"k-{i}", "@ourtheatre", f"2026-07-{1 + i % 28:02d}T10:00:00Z", f"post {i} " * 5,
         "2026-08-01T00:00:00Z", str(i)] for i in range(1200)])
    effort = gen._csv(folder / "effort.csv", ["person", "date", "minutes", "platform", "activity"],
                      [["Ceri Jones", f"2026-07-{1 + i % 28:02d}", str(5 + i % 50), "x", "create"]
                       for i in range(800)])
    inter = gen._csv(folder / "interactions.csv", ["platform", "interaction_id", "kind", "author", "created_at", "text"],
                     [["x", f"ki-{i}", "comment", f"@p{i % 40}", f"2026-07-{1 + i % 28:02d}T11:00:00Z", f"hello {i}"]
                      for i in range(1000)])
    tweets = [{"tweet": {"id_str": str(1790000000000100000 + i), "id": str(1790000000000100000 + i),
                         "created_at": f"Wed Jul {1 + i % 28:02d} 18:00:00 +0000 2026", "full_text": f"tweet {i}",
                         "favorite_count": str(i % 9), "retweet_count": "0", "lang": "en", "source": "web",
                         "entities": {"hashtags": [], "user_mentions": [], "urls": []}}} for i in range(1000)]
    js = folder / "x" / "tweets.js"
    js.parent.mkdir(parents=True)
    js.write_text("window.YTD.tweets.part0 = " + json.dumps(tweets, indent=2), encoding="utf-8")
    return [posts, effort, inter, js]


VOLATILE = {("imports", "started_at"), ("imports", "finished_at"), ("schema_migrations", "applied_at")}


def content(ws: Path) -> dict:
    """Every table's rows without the import ids and clock times (which a re-run changes),
    and archive/'s files (name and content hash), as any command sees them: opened as a
    workspace, which mirrors the profile's accounts into the store (an own export's accounts
    are marked official just after its commit; a kill between the two is mended there)."""
    import gc

    from smi.workspace import Workspace

    gc.collect()
    w = Workspace.open(ws)
    store = w.store
    try:
        out = {}
        q = store.con.execute
        for (table,) in q("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                          "AND table_type = 'BASE TABLE' ORDER BY 1").fetchall():
            cols = [c for (c,) in q("SELECT column_name FROM information_schema.columns WHERE "
                                    "table_name = ? ORDER BY ordinal_position", [table]).fetchall()
                    if not c.endswith("import_id") and (table, c) not in VOLATILE]
            sel = ", ".join(f'"{c}"' for c in cols)
            rows = store.con.execute(f'SELECT {sel} FROM "{table}"').fetchall()
            out[table] = hashlib.sha256(repr(sorted(rows, key=repr)).encode()).hexdigest()
        imported = sorted((json.loads(f) if isinstance(f, str) else f
                           for (f,) in q("SELECT files FROM imports").fetchall()), key=repr)
    finally:
        w.close()
    return {"tables": out, "archive": archive_files(ws), "imported": imported}


def archive_files(ws: Path) -> dict[str, str]:
    """archive/'s files: path -> content hash (read without opening the store)."""
    return {p.relative_to(ws).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((ws / "archive").rglob("*")) if p.is_file()}


def recorded_files(ws: Path) -> set[str]:
    """The content hashes of the files the store's imports record (the store opened alone, as
    the tests' Store: no workspace, so nothing is recovered by opening it)."""
    return {f["sha256"] for (files,) in _rows(ws, "SELECT files FROM imports")
            for f in (json.loads(files) if isinstance(files, str) else files or [])}


def assert_exactly_recorded(ws: Path, when: str) -> None:
    """archive/ holds exactly one whole copy of each file the store's imports record: no copy
    of an import that did not commit, no `.part`, no intent record left in .journal/."""
    files = archive_files(ws)
    names = {Path(n).name.split("-", 1)[0]: digest for n, digest in files.items()}
    assert not [n for n in files if Path(n).name.startswith(".")], f"{when}: a .part copy is left: {files}"
    recorded = recorded_files(ws)
    assert set(names) == recorded, (f"{when}: archive/ holds {sorted(set(names) - recorded)} not recorded and "
                                    f"lacks {sorted(recorded - set(names))}")
    assert len(names) == len(files) and all(k == v for k, v in names.items()), f"{when}: {files}"
    journal = ws / ".journal"
    assert not (journal.is_dir() and list(journal.iterdir())), f"{when}: left in .journal/: {list(journal.iterdir())}"


def _rows(ws: Path, sql: str) -> list:
    import gc

    from smi.store import Store

    gc.collect()
    store = Store(ws / "store.duckdb")
    try:
        return store.con.execute(sql).fetchall()
    finally:
        store.close()


def left_by_kill(ws: Path) -> tuple[int, int, int]:
    """What a kill left before any command opened the store, read as files: (copies of files
    the store does not record, half-made `.part` copies, intent records). Every import the
    store records must already have each of its files' copy, whole (copy first, then commit)."""
    files = archive_files(ws)
    copies = {Path(name).name.split("-", 1)[0]: digest for name, digest in files.items()
              if not Path(name).name.startswith(".")}
    recorded = recorded_files(ws)
    for sha in recorded:
        assert copies.get(sha) == sha, f"no whole archive copy of the recorded file {sha}"
    parts = sum(1 for name in files if Path(name).name.endswith(".part"))
    journal = ws / ".journal"
    return len(set(copies) - recorded), parts, len(list(journal.iterdir())) if journal.is_dir() else 0


@pytest.mark.slow
def test_sigkill_at_50_moments_leaves_whole_files_and_a_rerun_converges(tmp_path):
    files = tmp_path / "in"
    paths = [str(p) for p in _inputs(files)]
    args = [*paths, "--as-of", "2026-08-01", "--account", "@ourtheatre"]
    base = tmp_path / "base"
    r = smi("init", base, "--name", "Kill Org", "--timezone", "Europe/London")
    assert r.exit_code == 0, r.output

    # The clean import, one file at a time in the order `smi import` takes them: the states a
    # kill may leave are these prefixes (files land whole, one after another).
    order_ws = tmp_path / "order"
    shutil.copytree(base, order_ws)
    r = smi("import", "--no-enrich", "-w", order_ws, *args)
    _clean(r)
    assert r.exit_code == 0, r.output
    order = [name for (name,) in _rows(order_ws, "SELECT name FROM imports ORDER BY import_id")]
    assert len(order) == 4, order
    prefix_ws = tmp_path / "prefix"
    shutil.copytree(base, prefix_ws)
    prefixes = [content(prefix_ws)]
    for name in order:
        r = smi("import", "--no-enrich", "-w", prefix_ws, name, "--as-of", "2026-08-01", "--account", "@ourtheatre")
        assert r.exit_code == 0, r.output
        prefixes.append(content(prefix_ws))
    clean = prefixes[-1]
    assert clean == content(order_ws)  # one file at a time ends where all at once does

    driver = subprocess.Popen([sys.executable, str(HERE / "kill_driver.py")], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env={**os.environ, "SMI_LOCK_WAIT": "5"})

    def run(ws: Path, phase: str, nth: int = 0, delay: float = 0.0) -> dict:
        assert driver.stdin is not None and driver.stdout is not None
        driver.stdin.write(json.dumps({"ws": str(ws), "paths": args, "phase": phase, "nth": nth,
                                       "delay": delay}) + "\n")
        driver.stdin.flush()
        return json.loads(driver.stdout.readline())

    try:
        timed = tmp_path / "timed"
        shutil.copytree(base, timed)
        t0 = time.monotonic()
        assert run(timed, "none") == {"code": 0, "signal": None}
        whole = time.monotonic() - t0
        rnd = random.Random(SEED)
        moments = ([("run", 0, rnd.uniform(0, whole)) for _ in range(20)]
                   + [("archive", rnd.randrange(4), rnd.uniform(0, 0.02)) for _ in range(10)]
                   + [("copied", rnd.randrange(4), 0.0) for _ in range(5)]  # after the copy, before the commit
                   + [("commit", rnd.randrange(4), rnd.uniform(0, 0.4)) for _ in range(15)])
        killed, landed, reran, orphans, parts, intents = 0, {}, 0, 0, 0, 0
        for i, (phase, nth, delay) in enumerate(moments):
            ws = tmp_path / f"k{i}"
            shutil.copytree(base, ws)
            got = run(ws, phase, nth, delay)
            killed += got["signal"] == 9
            o, pt, jr = left_by_kill(ws)
            orphans, parts, intents = orphans + (o > 0), parts + (pt > 0), intents + (jr > 0)
            r = smi("status", "-w", ws)  # the next command: it opens the store for writing
            assert r.exit_code == 0, r.output
            assert_exactly_recorded(ws, f"kill {i} ({phase} {nth} +{delay:.3f}s), after `smi status`")
            after = content(ws)
            n = next((k for k, p in enumerate(prefixes) if p["tables"] == after["tables"]), None)
            assert n is not None, (f"kill {i} ({phase} {nth} +{delay:.3f}s) left a state no whole files give: "
                                   + "; ".join(f"{k}: tables {sorted(t for t in after['tables'] if after['tables'][t] != p['tables'][t])}"
                                               for k, p in enumerate(prefixes)))
            landed[n] = landed.get(n, 0) + 1
            r = smi("import", "--no-enrich", "-w", ws, *args)
            _clean(r)
            assert r.exit_code == 0, r.output
            assert_exactly_recorded(ws, f"kill {i} ({phase} {nth} +{delay:.3f}s), after the re-run")
            again = content(ws)
            assert again == clean, f"kill {i} ({phase} {nth} +{delay:.3f}s): the re-run did not converge"
            reran += 1
            shutil.rmtree(ws)
    finally:
        driver.stdin.close()  # type: ignore[union-attr]
        driver.wait(timeout=30)
        driver.stdout.close()  # type: ignore[union-attr]  # left open, its ResourceWarning failed a later test
    print(f"kills: {killed} of {KILLS} killed by SIGKILL; files landed before the kill: {sorted(landed.items())}; "
          f"re-runs converged: {reran}; kills that left a copy not recorded: {orphans}, a .part copy: {parts}, "
          f"an intent record: {intents} (each undone or kept by the next `smi status`)")
    assert reran == KILLS
    # most moments fall inside the import; a late one lets it finish (measured: 33 and 41 of 50)
    assert killed >= KILLS // 2
