"""The archive copy and the rows are one unit (issue 14, item 3): the copy is made first (to
a temporary name, synced, renamed), then the rows commit; any failure leaves the store and
archive/ as they were, with a clear message, and a re-run imports the file whole."""

from __future__ import annotations

import errno
import os
import stat

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
        archive_dir = tmp_path / "archive"

    with pytest.raises(SourceError, match="changed while it was being imported"):
        _archive(Ws(), Unit(None, [f], f.name))  # type: ignore[arg-type]
    assert not Ws.archive_dir.exists()  # the folders made for it are gone too
