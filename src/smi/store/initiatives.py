"""The initiatives shortlist (migration 0009): rows in `initiatives`, each scoring kept in
`initiative_scores`. Small functions taking the `Store`, as store/practice.py."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smi.store.db import Store

COLUMNS = ("initiative_id, title, owner, impact, effort, status, findings, created_at, closed_at, outcome, "
           "actions, experiments")


def add_initiative(store: Store, *, title: str, owner: str | None, impact: int | None, effort: int | None,
                   findings: list[str], created_at: datetime, actions: list[int] | None = None,
                   experiments: list[int] | None = None) -> int:
    store.con.execute("BEGIN TRANSACTION")
    try:
        rows = store.con.execute(
            "INSERT INTO initiatives (title, owner, impact, effort, findings, created_at, actions, experiments) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING initiative_id",
            [title, owner, impact, effort, findings, created_at, actions or [], experiments or []]).fetchall()
        iid = int(rows[0][0])
        if impact is not None and effort is not None:
            store.con.execute("INSERT INTO initiative_scores VALUES (?, ?, ?, ?, NULL)",
                              [iid, created_at, impact, effort])
        store.con.execute("COMMIT")
    except Exception:
        store.con.execute("ROLLBACK")
        raise
    return iid


def initiative(store: Store, initiative_id: int) -> dict[str, Any] | None:
    rows = store.rows(f"SELECT {COLUMNS} FROM initiatives WHERE initiative_id = ?", [initiative_id])
    return rows[0] if rows else None


def initiatives(store: Store, *, open_only: bool = False) -> list[dict[str, Any]]:
    return store.rows(
        f"SELECT {COLUMNS} FROM initiatives" + (" WHERE status = 'open'" if open_only else "")
        + " ORDER BY initiative_id")


def score_initiative(store: Store, initiative_id: int, impact: int, effort: int, note: str | None,
                     when: datetime) -> None:
    store.con.execute("BEGIN TRANSACTION")
    try:
        store.con.execute("UPDATE initiatives SET impact = ?, effort = ? WHERE initiative_id = ?",
                          [impact, effort, initiative_id])
        store.con.execute("INSERT INTO initiative_scores VALUES (?, ?, ?, ?, ?)",
                          [initiative_id, when, impact, effort, note])
        store.con.execute("COMMIT")
    except Exception:
        store.con.execute("ROLLBACK")
        raise


def scores(store: Store, initiative_id: int) -> list[dict[str, Any]]:
    return store.rows("SELECT scored_at, impact, effort, note FROM initiative_scores WHERE initiative_id = ? "
                      "ORDER BY scored_at", [initiative_id])


def close_initiative(store: Store, initiative_id: int, status: str, outcome: str | None, when: datetime) -> None:
    store.con.execute("UPDATE initiatives SET status = ?, outcome = ?, closed_at = ? WHERE initiative_id = ?",
                      [status, outcome, when, initiative_id])


def link_initiative(store: Store, initiative_id: int, *, findings: list[str], actions: list[int],
                    experiments: list[int]) -> None:
    """Set the findings, actions and experiments an initiative links (whole lists)."""
    store.con.execute("UPDATE initiatives SET findings = ?, actions = ?, experiments = ? WHERE initiative_id = ?",
                      [findings, actions, experiments, initiative_id])


def existing_ids(store: Store, table: str, ids: list[int]) -> set[int]:
    """Which of `ids` are rows of `actions` or `experiments`."""
    column = {"actions": "action_id", "experiments": "experiment_id"}[table]
    rows = store.con.execute(f"SELECT {column} FROM {table} WHERE list_contains(?, {column})", [ids]).fetchall()
    return {int(r[0]) for r in rows}
