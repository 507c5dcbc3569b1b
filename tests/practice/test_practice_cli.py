"""Meetings, actions and experiments through the CLI: round trips with exact output, and
validation errors that name the field and the fix."""

from __future__ import annotations

import json

import pytest

from smi.practice import PracticeError
from smi.practice.actions import add_action
from smi.practice.experiments import start_experiment
from smi.workspace import Workspace


def _lines(result) -> list[str]:  # type: ignore[no-untyped-def]
    return result.stdout.strip().splitlines()


def test_meeting_add_and_list(make_ws, cli, tmp_path):
    ws = make_ws()
    notes = tmp_path / "notes.md"
    notes.write_text("# July meeting\nAgreed: reply faster on Facebook.\n", encoding="utf-8")
    r = cli("meeting", "add", "--date", "2025-07-01", "--attendees", "Ann Jones, Bob Price,", "--notes", notes, "-w", ws)
    assert _lines(r) == ["added meeting 1 on 2025-07-01 (2 attendees)"]
    r = cli("meeting", "add", "--date", "2025-06-03", "-w", ws)
    assert _lines(r) == ["added meeting 2 on 2025-06-03 (0 attendees)"]
    cli("action", "add", "Reply within a day", "--meeting", "1", "-w", ws)
    listing = cli("meeting", "list", "-w", ws).stdout
    assert listing.strip().endswith("2 meetings")
    rows = [ln for ln in listing.splitlines() if ln.startswith("│")]
    cells = [[c.strip() for c in ln.split("│")[1:5]] for ln in rows]
    assert cells == [  # oldest first; one line each
        ["2", "2025-06-03", "", "0"],
        ["1", "2025-07-01", "Ann Jones, Bob Price", "1"],
    ]
    with Workspace.open(ws) as w:
        held = w.store.rows("SELECT held_on, attendees, notes FROM meetings WHERE meeting_id = 1")[0]
    assert held["attendees"] == ["Ann Jones", "Bob Price"]
    assert held["notes"] == notes.read_text(encoding="utf-8")


def test_action_round_trip(make_ws, cli):
    ws = make_ws()
    cli("people", "add", "Ann Jones", "-w", ws)
    r = cli("action", "add", "Reply to Facebook questions daily", "--owner", "ann jones", "--due", "2025-07-15", "-w", ws)
    assert _lines(r) == ["added action 1 for Ann Jones, due 2025-07-15: Reply to Facebook questions daily"]
    r = cli("action", "add", "Try reels", "--owner", "Zed", "--due", "2025-07-08", "-w", ws)
    assert _lines(r) == ["added action 2 for Zed, due 2025-07-08: Try reels"]
    assert "warning: --owner: 'Zed' is not a person in workspace.toml (people: Ann Jones)" in r.stderr
    assert 'smi people add "Zed"' in r.stderr
    r = cli("action", "add", "Write a social media policy", "-w", ws)
    assert _lines(r) == ["added action 3: Write a social media policy"]

    assert _lines(cli("action", "done", "2", "-w", ws)) == ["action 2 done: Try reels"]
    assert _lines(cli("action", "done", "2", "-w", ws)) == ["action 2 was already done: Try reels"]

    all_ = json.loads(cli("action", "list", "--format", "json", "-w", ws).stdout)
    assert [(a["id"], a["due"], a["owner"], a["status"]) for a in all_] == [
        (2, "2025-07-08", "Zed", "done"), (1, "2025-07-15", "Ann Jones", "open"), (3, None, None, "open"),
    ]
    assert all_[0]["done_at"] is not None and all_[1]["done_at"] is None
    open_ = json.loads(cli("action", "list", "--open", "--format", "json", "-w", ws).stdout)
    assert [a["id"] for a in open_] == [1, 3]
    table = cli("action", "list", "--open", "-w", ws).stdout
    assert table.strip().endswith("2 actions, 2 open")
    assert "Reply to Facebook questions daily" in table and "Try reels" not in table


@pytest.mark.parametrize(
    ("args", "field", "fix"),
    [
        (["--due", "2025-13-01"], "--due", "YYYY-MM-DD"),
        (["--due", "next week"], "--due", "YYYY-MM-DD"),
        (["--meeting", "99"], "--meeting", "smi meeting list"),
        (["--from-finding", "q5-facebook-time"], "--from-finding", "smi report --month"),
    ],
)
def test_action_validation(make_ws, cli, args, field, fix):
    ws = make_ws()
    r = cli("action", "add", "Something", *args, "-w", ws, ok=False)
    assert r.exit_code == 1
    assert r.stderr.startswith(f"error: {field}: ")
    assert "fix:" in r.stderr and fix in r.stderr
    assert json.loads(cli("action", "list", "--format", "json", "-w", ws).stdout) == []


def test_action_done_unknown(make_ws, cli):
    ws = make_ws()
    r = cli("action", "done", "7", "-w", ws, ok=False)
    assert r.exit_code == 1
    assert "there is no action 7" in r.stderr and "smi action list" in r.stderr


def test_action_from_a_stored_finding(make_ws, cli):
    ws = make_ws()
    with Workspace.open(ws) as w:
        w.store.con.execute(
            "INSERT INTO findings VALUES ('2025-06', 'q5-facebook-time', 'time_sink', 'Q5', '{}')")
        a, warnings = add_action(w, "Move an hour a week from Facebook to Instagram", finding_id="q5-facebook-time")
        assert warnings == []
        assert w.store.rows("SELECT finding_id FROM actions")[0]["finding_id"] == "q5-facebook-time"
    assert a.as_dict()["finding"] == "q5-facebook-time"


def test_action_from_a_short_finding_id(make_ws, cli):
    """Reports print a finding's first six characters: that (or a longer prefix) finds it."""
    ws = make_ws()
    with Workspace.open(ws) as w:
        for fid in ("abc123def0", "abc123ff00", "9f8e7d6c5b"):
            w.store.con.execute("INSERT INTO findings VALUES ('2025-06', ?, 'change', 'Q3', '{}')", [fid])
    r = cli("action", "add", "Answer faster", "--from-finding", "9F8E7D", "-w", ws)
    assert r.exit_code == 0
    with Workspace.open(ws) as w:
        assert w.store.rows("SELECT finding_id FROM actions")[0]["finding_id"] == "9f8e7d6c5b"
    r = cli("action", "add", "Something", "--from-finding", "abc123", "-w", ws, ok=False)
    assert r.exit_code == 1 and "starts 2 findings' ids: abc123def0, abc123ff00" in r.stderr
    assert "more characters" in r.stderr
    r = cli("action", "add", "Something", "--from-finding", "9f8", "-w", ws, ok=False)  # too short to trust
    assert r.exit_code == 1 and "there is no finding '9f8'" in r.stderr


def test_experiment_start_and_list(make_ws, cli):
    ws = make_ws()
    r = cli("experiment", "start", "Post bilingually on Instagram", "--hypothesis", "Bilingual posts do better",
            "--metric", "engagement_rate_impressions", "--subject", "lang=cy+en", "--platform", "ig",
            "--from", "2025-07-01", "--to", "2025-07-28", "--agreed-on", "2025-06-30", "-w", ws)
    assert _lines(r) == ["started experiment 1: Post bilingually on Instagram (language=cy+en on instagram, "
                         "engagement_rate_impressions, 2025-07-01 to 2025-07-28)"]
    listed = json.loads(cli("experiment", "list", "--format", "json", "-w", ws).stdout)
    assert listed == [{
        "id": 1, "title": "Post bilingually on Instagram", "hypothesis": "Bilingual posts do better",
        "metric": "engagement_rate_impressions", "subject": {"language": "cy+en", "platform": "instagram"},
        "from": "2025-07-01", "to": "2025-07-28", "status": "running", "verdict": None, "result": None,
    }]
    table = cli("experiment", "list", "-w", ws).stdout
    assert "running" in table and table.strip().endswith("1 experiment")
    # An empty workspace: judged, with nothing to judge on.
    r = cli("experiment", "evaluate", "--month", "2025-07", "-w", ws)
    assert _lines(r) == ["experiment 1: too little data: Post bilingually on Instagram",
                         "judged 1 experiment, 0 running"]
    r = cli("experiment", "evaluate", "--month", "2025-06", "-w", ws)  # started after June
    assert _lines(r) == ["judged 0 experiments, 0 running"]
    listed = json.loads(cli("experiment", "list", "--format", "json", "-w", ws).stdout)
    assert listed[0]["status"] == "ended" and listed[0]["verdict"] == "too little data"
    assert listed[0]["result"]["n_subject"] == 0


@pytest.mark.parametrize(
    ("kw", "field", "fix"),
    [
        ({"metric": "engagment_rate"}, "--metric", "smi metrics"),
        ({"metric": "inbound_questions"}, "--metric", "engagement_rate_impressions"),
        ({"metric": "posts_per_week"}, "--subject", "--subject platform=facebook"),  # frequency: per platform
        ({"agreed_on": "2025-09-01"}, "--from", "on or after 2025-08-25"),  # window chosen afterwards
        ({"agreed_on": None}, "--from", "--agreed-on"),  # default: agreed today, long after 2025-07
        ({"subject": "colour=red"}, "--subject", "format, language"),
        ({"subject": "video"}, "--subject", "--subject format=video"),
        ({"subject": "hour=24"}, "--subject", "0 to 23"),
        ({"from_": "2025-7-1"}, "--from", "YYYY-MM-DD"),
        ({"to": "2025-06-30"}, "--to", "on or after --from"),
        ({"platform": "myspace"}, "--platform", "instagram"),
        ({"subject": "platform=x", "platform": "x"}, "--platform", "drop --platform"),
    ],
)
def test_experiment_validation(make_ws, kw, field, fix):
    args = {"hypothesis": None, "metric": "engagement_rate_impressions", "subject": "format=video",
            "from_": "2025-07-01", "to": "2025-07-28", "platform": None, "agreed_on": "2025-06-30", **kw}
    with Workspace.open(make_ws()) as w:
        with pytest.raises(PracticeError) as e:
            start_experiment(w, "Try it", **args)
        assert e.value.field == field
        assert str(e.value).startswith(f"{field}: ")
        assert fix in (e.value.fix or "")
        assert w.store.rows("SELECT count(*) AS n FROM experiments")[0]["n"] == 0


def test_experiment_cli_error(make_ws, cli):
    ws = make_ws()
    r = cli("experiment", "start", "x", "--metric", "engagement_rate_impressions", "--subject", "colour=red",
            "--from", "2025-07-01", "--to", "2025-07-28", "-w", ws, ok=False)
    assert r.exit_code == 1
    assert r.stderr.startswith("error: --subject: metric engagement_rate_impressions cannot be broken down by 'colour'")
    assert "fix: use one of: platform, account_id, person" in r.stderr


def test_action_statuses_open_in_progress_done_dropped(make_ws, cli):
    """Each of the four statuses set through `smi action status`; open and in progress are
    still to do (`--open`), done and dropped are not; a status that is none of them is named."""
    ws = make_ws()
    for title in ("Write a policy", "Try reels", "Answer daily", "Buy ads"):
        cli("action", "add", title, "-w", ws)
    assert _lines(cli("action", "status", "2", "in-progress", "-w", ws)) == ["action 2 in progress (was open): Try reels"]
    assert _lines(cli("action", "status", "3", "done", "-w", ws)) == ["action 3 done (was open): Answer daily"]
    assert _lines(cli("action", "status", "4", "dropped", "-w", ws)) == ["action 4 dropped (was open): Buy ads"]
    assert _lines(cli("action", "status", "4", "drop", "-w", ws)) == ["action 4 was already dropped: Buy ads"]
    all_ = json.loads(cli("action", "list", "--format", "json", "-w", ws).stdout)
    assert [(a["id"], a["status"]) for a in all_] == [(1, "open"), (2, "in_progress"), (3, "done"), (4, "dropped")]
    assert [a["done_at"] is not None for a in all_] == [False, False, True, False]
    still = json.loads(cli("action", "list", "--open", "--format", "json", "-w", ws).stdout)
    assert [a["id"] for a in still] == [1, 2]
    assert cli("action", "list", "-w", ws).stdout.strip().endswith("4 actions, 1 open, 1 in progress, 1 dropped")
    # done reopened: no longer done, its time cleared
    assert _lines(cli("action", "status", "3", "open", "-w", ws)) == ["action 3 open (was done): Answer daily"]
    assert json.loads(cli("action", "list", "--format", "json", "-w", ws).stdout)[2]["done_at"] is None
    r = cli("action", "status", "1", "finished", "-w", ws, ok=False)
    assert r.exit_code == 1 and "STATUS: 'finished' is not an action status" in r.stderr
    assert "open, in-progress, done, dropped" in r.stderr
    r = cli("action", "status", "9", "done", "-w", ws, ok=False)
    assert "there is no action 9" in r.stderr


def test_action_statuses_in_the_reports_words():
    """The report's action lines and register say each status in English and in Welsh (the
    Welsh words from the report's catalogue, written here by hand)."""
    from smi.monthly import actions_due
    from smi.report.i18n import Words
    from smi.report.insights import ACTION_STATUS
    from smi.report.render import action_line

    a = {"id": 1, "title": "Try reels", "owner": "Ann", "due": None}
    said = {lang: [action_line(Words(lang), {**a, "status": st}) for st in ("open", "in_progress", "done", "dropped")]
            for lang in ("en", "cy")}
    assert said["en"] == [f"Try reels (Ann, no due date, {w})" for w in ("open", "in progress", "done", "dropped")]
    assert [line.rsplit(", ", 1)[1] for line in said["cy"]] == ["ar agor)", "ar waith)", "wedi'i wneud)",
                                                                 "wedi'i roi heibio)"]
    assert set(ACTION_STATUS) == {"open", "in_progress", "done", "dropped"}
    # an action in progress is still due; a dropped one is not
    from datetime import date

    acts = [{"id": i, "status": st, "due": "2025-07-02"} for i, st in enumerate(("open", "in_progress", "done", "dropped"))]
    assert actions_due(acts, date(2025, 6, 30)) == [0, 1]
