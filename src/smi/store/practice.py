"""The practice records (migration 0002): meetings, actions, experiments, findings.

Small functions taking the `Store`, so `db.py` stays about imports. IDs come from one
sequence (`practice_ids`) shared by every practice table.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smi.store.db import Store


def _one(store: Store, sql: str, params: list[Any]) -> Any:
    rows = store.con.execute(sql, params).fetchall()
    return rows[0][0] if rows else None


# -- meetings -----------------------------------------------------------------------------------
def add_meeting(store: Store, held_on: date, attendees: list[str], notes: str | None) -> int:
    return _one(
        store,
        "INSERT INTO meetings (held_on, attendees, notes) VALUES (?, ?, ?) RETURNING meeting_id",
        [held_on, attendees, notes],
    )


def meetings(store: Store) -> list[dict[str, Any]]:
    return store.rows(
        "SELECT m.meeting_id, m.held_on, m.attendees, m.notes, "
        "(SELECT count(*) FROM actions a WHERE a.meeting_id = m.meeting_id) AS actions "
        "FROM meetings m ORDER BY m.held_on, m.meeting_id"
    )


def meeting_exists(store: Store, meeting_id: int) -> bool:
    return bool(_one(store, "SELECT count(*) FROM meetings WHERE meeting_id = ?", [meeting_id]))


# -- findings (written by the report) -----------------------------------------------------------
def finding_ids(store: Store, prefix: str) -> list[str]:
    """The stored findings' ids that start with `prefix` (a short id as reports print it)."""
    return [r["finding_id"] for r in store.rows(
        "SELECT DISTINCT finding_id FROM findings WHERE starts_with(finding_id, ?) ORDER BY finding_id", [prefix])]


# -- actions ------------------------------------------------------------------------------------
def add_action(
    store: Store, *, title: str, owner: str | None, due: date | None, meeting_id: int | None,
    finding_id: str | None, created_at: datetime,
) -> int:
    return _one(
        store,
        "INSERT INTO actions (meeting_id, title, owner, due, finding_id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING action_id",
        [meeting_id, title, owner, due, finding_id, created_at],
    )


def action(store: Store, action_id: int) -> dict[str, Any] | None:
    rows = actions(store, where="action_id = ?", params=[action_id])
    return rows[0] if rows else None


def actions(store: Store, *, open_only: bool = False, where: str | None = None,
            params: list[Any] | None = None) -> list[dict[str, Any]]:
    cond = [c for c in (where, "status IN ('open', 'in_progress')" if open_only else None) if c]
    sql = (
        "SELECT action_id, meeting_id, title, owner, due, status, finding_id, created_at, done_at "
        "FROM actions" + (" WHERE " + " AND ".join(cond) if cond else "")
        + " ORDER BY due NULLS LAST, action_id"
    )
    return store.rows(sql, params or [])


def set_action_done(store: Store, action_id: int, when: datetime) -> None:
    store.con.execute(
        "UPDATE actions SET status = 'done', done_at = ? WHERE action_id = ?", [when, action_id]
    )


def set_action_status(store: Store, action_id: int, status: str, done_at: datetime | None) -> None:
    store.con.execute("UPDATE actions SET status = ?, done_at = ? WHERE action_id = ?", [status, done_at, action_id])


# -- experiments --------------------------------------------------------------------------------
def add_experiment(
    store: Store, *, title: str, hypothesis: str | None, metric: str, subject: dict[str, str],
    starts_on: date, ends_on: date, agreed_on: date | None = None,
) -> int:
    return _one(
        store,
        "INSERT INTO experiments (title, hypothesis, metric, subject, starts_on, ends_on, agreed_on) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING experiment_id",
        [title, hypothesis, metric, json.dumps(subject, sort_keys=True), starts_on, ends_on, agreed_on],
    )


def experiments(store: Store) -> list[dict[str, Any]]:
    rows = store.rows(
        "SELECT experiment_id, title, hypothesis, metric, subject, starts_on, ends_on, status, result "
        "FROM experiments ORDER BY starts_on, experiment_id"
    )
    for r in rows:
        r["subject"] = json.loads(r["subject"]) if r["subject"] else {}
        r["result"] = json.loads(r["result"]) if r["result"] else None
    return rows


def set_experiment_result(store: Store, experiment_id: int, status: str, result: dict[str, Any] | None) -> None:
    store.con.execute(
        "UPDATE experiments SET status = ?, result = ? WHERE experiment_id = ?",
        [status, json.dumps(result, sort_keys=True) if result is not None else None, experiment_id],
    )


def time_entries(store: Store, person: str, limit: int = 20) -> list[dict[str, Any]]:
    """A person's latest time entries (the effort table), newest first."""
    return store.rows("SELECT date, minutes, platform, activity, note FROM effort "
                      "WHERE person = ? ORDER BY date DESC, entry_key LIMIT ?", [person, limit])


def effort_entries(store: Store, person: str, start: date, end: date) -> list[dict[str, Any]]:
    """A person's time entries from `start` to before `end`, by date then when logged."""
    return store.rows("SELECT entry_key, date, minutes, coalesce(platform, '') AS platform, activity, note, source "
                      "FROM effort WHERE person = ? AND date >= ? AND date < ? ORDER BY date, entry_key",
                      [person, start, end])


def effort_entry(store: Store, person: str, entry_key: str) -> dict[str, Any] | None:
    rows = store.rows("SELECT entry_key, date, minutes, coalesce(platform, '') AS platform, activity, note, source "
                      "FROM effort WHERE person = ? AND entry_key = ?", [person, entry_key])
    return rows[0] if rows else None


def correct_effort(store: Store, person: str, entry_key: str, *, day: date, minutes: float,
                   platform: str | None, activity: str) -> int:
    """Correct one of a person's time entries in place (its key kept) and remember that it
    was corrected by hand, so importing its source row again does not undo it (migration
    0014). Returns rows changed."""
    store.con.execute("BEGIN TRANSACTION")
    try:
        n = _one(store, "UPDATE effort SET date = ?, minutes = ?, platform = ?, activity = ? "
                        "WHERE person = ? AND entry_key = ? RETURNING 1",
                 [day, minutes, platform or None, activity, person, entry_key]) or 0
        if n:
            _mark_corrected(store, entry_key, "corrected")
        store.con.execute("COMMIT")
    except BaseException:
        store.con.execute("ROLLBACK")
        raise
    return n


def remove_effort(store: Store, person: str, entry_key: str) -> int:
    """Remove one of a person's time entries and remember it, so importing its source row
    again does not bring it back (migration 0014). Returns rows removed."""
    store.con.execute("BEGIN TRANSACTION")
    try:
        n = _one(store, "DELETE FROM effort WHERE person = ? AND entry_key = ? RETURNING 1",
                 [person, entry_key]) or 0
        if n:
            _mark_corrected(store, entry_key, "removed")
        store.con.execute("COMMIT")
    except BaseException:
        store.con.execute("ROLLBACK")
        raise
    return n


def _mark_corrected(store: Store, entry_key: str, kind: str) -> None:
    store.con.execute(
        "INSERT INTO effort_corrections VALUES (?, ?, now()) ON CONFLICT (entry_key) "
        "DO UPDATE SET kind = excluded.kind, changed_at = excluded.changed_at", [entry_key, kind])


def effort_corrections(store: Store) -> dict[str, str]:
    """The entries corrected or removed by hand: entry key -> 'corrected' | 'removed'."""
    return {r["entry_key"]: r["kind"] for r in store.rows("SELECT entry_key, kind FROM effort_corrections")}


def keep_corrections(con: Any, staged: set[str], *, by_hand: bool = False) -> int:
    """Inside an import's transaction, before its merge: drop the staged time entries a
    person corrected or removed by hand, so the correction stands (the held row, or its
    absence). Returns the number dropped. `by_hand`: the rows were typed by a person (the
    web app's time log): a removed entry they type again counts again (its mark is lifted);
    a corrected one stays as corrected (typing the first version again never undoes it)."""
    if "effort" not in staged:
        return 0
    if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'effort_corrections' "
                       "AND table_schema = 'main'").fetchall()[0][0]:
        return 0  # a store opened at an older version (Store(upto=...))
    if by_hand:
        con.execute("DELETE FROM effort_corrections WHERE kind = 'removed' "
                    "AND entry_key IN (SELECT entry_key FROM stage_effort)")
    return con.execute("DELETE FROM stage_effort s WHERE EXISTS "
                       "(SELECT 1 FROM effort_corrections c WHERE c.entry_key = s.entry_key)").fetchall()[0][0]
