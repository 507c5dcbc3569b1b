"""`smi forget`: an account or a person erased from the whole workspace, and kept out.

Hand counts on the real Mastodon archive (@dealingwith@indieweb.social), made with Python's
json module over outbox.json, independently of smi (see `_naming_mcg`):

    1,586 activities; 15 name @mcg@social.lol in any of its forms (`mcg@social.lol`,
    `social.lol/users/mcg`, `social.lol/@mcg`): 14 posts that mention them (Mention tags)
    and 1 boost of one of their posts. grep -o over the file: 14 `mcg@social.lol`,
    28 `social.lol/@mcg`, 66 `social.lol/users/mcg`.
"""

from __future__ import annotations

import json
from datetime import date

import pyarrow as pa
import pytest

from smi.canonical import SCHEMAS
from smi.workspace import Workspace

FOLDER = "mastodon-archive-dealingwith"
MCG_FORMS = ("mcg@social.lol", "social.lol/users/mcg", "social.lol/@mcg")


def _naming_mcg(items: list[dict]) -> list[dict]:
    return [i for i in items if any(f in json.dumps(i).lower() for f in MCG_FORMS)]


def _rows(ws, sql):
    with Workspace.open(ws) as w:
        return w.store.rows(sql)


def _archived(ws, name):
    return sorted(p for p in (ws / "archive").rglob(f"*-{name}") if p.is_file())


_BUILT: dict[str, object] = {}


@pytest.fixture
def mastodon_ws(tmp_path_factory, real, cli):
    """One imported archive, built once and copied per test (importing it takes seconds)."""
    if "ws" not in _BUILT:
        ws = tmp_path_factory.mktemp("forget") / "ws"
        cli("init", ws, "--name", "T", "--timezone", "UTC")
        cli("import", "--no-enrich", "-w", ws, real(FOLDER))
        _BUILT["ws"] = ws
    return _BUILT["ws"]


@pytest.fixture
def ws(mastodon_ws, tmp_path):
    import shutil

    dest = tmp_path / "ws"
    shutil.copytree(mastodon_ws, dest)
    return dest


def test_hand_count_of_the_mentioned_account(real):
    items = json.loads(real(FOLDER, "outbox.json").read_text())["orderedItems"]
    naming = _naming_mcg(items)
    assert len(items) == 1586 and len(naming) == 15
    assert sum(isinstance(i["object"], str) for i in naming) == 1  # the boost


def test_forget_a_mentioned_account(ws, cli, real):
    res = cli("forget", "-w", ws, "mastodon:@mcg@social.lol", "--yes")
    # their name was in 15 of the archive's activities: 15 posts and 15 raw items redacted
    assert "posts redacted: 15" in res.output and "raw items redacted: 15" in res.output
    assert "posts deleted" not in res.output  # the posts are the organisation's: they stay
    assert _rows(ws, "SELECT count(*) AS n FROM posts") == [{"n": 1586}]
    left = _rows(ws, "SELECT count(*) AS n FROM posts WHERE list_contains(mentions, 'mcg@social.lol') "
                     "OR text ILIKE '%@mcg%' OR in_reply_to ILIKE '%social.lol/users/mcg%'")
    assert left == [{"n": 0}]
    assert _rows(ws, "SELECT count(*) AS n FROM raw_items WHERE payload ILIKE '%mcg@social.lol%' "
                     "OR payload ILIKE '%social.lol/users/mcg%' OR payload ILIKE '%social.lol/@mcg%'") == [{"n": 0}]
    # one mention of someone else stays in the post that named both
    assert _rows(ws, "SELECT mentions FROM posts WHERE list_contains(mentions, 'starbreaker@libranet.de') "
                     "AND text LIKE '%[forgotten]%'") == [{"mentions": ["starbreaker@libranet.de"]}]
    # the archived outbox is rewritten (new hash), still JSON, every activity kept, none names them
    (outbox,) = _archived(ws, "outbox.json")
    assert outbox.read_bytes() != real(FOLDER, "outbox.json").read_bytes()
    items = json.loads(outbox.read_text())["orderedItems"]
    assert len(items) == 1586 and _naming_mcg(items) == []
    assert "archive rewritten: archive/78/7899" in res.output

    # an old export imported again (a new import: --as-of) does not bring them back
    res = cli("import", "--no-enrich", "--as-of", "2024-08-01", "-w", ws, real(FOLDER, "outbox.json"))
    assert "1,586 unchanged" in res.output
    assert _rows(ws, "SELECT count(*) AS n FROM posts WHERE list_contains(mentions, 'mcg@social.lol') "
                     "OR text ILIKE '%@mcg%'") == [{"n": 0}]
    (outbox,) = _archived(ws, "outbox.json")  # the copy the import made is rewritten too
    assert _naming_mcg(json.loads(outbox.read_text())["orderedItems"]) == []


def test_forget_the_archive_own_account(ws, cli, real, status):
    res = cli("forget", "-w", ws, "mastodon:@dealingwith@indieweb.social", "--yes")
    # 1,586 posts; raw items: the 1,586 activities and the actor
    assert "posts deleted: 1,586" in res.output and "raw items deleted: 1,587" in res.output
    assert "accounts deleted: 1" in res.output
    # all the files brought is gone: the archived copies are deleted, not rewritten
    assert _archived(ws, "outbox.json") == [] and _archived(ws, "actor.json") == []
    assert "archive deleted: archive/78/7899" in res.output
    res = cli("import", "--no-enrich", "--as-of", "2024-08-01", "-w", ws, real(FOLDER))
    # skipped: 1,586 posts and the account
    assert "1,587 rows of forgotten accounts or people skipped" in res.output
    assert status(ws)["platforms"] == {}
    assert _rows(ws, "SELECT count(*) AS n FROM raw_items") == [{"n": 0}]
    # the import kept nothing of the file: its archived copy is deleted again
    assert _archived(ws, "outbox.json") == [] and _archived(ws, "actor.json") == []


def _effort(ws, rows):
    with Workspace.open(ws) as w:
        writer = w.store.writer(source="test", name="log", unit_hash="h-" + rows[0]["entry_key"], files=[])
        writer.add("effort", pa.Table.from_pylist(rows, schema=SCHEMAS["effort"]))
        writer.commit()


def test_forget_a_person(make_ws, cli):
    ws = make_ws()
    cli("people", "add", "Ann Jones", "--handle", "x:@annj", "-w", ws)
    cli("people", "add", "Bob Lee", "-w", ws)
    day = date(2026, 3, 2)
    _effort(ws, [
        {"entry_key": "1", "person": "Ann Jones", "date": day, "minutes": 30.0, "note": "posts"},
        {"entry_key": "2", "person": "Bob Lee", "date": day, "minutes": 20.0, "note": "helped Ann Jones"},
        {"entry_key": "3", "person": "ann jones", "date": day, "minutes": 10.0},
    ])
    with Workspace.open(ws) as w:
        w.store.con.execute("INSERT INTO actions (action_id, title, owner) VALUES (1, 'call', 'Ann Jones')")
        w.store.con.execute("INSERT INTO initiatives (initiative_id, title, owner, created_at) VALUES "
                            "(7, 'podcast with Ann Jones', 'ann jones', now()), (8, 'tours', 'Bob Lee', now())")
    res = cli("forget", "Ann Jones", "-w", ws, "--yes")
    # the shortlist: her initiative keeps its row without her as owner or in its title
    assert "initiatives' owners cleared: 1" in res.output and "initiatives redacted: 1" in res.output
    assert _rows(ws, "SELECT initiative_id, title, owner FROM initiatives ORDER BY 1") == [
        {"initiative_id": 7, "title": "podcast with [forgotten]", "owner": None},
        {"initiative_id": 8, "title": "tours", "owner": "Bob Lee"}]
    # hand count: 2 of her entries (names compared without case), Bob's note redacted,
    # her x:annj account, her profile entry, the action's owner
    for line in ("time entries deleted: 2", "time entries redacted: 1", "accounts deleted: 1",
                 "people deleted: 1", "actions' owners cleared: 1", "workspace.toml entries removed: 1"):
        assert line in res.output
    assert "Ann" not in (ws / "workspace.toml").read_text() and "annj" not in (ws / "workspace.toml").read_text()
    assert _rows(ws, "SELECT person, note FROM effort") == [{"person": "Bob Lee", "note": "helped [forgotten]"}]
    assert _rows(ws, "SELECT account_id FROM accounts") == []
    assert _rows(ws, "SELECT kind, value FROM forgotten ORDER BY 1") == [
        {"kind": "account", "value": "x:annj"}, {"kind": "person", "value": "Ann Jones"}]
    # her time entries imported again stay out; Bob's come in
    _effort(ws, [{"entry_key": "4", "person": "ANN JONES", "date": day, "minutes": 5.0},
                 {"entry_key": "5", "person": "Bob Lee", "date": day, "minutes": 5.0, "note": "with Ann Jones"}])
    assert _rows(ws, "SELECT entry_key, note FROM effort ORDER BY 1") == [
        {"entry_key": "2", "note": "helped [forgotten]"}, {"entry_key": "5", "note": "with [forgotten]"}]


def test_no_confirmation_changes_nothing(make_ws, cli):
    ws = make_ws()
    cli("people", "add", "Ann Jones", "--handle", "x:@annj", "-w", ws)
    before = (ws / "workspace.toml").read_text()
    with Workspace.open(ws) as w:
        snap = w.store.snapshot()
    from typer.testing import CliRunner

    from smi.cli import app

    res = CliRunner().invoke(app, ["forget", "Ann Jones", "-w", str(ws)], input="n\n")
    assert res.exit_code == 1 and "nothing erased" in res.output
    assert (ws / "workspace.toml").read_text() == before
    with Workspace.open(ws) as w:
        assert w.store.snapshot() == snap


def test_unknown_person_is_a_clear_error(make_ws, cli):
    ws = make_ws()
    res = cli("forget", "Nobody Here", "-w", ws, "--yes", ok=False)
    assert res.exit_code == 1 and "no person called 'Nobody Here'" in res.output


def test_findings_and_cache_that_name_them_go(make_ws, cli):
    ws = make_ws()
    with Workspace.open(ws) as w:
        from smi.store.findings import save_month

        save_month(w.store, "2026-03", [
            {"id": "a", "detector": "d", "question": "Q4", "title": "@annj answers fastest"},
            {"id": "b", "detector": "d", "question": "Q2", "title": "videos do better"}], data_key="k")
    (ws / "cache").mkdir()
    (ws / "cache" / "month-2026-03.json").write_text('{"t": "@AnnJ"}')
    (ws / "cache" / "month-2026-02.json").write_text('{"t": "annjones"}')  # another word: kept
    (ws / "reports" / "2026-03.html").write_text("<p>x:@annj</p>")
    res = cli("forget", "x:@annj", "-w", ws, "--yes")
    assert "findings deleted: 1" in res.output and "month cache files deleted: 1" in res.output
    assert "1 report file(s) still name them" in res.output
    assert _rows(ws, "SELECT finding_id FROM findings") == [{"finding_id": "b"}]
    assert _rows(ws, "SELECT count(*) AS n FROM finding_runs") == [{"n": 0}]  # the month is computed again
    assert sorted(p.name for p in (ws / "cache").iterdir()) == ["month-2026-02.json"]
    res = cli("forget", "x:@annj", "-w", ws, "--yes", "--reports")
    assert "report deleted: reports/2026-03.html" in res.output
    assert not (ws / "reports" / "2026-03.html").exists()


def test_redaction_is_by_whole_word():
    """`annj` is redacted as a word, in any case; `annjones` is another word and stays."""
    from smi.store.forget import Target, py_pattern

    p = py_pattern(Target(accounts=["x:annj"]))
    assert p.sub("[forgotten]", "thanks @annj and @annjones, see x.com/AnnJ.") == \
        "thanks @[forgotten] and @annjones, see x.com/[forgotten]."


def test_a_zip_in_the_archive_is_rewritten_member_by_member(make_ws, cli):
    import zipfile

    ws = make_ws()
    z = ws / "archive" / "ab" / "ab12-export.zip"
    z.parent.mkdir(parents=True)
    with zipfile.ZipFile(z, "w") as out:
        out.writestr("a.json", '{"by": "@annj", "n": 1}')
        out.writestr("b.json", '{"by": "@bob"}')
        out.writestr("c.bin", b"\xff\xfe annj")  # not UTF-8: left as it is
    res = cli("forget", "x:@annj", "-w", ws, "--yes")
    assert "archive rewritten: archive/ab/ab12-export.zip -> archive/" in res.output
    (new,) = (ws / "archive").rglob("*-export.zip")
    with zipfile.ZipFile(new) as got:
        assert got.read("a.json") == b'{"by": "@[forgotten]", "n": 1}'
        assert got.read("b.json") == b'{"by": "@bob"}' and got.read("c.bin") == b"\xff\xfe annj"
