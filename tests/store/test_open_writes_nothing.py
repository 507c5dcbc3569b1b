"""Opening a workspace writes nothing to its store while the profile is unchanged
(Store.sync_profile mirrors the profile only when it differs). The web server tells another
process's write from its own by the store's files (size and time); when every open wrote
the profile again, each page that opened the workspace looked like an outside write."""

from __future__ import annotations

from pathlib import Path

from smi.workspace import Workspace


def _files(path: Path) -> list[tuple[int, int] | None]:
    out: list[tuple[int, int] | None] = []
    for name in ("store.duckdb", "store.duckdb.wal"):
        f = path / name
        out.append((f.stat().st_mtime_ns, f.stat().st_size) if f.exists() else None)
    return out


def _open_and_close(path: Path) -> None:
    ws = Workspace.open(path)
    ws.store  # noqa: B018 (opens it and mirrors the profile)
    ws.close()


def test_opening_writes_nothing_until_the_profile_changes(make_ws, cli):
    path = make_ws()
    cli("accounts", "add", "x:@ourtheatre", "-w", path)
    cli("accounts", "add", "mastodon:@theatre@example.social", "--not-official", "-w", path)
    cli("people", "add", "Elin Prys", "--handle", "x:@elinprys", "--role", "Marketing officer",
        "--cost-per-hour", "18.5", "-w", path)
    _open_and_close(path)  # the profile mirrored once
    before = _files(path)
    for _ in range(3):
        _open_and_close(path)
    assert _files(path) == before

    # a changed profile is mirrored: the store is written, and holds it
    cli("people", "add", "Owain Davies", "--handle", "mastodon:@owain@example.social", "-w", path)
    _open_and_close(path)
    assert _files(path) != before
    with Workspace.open(path) as ws:
        got = ws.store.rows("SELECT platform, is_official, person FROM accounts WHERE person IS NOT NULL "
                            "ORDER BY person")
        assert got == [{"platform": "x", "is_official": False, "person": "Elin Prys"},
                       {"platform": "mastodon", "is_official": False, "person": "Owain Davies"}]
