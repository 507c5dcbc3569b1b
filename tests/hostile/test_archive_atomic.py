"""The archive copy and the rows are one unit (issue 14, item 3): the copy is made first (to
a temporary name, synced, renamed), then the rows commit; any failure leaves the store and
archive/ as they were, with a clear message, and a re-run imports the file whole."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from smi.errors import SourceError

from .test_hostile import fingerprint, gen, smi


@pytest.fixture
def ws(make_ws, cli, tmp_path):
    path = make_ws()
    cli("import", "--no-enrich", "-w", path, _first(tmp_path))
    return path


def _first(tmp_path):
    return gen._posts(tmp_path / "first", "2026-07-02T10:00:00Z")


def _second(tmp_path):
    return gen._csv(tmp_path / "second" / "posts.csv", gen.POSTS_HEADER,
                    [["x", "s-1", "ourtheatre", "2026-07-05T10:00:00Z", "second", "2026-08-01T00:00:00Z", "5"]])


def _archived(ws):
    return sorted(p.relative_to(ws / "archive").as_posix() for p in (ws / "archive").rglob("*") if p.is_file())


def test_full_disk_during_the_copy_changes_nothing(ws, tmp_path, monkeypatch):
    before = fingerprint(ws)

    def full(fd):  # the disk fills as the copy is flushed
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    r = smi("import", "--no-enrich", "-w", ws, _second(tmp_path))
    monkeypatch.undo()
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "cannot be copied into the archive" in r.output and "No space left on device" in r.output
    assert fingerprint(ws) == before  # no rows, no copy, no .part file
    again = smi("import", "--no-enrich", "-w", ws, _second(tmp_path))  # space freed: it lands whole
    assert again.exit_code == 0 and "posts 1 new" in again.output
    assert len(_archived(ws)) == 2


def test_a_failed_commit_removes_the_copy(ws, tmp_path, monkeypatch):
    from smi.store.db import ImportWriter

    before = fingerprint(ws)

    def broken(self):  # e.g. the disk fills during the merge
        raise SourceError("store.duckdb", "could not be written (disk full)")

    monkeypatch.setattr(ImportWriter, "commit", broken)
    r = smi("import", "--no-enrich", "-w", ws, _second(tmp_path))
    monkeypatch.undo()
    assert r.exit_code == 1 and "disk full" in r.output
    assert fingerprint(ws) == before
    assert smi("import", "--no-enrich", "-w", ws, _second(tmp_path)).exit_code == 0
    assert len(_archived(ws)) == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder; "
                    "archive-is-a-file in test_hostile.py covers the same path as root")
def test_read_only_archive(ws, tmp_path):
    archive = ws / "archive"
    before = fingerprint(ws)
    modes = {p: p.stat().st_mode for p in [archive, *archive.rglob("*")] if p.is_dir()}
    for p in modes:
        p.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        r = smi("import", "--no-enrich", "-w", ws, _second(tmp_path))
    finally:
        for p, m in modes.items():
            p.chmod(m)
    assert r.exit_code == 1 and "cannot be copied into the archive" in r.output
    assert fingerprint(ws) == before


def test_long_file_name_is_archived_under_a_name_that_fits(ws, tmp_path):
    name = "b" * 240 + ".csv"  # 244 bytes: with the 65 of the hash, over the 255-byte limit
    src = gen._posts(tmp_path / "long", "2026-07-03T10:00:00Z", name="posts.csv")
    long = src.with_name(name.replace(".csv", "-posts.csv"))
    src.rename(long)
    r = smi("import", "--no-enrich", "-w", ws, long)
    assert r.exit_code == 0, r.output
    copies = [p for p in _archived(ws) if "bbbb" in p]
    assert len(copies) == 1 and copies[0].endswith("~.csv") and len(copies[0].split("/")[1].encode()) == 200
    assert (ws / "archive" / copies[0]).read_bytes() == long.read_bytes()
    assert "already imported" in smi("import", "--no-enrich", "-w", ws, long).output


def test_a_file_that_changes_while_imported_is_not_archived_under_its_old_hash(tmp_path):
    from smi.importer import _archive
    from smi.sources import Unit, expand

    f = expand([_first(tmp_path)])[0]
    f._sha256 = "0" * 64  # the hash taken before the file grew

    class Ws:
        root = tmp_path
        archive_dir = tmp_path / "archive"

    with pytest.raises(SourceError, match="changed while it was being imported"):
        _archive(Ws(), Unit(None, [f], f.name), "unit")  # type: ignore[arg-type]
    assert not Ws.archive_dir.exists()  # the folders made for it are gone too
    assert not list((tmp_path / ".journal").iterdir())  # and its intent record


def _killed_after_the_copy(ws, path) -> None:  # type: ignore[no-untyped-def]
    """Run `smi import` in a child killed by SIGKILL just after the archive copy is made, before
    its rows commit (kill_driver.py's "copied" moment)."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    driver = Path(__file__).resolve().parent / "kill_driver.py"
    req = {"ws": str(ws), "paths": [str(path)], "phase": "copied", "nth": 0, "delay": 0.0}
    out = subprocess.run([sys.executable, str(driver)], input=json.dumps(req) + "\n", capture_output=True,
                         text=True, timeout=120, check=True).stdout
    assert json.loads(out) == {"code": None, "signal": 9}, out


@pytest.mark.parametrize("command", ["status", "import", "backup"])
def test_a_kill_between_the_copy_and_the_commit_is_undone_by_the_next_command(ws, tmp_path, command):
    """Before the intent journal the copy stayed for good (`status`, `backup`: copied into the
    backup too) or until the same file was imported again; now the next command that opens
    the store for writing removes it (the import did not commit)."""
    before = fingerprint(ws)
    second = _second(tmp_path)
    _killed_after_the_copy(ws, second)
    left = [p for p in _archived(ws) if p not in {Path(n).relative_to("archive").as_posix()
                                                  for n, d in before["archive"].items() if d != "dir"}]
    assert len(left) == 1 and list((ws / ".journal").iterdir()), left  # the kill left a copy and its record
    other = gen._csv(tmp_path / "third" / "posts.csv", gen.POSTS_HEADER,
                     [["x", "t-1", "ourtheatre", "2026-07-06T10:00:00Z", "third", "2026-08-01T00:00:00Z", "5"]])
    args = {"status": ["status"], "import": ["import", "--no-enrich", other], "backup": ["backup", tmp_path / "bk"]}
    r = smi(*args[command], "-w", ws)
    assert r.exit_code == 0, r.output
    after = fingerprint(ws)
    if command == "import":  # the third file landed, with its copy; the killed one's copy is gone
        assert len(_archived(ws)) == len(_archived_of(before)) + 1 and not any(
            p.endswith(left[0].split("/")[1]) for p in _archived(ws))
    else:
        assert after == before
    assert not list((ws / ".journal").iterdir())
    if command == "backup":
        assert sorted(p.relative_to(tmp_path / "bk" / "archive").as_posix()
                      for p in (tmp_path / "bk" / "archive").rglob("*") if p.is_file()) == _archived(ws)
    again = smi("import", "--no-enrich", "-w", ws, second)  # the killed file lands whole
    assert again.exit_code == 0 and "posts 1 new" in again.output, again.output
    assert left[0] in _archived(ws)


def test_a_kill_after_the_commit_keeps_the_copy(ws, tmp_path):
    """The record of an import that committed (killed before it was removed) is completed: the
    copy stays, the record goes."""
    from smi import journal
    from smi.importer import archive_path
    from smi.sources import expand
    from smi.workspace import Workspace

    second = _second(tmp_path)
    assert smi("import", "--no-enrich", "-w", ws, second).exit_code == 0
    f = expand([second])[0]
    copy = archive_path(Workspace.open(ws), f)
    record = journal.begin(ws, "unit", [(copy, f.sha256())], [])  # as a kill before journal.end leaves it
    journal._ACTIVE.discard(record)  # written by "another" process
    before = fingerprint(ws)
    assert smi("status", "-w", ws).exit_code == 0
    assert fingerprint(ws) == before and copy.exists() and not record.exists()


def _archived_of(fp: dict) -> list[str]:
    return [n for n, d in fp["archive"].items() if d != "dir"]


def test_a_recorded_import_whose_copy_is_missing_gets_it_back_on_the_re_run(ws, tmp_path):
    """Issue 14 item 3: when the copy was lost after the commit, the re-run said "already
    imported" and the copy was never made. Now the unchanged import makes it (whole, by its
    content hash) and says the file is already imported."""
    first = _first(tmp_path)
    (copy,) = [ws / "archive" / p for p in _archived(ws)]
    copy.unlink()
    r = smi("import", "--no-enrich", "-w", ws, first)
    assert r.exit_code == 0 and "already imported" in r.output, r.output
    assert copy.read_bytes() == first.read_bytes()
    assert not list((ws / ".journal").iterdir())
