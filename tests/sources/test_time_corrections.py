"""A time entry corrected or removed by hand (the web app's time log) stays corrected or
removed when an overlapping Toggl or Clockify report is imported again, through the
library and the `smi` CLI; a genuinely new row of the report is still added; an entry a
person types again by hand counts again (issue 12)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from smi.importer import run_import
from smi.sources.base import ImportOptions
from smi.store.practice import correct_effort, effort_corrections, remove_effort
from smi.workspace import Workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "time_logs"
TOGGL = FIXTURES / "toggl_detailed.csv"
CLOCKIFY = FIXTURES / "clockify_detailed.csv"


def _rows(ws_path: Path, sql: str) -> list[dict]:
    with Workspace.open(ws_path) as ws:
        return ws.store.rows(sql)


def _with_a_new_row(report: Path, out: Path) -> None:
    """The report again (an overlapping export) plus one new entry: its first row with
    another description, so its key differs."""
    rows = list(csv.reader(io.StringIO(report.read_text(encoding="utf-8"))))
    new = list(rows[1])
    new[rows[0].index("Description")] = "A new entry, not in the first export"
    out.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([*rows, new])
    out.write_text(buf.getvalue(), encoding="utf-8")


@pytest.mark.parametrize(("report", "rows"), [(TOGGL, 6), (CLOCKIFY, 4)])  # data rows, counted in the files by hand
def test_a_correction_and_a_removal_by_hand_stand_when_the_report_comes_again(make_ws, tmp_path, cli, report, rows):
    ws = make_ws("UTC")
    with Workspace.open(ws) as w:
        (first,) = run_import(w, [report]).results
    assert first.counts["effort"]["new"] == rows
    held = _rows(ws, "SELECT entry_key, person FROM effort ORDER BY date, minutes, entry_key")
    fixed, gone = held[0], held[-1]
    with Workspace.open(ws) as w:
        assert correct_effort(w.store, fixed["person"], fixed["entry_key"], day=date(2026, 7, 20), minutes=99,
                              platform="x", activity="plan") == 1
        assert remove_effort(w.store, gone["person"], gone["entry_key"]) == 1
        assert effort_corrections(w.store) == {fixed["entry_key"]: "corrected", gone["entry_key"]: "removed"}

    again = tmp_path / "again" / report.name
    _with_a_new_row(report, again)
    out = cli("import", "-w", str(ws), str(again)).output
    # staged: the file's rows + 1 new; the 2 changed by hand are kept out, the rest are as held
    assert "effort 1 new, 0 updated, " + f"{rows - 2} unchanged" in out, out
    assert "2 time entries kept as corrected by hand" in out, out

    after = {r["entry_key"]: r for r in _rows(ws, "SELECT entry_key, date::VARCHAR AS d, minutes, platform, activity, note "
                                                  "FROM effort")}
    assert len(after) == rows  # one removed, one new
    assert gone["entry_key"] not in after
    assert (after[fixed["entry_key"]]["d"], after[fixed["entry_key"]]["minutes"], after[fixed["entry_key"]]["platform"],
            after[fixed["entry_key"]]["activity"]) == ("2026-07-20", 99.0, "x", "plan")
    assert [r["note"] for r in after.values()].count("A new entry, not in the first export") == 1
    # the CLI's own read of the store counts the same
    assert f"{rows} time entries" in cli("status", "-w", str(ws)).output


def test_an_entry_removed_then_typed_again_by_hand_counts_again(make_ws, tmp_path):
    """The web app's time log writes an effort.csv with `by_hand`: typing a removed entry
    again is a person's new word, not a report coming back."""
    ws = make_ws("UTC")
    typed = tmp_path / "web-effort.csv"
    typed.write_text("person,date,minutes,platform,activity,note\nMari Jones,2026-07-06,60,x,create,weekly grid\n",
                     encoding="utf-8")
    with Workspace.open(ws) as w:
        run_import(w, [typed], options=ImportOptions(by_hand=True))
        (key,) = [r["entry_key"] for r in w.store.rows("SELECT entry_key FROM effort")]
        remove_effort(w.store, "Mari Jones", key)
        # the same file as an upload (not by hand): the removal stands
        (up,) = run_import(w, [typed]).results
        assert up.counts["corrected"] == {"kept": 1} and w.store.rows("SELECT count(*) n FROM effort")[0]["n"] == 0
        (res,) = run_import(w, [typed], options=ImportOptions(by_hand=True)).results
        assert res.status == "imported" and res.counts["effort"]["new"] == 1
        assert effort_corrections(w.store) == {}  # the mark is lifted: a later upload leaves it as typed


def test_an_entry_corrected_then_typed_again_by_hand_stays_corrected(make_ws, tmp_path):
    """Seen walking the demo: a grid entry of 1.5 h corrected to 2 h, then the same 1.5 h
    typed in the grid again, was put back to 1.5 h without a word. Now the correction
    stands and the typed row counts as already logged."""
    ws = make_ws("UTC")
    typed = tmp_path / "web-effort.csv"
    typed.write_text("person,date,minutes,platform,activity,note\nMari Jones,2026-07-06,90,x,create,weekly grid\n",
                     encoding="utf-8")
    with Workspace.open(ws) as w:
        run_import(w, [typed], options=ImportOptions(by_hand=True))
        (key,) = [r["entry_key"] for r in w.store.rows("SELECT entry_key FROM effort")]
        correct_effort(w.store, "Mari Jones", key, day=date(2026, 7, 6), minutes=120, platform="x", activity="create")
        (res,) = run_import(w, [typed], options=ImportOptions(by_hand=True)).results
        assert res.counts["corrected"] == {"kept": 1} and res.counts["effort"] == {"new": 0, "updated": 0, "unchanged": 0}
        assert w.store.rows("SELECT minutes FROM effort") == [{"minutes": 120.0}]
        assert effort_corrections(w.store) == {key: "corrected"}
