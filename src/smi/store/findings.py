"""Each month's findings (migration 0002's `findings` table): one row per finding, its JSON body.

Saving a month replaces that month's rows in one transaction, so re-running a month leaves
exactly its latest findings. `finding_runs` (migration 0006) records the key of the data a
month's findings were computed from, so a month is reused only while that data is unchanged.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smi.store.db import Store


# The tables findings are computed from (the practice records and the findings themselves are not).
DATA_TABLES = ("posts", "post_metrics", "interactions", "audience_daily", "effort", "accounts",
               "people", "topics", "keywords", "purpose_labels")


# What a month (smi.monthly) reads beside the data tables: the import log and the practice records.
PRACTICE_TABLES = ("imports", "meetings", "actions", "experiments", "survey_responses", "initiatives",
                   "initiative_scores")


def tables_fingerprint(store: Store, tables: tuple[str, ...]) -> str:
    """A digest of every row of `tables` (row count and XOR of row hashes per table)."""
    parts = []
    for table in tables:
        n, h = store.con.execute(f"SELECT count(*), coalesce(bit_xor(hash(t)), 0) FROM {table} t").fetchall()[0]
        parts.append(f"{table}:{n}:{h}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def data_fingerprint(store: Store) -> str:
    """A digest of every row of the data tables (row count and XOR of row hashes per table):
    equal whenever the data is, different after any import, re-map or enrichment that
    changed a row."""
    return tables_fingerprint(store, DATA_TABLES)


def save_month(store: Store, month: str, findings: list[dict[str, Any]], data_key: str | None = None) -> int:
    """Replace the month's stored findings with `findings` (dicts with id, detector, question)
    and record the key of the data they came from (None: forget it, so the month is computed again)."""
    if getattr(store, "read_only", False):  # a read-only workspace: shown, not remembered
        return len(findings)
    con = store.con
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM findings WHERE month = ?", [month])
        con.execute("DELETE FROM finding_runs WHERE month = ?", [month])
        if data_key is not None:
            con.execute("INSERT INTO finding_runs VALUES (?, ?, ?)", [month, data_key, datetime.now(UTC)])
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


def run_key(store: Store, month: str) -> str | None:
    """The data key the month's stored findings were computed from (None: not computed)."""
    rows = store.rows("SELECT data_key FROM finding_runs WHERE month = ?", [month])
    return rows[0]["data_key"] if rows else None


def first_data_day(store: Store) -> Any:
    """The earliest instant or day of any post, interaction, audience day or time entry (None: no data)."""
    rows = store.rows(
        "SELECT min(d) AS d FROM (SELECT min(published_at)::DATE AS d FROM posts UNION ALL "
        "SELECT min(created_at)::DATE FROM interactions UNION ALL SELECT min(date) FROM audience_daily "
        "UNION ALL SELECT min(date) FROM effort)")
    return rows[0]["d"]


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
