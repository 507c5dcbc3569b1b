"""The learning survey's answers: rows in `survey_responses` (migrations 0002 and 0012).
Small functions taking the `Store`, as store/initiatives.py. An answer row reads as
{person, round, item, score, text, answered_at}."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smi.store.db import Store

READ = ("SELECT person, round, question AS item, CAST(answer AS INTEGER) AS score, note AS text, answered_at "
        "FROM survey_responses WHERE round IS NOT NULL")


def write_answers(store: Store, person: str, round_: str, answered_at: datetime, taken_on: date,
                  answers: list[tuple[str, int | None, str | None]]) -> int:
    """Store one person's answers for a round (item, score, text), replacing what they gave
    in that round before; one transaction. Returns the number of answers stored."""
    store.con.execute("BEGIN TRANSACTION")
    try:
        store.con.execute("DELETE FROM survey_responses WHERE person = ? AND round = ?", [person, round_])
        for item, score, text in answers:
            store.con.execute(
                "INSERT INTO survey_responses (person, taken_on, question, answer, note, round, answered_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", [person, taken_on, item, score, text, round_, answered_at])
        store.con.execute("COMMIT")
    except Exception:
        store.con.execute("ROLLBACK")
        raise
    return len(answers)


def answers(store: Store) -> list[dict[str, Any]]:
    """Every answer, by round, person, item."""
    return store.rows(READ + " ORDER BY round, person, item")


def last_rounds(store: Store) -> dict[str, str]:
    """Each person's latest round (YYYY-MM)."""
    return {r["person"]: r["round"] for r in store.rows(
        "SELECT person, max(round) AS round FROM survey_responses WHERE round IS NOT NULL GROUP BY person")}
