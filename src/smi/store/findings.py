"""Each month's findings (migration 0002's `findings` table): one row per finding, its JSON body.

Saving a month replaces that month's rows in one transaction, so re-running a month leaves
exactly its latest findings.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smi.store.db import Store


def save_month(store: Store, month: str, findings: list[dict[str, Any]]) -> int:
    """Replace the month's stored findings with `findings` (dicts with id, detector, question)."""
    con = store.con
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM findings WHERE month = ?", [month])
        for f in findings:
            con.execute(
                "INSERT INTO findings (month, finding_id, detector, question, body) VALUES (?, ?, ?, ?, ?)",
                [month, f["id"], f["detector"], f["question"], json.dumps(f, sort_keys=True, default=str)],
            )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return len(findings)


def month_findings(store: Store, month: str) -> list[dict[str, Any]]:
    """The month's stored findings (their JSON bodies), in the order they were ranked."""
    rows = store.rows("SELECT body FROM findings WHERE month = ? ORDER BY rowid", [month])
    return [json.loads(r["body"]) for r in rows]


def months_of(store: Store, ids: list[str], before: str) -> dict[str, list[str]]:
    """For each id, the months before `before` whose stored findings hold it, oldest first."""
    if not ids:
        return {}
    rows = store.rows(
        "SELECT finding_id, list(month ORDER BY month) AS months FROM findings "
        "WHERE month < ? AND list_contains(?, finding_id) GROUP BY finding_id",
        [before, ids],
    )
    return {r["finding_id"]: list(r["months"]) for r in rows}
