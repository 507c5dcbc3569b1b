"""`smi initiative add/score/list/close`: the shortlist kept across meetings (migration 0009)."""

from __future__ import annotations

import json

import pytest

from smi.workspace import Workspace


@pytest.fixture
def ws(make_ws, cli):
    path = make_ws()
    cli("people", "add", "Ceri Jones", "-w", path)
    with Workspace.open(path) as w:
        for fid in ("9f8e7d6c5b", "9f8e110000", "a1b2c3d4e5"):
            w.store.con.execute("INSERT INTO findings VALUES ('2025-06', ?, 'relationships', 'Q1', '{}')", [fid])
    return path


def _board(cli, ws, *args):
    return json.loads(cli("initiative", "list", "--format", "json", *args, "-w", ws).stdout)


def test_add_score_close_and_the_board_order(ws, cli):
    r = cli("initiative", "add", "Partner spotlight", "--owner", "ceri jones", "--impact", "4", "--effort", "2",
            "--finding", "a1b2c3", "-w", ws)
    assert "added initiative" in r.stdout and "for Ceri Jones" in r.stdout and "1 finding" in r.stdout
    cli("initiative", "add", "Podcast", "--impact", "5", "--effort", "5", "-w", ws)
    cli("initiative", "add", "Welsh captions", "-w", ws)  # not scored yet: last
    board = _board(cli, ws)
    # impact/effort: spotlight 4/2 = 2.0, podcast 5/5 = 1.0, captions unscored
    assert [(b["title"], b["priority"]) for b in board] == [
        ("Partner spotlight", 2.0), ("Podcast", 1.0), ("Welsh captions", None)]
    assert board[0]["owner"] == "Ceri Jones" and board[0]["findings"] == ["a1b2c3d4e5"]
    podcast = board[1]["id"]
    r = cli("initiative", "score", str(podcast), "--impact", "5", "--effort", "2", "--note", "guests found", "-w", ws)
    assert "was impact 5, effort 5" in r.stdout
    # podcast 5/2 = 2.5 now leads; equal ratios would go by impact
    assert [b["title"] for b in _board(cli, ws)] == ["Podcast", "Partner spotlight", "Welsh captions"]
    cli("initiative", "close", str(podcast), "--outcome", "3 episodes, 40 listens each", "-w", ws)
    assert [b["title"] for b in _board(cli, ws)] == ["Partner spotlight", "Welsh captions"]
    closed = [b for b in _board(cli, ws, "--all") if b["status"] != "open"]
    assert [(b["title"], b["status"], b["outcome"]) for b in closed] == [
        ("Podcast", "done", "3 episodes, 40 listens each")]
    assert "was already done" in cli("initiative", "close", str(podcast), "-w", ws).stdout
    # every scoring is kept, for "what moved since the last meeting"
    from smi.practice.initiatives import history

    with Workspace.open(ws) as w:
        h = history(w, podcast)
    assert [(x["impact"], x["effort"], x["note"]) for x in h] == [(5, 5, None), (5, 2, "guests found")]


@pytest.mark.parametrize(("args", "field", "fix"), [
    (["--impact", "6", "--effort", "1"], "--impact", "1 (low) to 5 (high)"),
    (["--impact", "3"], "--impact/--effort", "score both"),
    (["--finding", "9f8e"], "--finding", "more characters"),  # starts two findings' ids
    (["--finding", "ffff00"], "--finding", "smi findings"),
])
def test_bad_values_name_the_field_and_change_nothing(ws, cli, args, field, fix):
    r = cli("initiative", "add", "Something", *args, "-w", ws, ok=False)
    assert r.exit_code == 1
    assert field in r.output and fix in r.output
    assert _board(cli, ws) == []


def test_closed_or_missing_initiatives(ws, cli):
    cli("initiative", "add", "Podcast", "-w", ws)
    cli("initiative", "close", "1", "--as", "dropped", "-w", ws)
    r = cli("initiative", "score", "1", "--impact", "2", "--effort", "2", "-w", ws, ok=False)
    assert r.exit_code == 1 and "closed (dropped)" in r.output
    r = cli("initiative", "close", "99", "-w", ws, ok=False)
    assert r.exit_code == 1 and "no initiative 99" in r.output
    r = cli("initiative", "close", "1", "--as", "finished", "-w", ws, ok=False)
    assert "done or dropped" in r.output


def test_what_moved_since_the_last_meeting(ws, cli):
    cli("initiative", "add", "Podcast", "--impact", "5", "--effort", "5", "-w", ws)
    cli("initiative", "add", "Spotlight", "--impact", "3", "--effort", "2", "-w", ws)
    cli("initiative", "add", "Captions", "-w", ws)
    with Workspace.open(ws) as w:  # all three were agreed at a meeting in May
        w.store.con.execute("UPDATE initiatives SET created_at = TIMESTAMPTZ '2025-05-10 10:00:00+00'")
        w.store.con.execute("UPDATE initiative_scores SET scored_at = TIMESTAMPTZ '2025-05-10 10:00:00+00'")
    cli("initiative", "score", "1", "--impact", "5", "--effort", "2", "-w", ws)  # now, after 1 June
    cli("initiative", "score", "3", "--impact", "2", "--effort", "1", "-w", ws)  # first scored now
    cli("initiative", "close", "2", "--as", "dropped", "-w", ws)
    cli("initiative", "add", "Newsletter", "-w", ws)
    r = cli("initiative", "list", "--since", "2025-06-01", "-w", ws)
    assert "since 2025-06-01: 1 added, 2 scored again, 1 closed" in r.stdout
    assert "Podcast: impact 5 -> 5, effort 5 -> 2" in r.stdout
    assert "Captions: first scored, impact 2, effort 1" in r.stdout
    assert "Spotlight: dropped" in r.stdout
    bad = cli("initiative", "list", "--since", "June", "-w", ws, ok=False)
    assert bad.exit_code == 1 and "--since" in bad.output


def test_the_board_at_a_months_end_and_linked_actions_done(ws, cli):
    """A timeline written by hand (UTC): three initiatives agreed on 10 May; after the meeting
    of 1 June, Podcast is scored again on 5 June, Spotlight closed on 20 June and its linked
    action done on 15 June; Newsletter added on 25 June; and on 2 July (after June) Podcast
    is scored again and closed. At the end of June the board holds Podcast (5/2), Captions
    (unscored), Newsletter (2/1); from 1 June to 1 July: 1 added, 1 scored again, 1 closed,
    1 linked action done (action 2, done 14 May, is before the window)."""
    from datetime import UTC, datetime

    from smi.practice.actions import add_action
    from smi.practice.initiatives import (
        add_initiative,
        board_at,
        close_initiative,
        link_initiative,
        moves_since,
        score_initiative,
    )
    from smi.store import practice as records

    def t(month: int, day: int) -> datetime:
        return datetime(2025, month, day, 12, tzinfo=UTC)

    with Workspace.open(ws) as w:
        a1, _ = add_action(w, "Book the guests")
        a2, _ = add_action(w, "Draft the spotlight")
        a3, _ = add_action(w, "Ask partners")
        pod, _ = add_initiative(w, "Podcast", impact=5, effort=5, actions=[a1.action_id], at=t(5, 10))
        spot, _ = add_initiative(w, "Spotlight", impact=3, effort=2, at=t(5, 10))
        cap, _ = add_initiative(w, "Captions", at=t(5, 10))
        link_initiative(w, spot.initiative_id, actions=[a2.action_id, a3.action_id])
        records.set_action_done(w.store, a2.action_id, t(5, 14))
        score_initiative(w, pod.initiative_id, impact=5, effort=2, at=t(6, 5))
        records.set_action_done(w.store, a3.action_id, t(6, 15))
        close_initiative(w, spot.initiative_id, status="done", outcome="4 partners", at=t(6, 20))
        add_initiative(w, "Newsletter", impact=2, effort=1, at=t(6, 25))
        score_initiative(w, pod.initiative_id, impact=1, effort=5, at=t(7, 2))
        close_initiative(w, pod.initiative_id, status="dropped", at=t(7, 2))
        june_end = t(7, 1).replace(hour=0)
        board = board_at(w, june_end)
        moves = moves_since(w, t(6, 1).replace(hour=0), june_end)
        # Captions is on the board unscored; Podcast with its June scores, open then
        assert [(i.title, i.impact, i.effort, i.status) for i in board] == [
            ("Podcast", 5, 2, "open"), ("Newsletter", 2, 1, "open"), ("Captions", None, None, "open")]
        assert [i.title for i in moves.added] == ["Newsletter"]
        assert [(i.title, b, n) for i, b, n in moves.rescored] == [("Podcast", (5, 5), (5, 2))]
        assert [(i.title, i.status, i.outcome) for i in moves.closed] == [("Spotlight", "done", "4 partners")]
        assert [(i.title, a["title"]) for i, a in moves.actions_done] == [("Spotlight", "Ask partners")]
        assert board_at(w, t(5, 10)) == []  # nothing agreed yet
    assert cap.initiative_id
    r = cli("initiative", "link", str(pod.initiative_id), "--action", "99", "-w", ws, ok=False)
    assert r.exit_code == 1 and "no action 99" in r.output and "smi action list" in r.output
    r = cli("initiative", "link", str(pod.initiative_id), "--action", str(a3.action_id), "-w", ws)
    assert "2 actions" in r.stdout
