"""Workspace creation and the profile: the CLI edits it and keeps the user's comments."""

from __future__ import annotations

import tomllib

import pytest

from smi.errors import ProfileError, WorkspaceError
from smi.workspace import Workspace


def test_init_creates_the_parts(tmp_path, cli):
    ws = tmp_path / "org"
    r = cli("init", ws, "--name", "Theatr Bach", "--timezone", "Europe/London", "--language", "cy", "--language", "en")
    assert "created workspace for Theatr Bach" in r.stdout
    assert (ws / "workspace.toml").is_file()
    assert (ws / "store.duckdb").is_file()
    assert (ws / "archive").is_dir() and (ws / "reports").is_dir()
    prof = tomllib.loads((ws / "workspace.toml").read_text())
    assert prof["organisation"] == {"name": "Theatr Bach", "timezone": "Europe/London", "languages": ["cy", "en"]}


def test_init_refuses_an_existing_workspace(tmp_path, cli):
    cli("init", tmp_path / "org", "--name", "A")
    r = cli("init", tmp_path / "org", "--name", "B", ok=False)
    assert r.exit_code == 1
    assert "already a workspace" in r.stderr


def test_bad_timezone_names_the_field(tmp_path, cli):
    r = cli("init", tmp_path / "org", "--name", "A", "--timezone", "Europe/Cardiff", ok=False)
    assert r.exit_code == 1
    assert "organisation.timezone" in r.stderr and "Europe/Cardiff" in r.stderr


def test_accounts_and_people_edit_the_profile_keeping_comments(tmp_path, cli):
    ws = tmp_path / "org"
    cli("init", ws, "--name", "A")
    path = ws / "workspace.toml"
    path.write_text(path.read_text() + "\n# our own note, keep me\n")
    cli("accounts", "add", "x:@OurCharity", "--official", "-w", ws)
    cli("accounts", "add", "mastodon:@us@example.social", "-w", ws)
    r = cli("people", "add", "Ceri Jones", "--handle", "x:@CeriJ", "--handle", "instagram:ceri.j", "--role", "Marketing", "-w", ws)
    assert "added Ceri Jones (2 handles)" in r.stdout
    r = cli("people", "add", "Ceri Jones", "--handle", "bluesky:@ceri.bsky.social", "-w", ws)
    assert "updated Ceri Jones" in r.stdout
    text = path.read_text()
    assert "# our own note, keep me" in text
    assert "# Staff who post as themselves" in text  # the template's comments survive
    prof = tomllib.loads(text)
    assert [(a["platform"], a["handle"]) for a in prof["accounts"]] == [("x", "ouRcharity".lower()), ("mastodon", "us@example.social")]
    assert prof["people"][0]["handles"] == ["x:@cerij", "instagram:@ceri.j", "bluesky:@ceri.bsky.social"]
    # the store mirrors the profile
    w = Workspace.open(ws)
    rows = w.store.rows("SELECT account_id, is_official, person FROM accounts ORDER BY 1")
    assert rows == [
        {"account_id": "bluesky:ceri.bsky.social", "is_official": False, "person": "Ceri Jones"},
        {"account_id": "instagram:ceri.j", "is_official": False, "person": "Ceri Jones"},
        {"account_id": "mastodon:us@example.social", "is_official": True, "person": None},
        {"account_id": "x:cerij", "is_official": False, "person": "Ceri Jones"},
        {"account_id": "x:ourcharity", "is_official": True, "person": None},
    ]


def test_bad_handle_is_explained(tmp_path, cli):
    ws = tmp_path / "org"
    cli("init", ws, "--name", "A")
    r = cli("accounts", "add", "myspace:@us", "-w", ws, ok=False)
    assert r.exit_code == 1 and "'myspace' is not a platform" in r.stderr and "x, mastodon" in r.stderr
    r = cli("accounts", "add", "ourcharity", "-w", ws, ok=False)
    assert "platform:@handle" in r.stderr


def test_broken_profile_names_the_line(tmp_path, cli):
    ws = tmp_path / "org"
    cli("init", ws, "--name", "A")
    (ws / "workspace.toml").write_text('[organisation]\nname = "A"\ntimezone = \n')
    with pytest.raises(ProfileError, match="line 3"):
        Workspace.open(ws)


def test_not_a_workspace(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SMI_WORKSPACE", raising=False)
    r = cli("status", ok=False)
    assert r.exit_code == 1 and "is not a workspace" in r.stderr and "smi init" in r.stderr
    with pytest.raises(WorkspaceError):
        Workspace.open(tmp_path)


def test_smi_workspace_environment_variable(tmp_path, cli, monkeypatch):
    ws = tmp_path / "org"
    cli("init", ws, "--name", "A")
    monkeypatch.setenv("SMI_WORKSPACE", str(ws))
    r = cli("status", "--json")
    assert '"imports": 0' in r.stdout


def test_an_account_from_its_own_export_is_official_unless_the_profile_says(real, make_ws, cli):
    """The real X archive of @RTIatMLA (an organisation's account): 70 tweets, 12 of them
    retweets (PROVENANCE.md). Imported with nothing declared, its account is official and its
    posts count; declared as a member of staff's handle, it is theirs and not counted."""
    from smi.metrics.api import run

    ws = make_ws()
    cli("import", "--no-enrich", real("x-archive-rtiatmla", "data"), "-w", ws)
    listing = cli("accounts", "list", "-w", ws).stdout
    assert "1 official, 0 staff, 0 unassigned" in listing and "imported from its own export" in listing
    with Workspace.open(ws) as w:
        assert w.store.rows("SELECT is_official, person FROM accounts WHERE account_id = 'x:rtiatmla'") == [
            {"is_official": True, "person": None}]
        # October 2021 (9 tweets in tweet.js): every post is the organisation's
        rows = run(w, "posts", by="person", month="2021-10").rows()
        assert [r["person"] for r in rows] == ["official"] and rows[0]["value"] > 0
    cli("people", "add", "Ceri Jones", "--handle", "x:@RTIatMLA", "-w", ws)
    listing = cli("accounts", "list", "-w", ws).stdout
    assert "0 official, 1 staff, 0 unassigned" in listing
    with Workspace.open(ws) as w:
        assert w.store.rows("SELECT is_official, person FROM accounts WHERE account_id = 'x:rtiatmla'") == [
            {"is_official": False, "person": "Ceri Jones"}]
