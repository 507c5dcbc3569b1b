"""Erasing an account or a person from the store (`smi forget`), and keeping them out.

`erase` deletes every row that is theirs (their posts and those posts' numbers, interactions
from them or on their posts, their audience days, accounts, people, time entries, survey
answers, raw items keyed by them, findings that name them) and redacts them where they
appear in rows that stay (other posts' text, mentions, links and reply targets; notes;
import names and warnings): each match becomes `[forgotten]`. It records a tombstone
(migration 0010), and `skip_forgotten` applies the same rules to the rows an import has
staged, so importing an old export again does not bring them back.

Matching (`text_pattern`): the handle as a whole word, case-insensitive (`user@instance`
for Mastodon, plus its profile URLs `instance/users/user` and `instance/@user` and the
`@user` form a post's text shows); a person by their name as whole words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smi.store.db import Store

REDACTED = "[forgotten]"


@dataclass
class Target:
    """Who is forgotten: account ids (`platform:handle`) and person names."""

    accounts: list[str] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)

    def needles(self) -> list[str]:
        out: list[str] = []
        for acc in self.accounts:
            platform, handle = acc.split(":", 1)
            out.append(handle)
            if platform == "mastodon" and "@" in handle:
                user, host = handle.split("@", 1)
                out += [f"{host}/users/{user}", f"{host}/@{user}", f"@{user}"]
        out += self.persons
        # longest first, so `user@instance` wins over `@user`
        return sorted({n for n in out if n}, key=lambda s: (-len(s), s))


def text_pattern(target: Target) -> str:
    """An RE2 pattern (DuckDB) with three groups: the character before, the match, the one after."""
    alts = "|".join(re.escape(n) for n in target.needles())
    return rf"(^|[^\w])({alts})($|[^\w@])"


def py_pattern(target: Target) -> re.Pattern[str]:
    """The same match for Python (files): lookarounds instead of captured neighbours."""
    alts = "|".join(re.escape(n) for n in target.needles())
    return re.compile(rf"(?<!\w)(?:{alts})(?![\w@])", re.IGNORECASE)


def _redact(col: str) -> str:
    # Twice: a match's neighbour is consumed, so `@a @a` needs a second pass for the second.
    once = f"regexp_replace({col}::VARCHAR, $p, '\\1{REDACTED}\\3', 'gi')"
    return f"regexp_replace({once}, $p, '\\1{REDACTED}\\3', 'gi')"


def _matches(col: str) -> str:
    return f"coalesce(regexp_matches({col}::VARCHAR, $p, 'i'), FALSE)"


def _redact_cols(con: Any, table: str, cols: list[str], lists: list[str], pattern: str,
                 where: str = "TRUE") -> int:
    """Redact text columns and list-of-text columns of the rows of `table` that match."""
    sets = [f"{c} = {_redact(c)}" for c in cols]
    sets += [f"{c} = list_transform({c}, lambda x: {_redact('x')})" for c in lists]
    cond = " OR ".join([_matches(c) for c in cols]
                       + [f"list_bool_or(list_transform({c}, lambda x: {_matches('x')}))" for c in lists])
    cur = con.execute(f"UPDATE {table} SET {', '.join(sets)} WHERE ({where}) AND ({cond})", {"p": pattern})
    return cur.fetchall()[0][0]


def _count(con: Any, sql: str, params: Any = None) -> int:
    return con.execute(sql, params or []).fetchall()[0][0]


def _handles(target: Target) -> list[str]:
    return [a.split(":", 1)[1] for a in target.accounts]


def persons_accounts(store: Store, person: str) -> tuple[str | None, list[str]]:
    """The stored spelling of a person (people or time entries; case-insensitive) and the
    accounts the store links to them."""
    rows = store.con.execute(
        "SELECT person FROM people WHERE lower(person) = lower(?) UNION "
        "SELECT person FROM effort WHERE lower(person) = lower(?) UNION "
        "SELECT person FROM survey_responses WHERE lower(person) = lower(?) LIMIT 1",
        [person, person, person]).fetchall()
    accounts = [r[0] for r in store.con.execute(
        "SELECT account_id FROM accounts WHERE lower(person) = lower(?) ORDER BY 1", [person]).fetchall()]
    return (rows[0][0] if rows else None), accounts


def erase(store: Store, target: Target) -> dict[str, int]:
    """Delete and redact `target` everywhere in the store, in one transaction, and record the
    tombstone. Returns counts by what was done (e.g. "posts deleted": 12)."""
    con = store.con
    p = text_pattern(target)
    a, h = target.accounts, _handles(target)
    persons = [x.lower() for x in target.persons]
    n: dict[str, int] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE f_posts AS SELECT post_key, native_id FROM posts "
                    "WHERE list_contains($a, account_id)", {"a": a})
        con.execute(
            "CREATE OR REPLACE TEMP TABLE f_inter AS SELECT interaction_key, native_id FROM interactions i "
            "WHERE list_contains($a, platform || ':' || lower(ltrim(author, '@'))) "
            "OR list_contains($a, lower(author)) OR post_key IN (SELECT post_key FROM f_posts)", {"a": a})
        n["posts deleted"] = con.execute(
            "DELETE FROM posts WHERE post_key IN (SELECT post_key FROM f_posts)").fetchall()[0][0]
        n["post snapshots deleted"] = con.execute(
            "DELETE FROM post_metrics WHERE post_key IN (SELECT post_key FROM f_posts)").fetchall()[0][0]
        n["interactions deleted"] = con.execute(
            "DELETE FROM interactions WHERE interaction_key IN (SELECT interaction_key FROM f_inter)"
        ).fetchall()[0][0]
        # raw items: those that are the deleted rows (keyed by their id) or keyed by them go;
        # the others that name them are redacted
        n["raw items deleted"] = con.execute(
            # keyed by a deleted row's id (a Mastodon activity: the status id + "/activity"), or by them
            "DELETE FROM raw_items r WHERE item_key IS NOT NULL AND (item_key IN ("
            "SELECT native_id FROM f_posts UNION ALL SELECT native_id || '/activity' FROM f_posts "
            "UNION ALL SELECT native_id FROM f_inter) "
            f"OR {_matches('r.item_key')})", {"p": p}).fetchall()[0][0]
        n["raw items redacted"] = _redact_cols(con, "raw_items", ["payload"], [], p)
        # mentions of them in posts that stay
        posts_touched = _count(
            con, "SELECT count(*) FROM posts WHERE list_bool_or(list_transform(mentions, lambda m: "
            "list_contains($a, platform || ':' || lower(ltrim(m, '@'))))) OR "
            + " OR ".join(_matches(c) for c in ("text", "url", "in_reply_to", "extra"))
            + f" OR list_bool_or(list_transform(links, lambda x: {_matches('x')}))", {"a": a, "p": p})
        con.execute(
            "UPDATE posts SET mentions = list_filter(mentions, lambda m: NOT list_contains($a, platform || ':' || "
            "lower(ltrim(m, '@')))) WHERE list_bool_or(list_transform(mentions, lambda m: "
            "list_contains($a, platform || ':' || lower(ltrim(m, '@')))))", {"a": a})
        _redact_cols(con, "posts", ["text", "url", "in_reply_to", "extra"], ["links"], p)
        n["posts redacted"] = posts_touched
        n["interactions redacted"] = _redact_cols(con, "interactions", ["text", "in_reply_to", "extra"], [], p)
        n["audience days deleted"] = con.execute(
            "DELETE FROM audience_daily WHERE list_contains($a, account_id)", {"a": a}).fetchall()[0][0]
        n["accounts deleted"] = con.execute(
            "DELETE FROM accounts WHERE list_contains($a, account_id) OR list_contains($q, lower(person))",
            {"a": a, "q": persons}).fetchall()[0][0]
        n["pull cursors deleted"] = con.execute(
            "DELETE FROM pull_state WHERE list_contains($h, lower(ltrim(account, '@')))", {"h": h}).fetchall()[0][0]
        # a person: their own records
        q = {"q": persons}
        n["people deleted"] = con.execute("DELETE FROM people WHERE list_contains($q, lower(person))", q).fetchall()[0][0]
        n["time entries deleted"] = con.execute(
            "DELETE FROM effort WHERE list_contains($q, lower(person))", q).fetchall()[0][0]
        n["survey answers deleted"] = con.execute(
            "DELETE FROM survey_responses WHERE list_contains($q, lower(person))", q).fetchall()[0][0]
        n["time entries redacted"] = _redact_cols(con, "effort", ["note"], [], p)
        n["stakeholders deleted"] = con.execute(
            "DELETE FROM stakeholders WHERE list_contains($a, platform || ':' || lower(ltrim(handle, '@'))) "
            "OR list_contains($q, lower(name))", {"a": a, "q": persons}).fetchall()[0][0]
        held = con.execute("UPDATE stakeholders SET holder = NULL WHERE list_contains($q, lower(holder))", q).fetchall()[0][0]
        held += con.execute(
            "UPDATE stakeholder_groups SET holder = NULL WHERE list_contains($q, lower(holder))", q).fetchall()[0][0]
        n["relationship holders cleared"] = held
        n["actions' owners cleared"] = con.execute(
            "UPDATE actions SET owner = NULL WHERE list_contains($q, lower(owner))", q).fetchall()[0][0]
        n["meetings changed"] = con.execute(
            "UPDATE meetings SET attendees = list_filter(attendees, lambda x: NOT list_contains($q, lower(x))) "
            "WHERE list_bool_or(list_transform(attendees, lambda x: list_contains($q, lower(x))))", q).fetchall()[0][0]
        n["meetings changed"] += _redact_cols(con, "meetings", ["notes"], [], p)
        n["actions redacted"] = _redact_cols(con, "actions", ["title"], [], p)
        n["experiments redacted"] = _redact_cols(con, "experiments", ["title", "hypothesis"], [], p)
        # the initiatives shortlist (migration 0009): owners cleared, texts redacted
        n["initiatives' owners cleared"] = con.execute(
            "UPDATE initiatives SET owner = NULL WHERE list_contains($q, lower(owner))", q).fetchall()[0][0]
        n["initiatives redacted"] = _redact_cols(con, "initiatives", ["title", "outcome"], [], p)
        n["initiatives redacted"] += _redact_cols(con, "initiative_scores", ["note"], [], p)
        # findings that name them go, and their months are computed again
        months = [r[0] for r in con.execute(
            f"SELECT DISTINCT month FROM findings WHERE {_matches('body')}", {"p": p}).fetchall()]
        n["findings deleted"] = con.execute(
            f"DELETE FROM findings WHERE {_matches('body')}", {"p": p}).fetchall()[0][0]
        if months:
            con.execute("DELETE FROM finding_runs WHERE list_contains($m, month)", {"m": months})
        n["topics redacted"] = _redact_cols(con, "topics", ["label"], ["keywords"], p)
        n["keywords deleted"] = con.execute(
            f"DELETE FROM keywords WHERE {_matches('keyword')}", {"p": p}).fetchall()[0][0]
        n["imports redacted"] = _redact_cols(con, "imports", ["name", "warnings"], [], p)
        now = datetime.now(UTC)
        for value in target.accounts:
            con.execute("INSERT INTO forgotten VALUES ('account', ?, ?) ON CONFLICT DO NOTHING", [value, now])
        for value in target.persons:
            con.execute("INSERT INTO forgotten VALUES ('person', ?, ?) ON CONFLICT DO NOTHING", [value, now])
        con.execute("DROP TABLE f_posts")
        con.execute("DROP TABLE f_inter")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return n


def tombstones(store: Store) -> Target:
    t = Target()
    for kind, value in store.con.execute("SELECT kind, value FROM forgotten ORDER BY 1, 2").fetchall():
        (t.accounts if kind == "account" else t.persons).append(value)
    return t


def skip_forgotten(con: Any, staged: set[str]) -> int:
    """Inside an import's transaction, before its merge: drop the staged rows of forgotten
    accounts and people and redact them from the staged rows that stay (as `erase`).
    Returns the number of rows dropped."""
    if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'forgotten' "
                       "AND table_schema = 'main'").fetchall()[0][0]:
        return 0  # a store opened at an older version (Store(upto=...))
    rows = con.execute("SELECT kind, value FROM forgotten").fetchall()
    if not rows:
        return 0
    target = Target([v for k, v in rows if k == "account"], [v for k, v in rows if k == "person"])
    p = text_pattern(target)
    a, persons = target.accounts, [x.lower() for x in target.persons]
    dropped = 0
    doomed = "SELECT post_key FROM stage_posts WHERE list_contains($a, account_id)" if "posts" in staged else None
    if "post_metrics" in staged and doomed:
        dropped += con.execute(f"DELETE FROM stage_post_metrics WHERE post_key IN ({doomed})", {"a": a}).fetchall()[0][0]
    if "interactions" in staged:
        on_doomed = f"OR post_key IN ({doomed})" if doomed else ""
        dropped += con.execute(
            "DELETE FROM stage_interactions WHERE list_contains($a, platform || ':' || lower(ltrim(author, '@'))) "
            f"OR list_contains($a, lower(author)) {on_doomed}", {"a": a}).fetchall()[0][0]
        _redact_cols(con, "stage_interactions", ["text", "in_reply_to", "extra"], [], p)
    if "posts" in staged:
        dropped += con.execute("DELETE FROM stage_posts WHERE list_contains($a, account_id)", {"a": a}).fetchall()[0][0]
        if a:
            con.execute(
                "UPDATE stage_posts SET mentions = list_filter(mentions, lambda m: NOT list_contains($a, platform || ':' || "
                "lower(ltrim(m, '@'))))", {"a": a})
        _redact_cols(con, "stage_posts", ["text", "url", "in_reply_to", "extra"], ["links"], p)
    for table in ("accounts", "audience_daily"):
        if table in staged:
            dropped += con.execute(
                f"DELETE FROM stage_{table} WHERE list_contains($a, account_id)", {"a": a}).fetchall()[0][0]
    if "effort" in staged:
        dropped += con.execute(
            "DELETE FROM stage_effort WHERE list_contains($q, lower(person))", {"q": persons}).fetchall()[0][0]
        _redact_cols(con, "stage_effort", ["note"], [], p)
    if "raw_items" in staged:
        con.execute(f"DELETE FROM stage_raw_items WHERE item_key IS NOT NULL AND {_matches('item_key')}", {"p": p})
        _redact_cols(con, "stage_raw_items", ["payload"], [], p)
    return dropped


def files_without_rows(store: Store) -> set[str]:
    """Content hashes of the files whose imports no longer hold a row in any data table (all
    that they brought was erased): their archived copies are deleted, not rewritten."""
    rows = store.con.execute(
        "WITH live AS (SELECT import_id FROM posts UNION SELECT first_import_id FROM posts "
        "UNION SELECT import_id FROM post_metrics UNION SELECT import_id FROM interactions "
        "UNION SELECT first_import_id FROM interactions UNION SELECT import_id FROM audience_daily "
        "UNION SELECT first_import_id FROM audience_daily UNION SELECT import_id FROM effort "
        "UNION SELECT first_import_id FROM effort) "
        "SELECT import_id, files::VARCHAR, import_id IN (SELECT import_id FROM live) FROM imports").fetchall()
    import json

    dead: set[str] = set()
    alive: set[str] = set()
    for _iid, files, has_rows in rows:
        for f in json.loads(files or "[]"):
            (alive if has_rows else dead).add(f.get("sha256"))
    return dead - alive
