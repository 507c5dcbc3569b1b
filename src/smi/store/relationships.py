"""Contacts between the organisation's accounts and everyone else (for smi.relationships).

A contact is one message that links a holder account (an official account, or a member of
staff's own account: `accounts.is_official` or `accounts.person`) with a counterpart (any
other handle on the same platform). One row per message, holder and counterpart:

- the holder's own posts: the author of the post it replies to, reposts or quotes (found
  among the held posts and interactions by native id; else read from the target's address:
  `https://host/users/NAME/statuses/…` or `https://host/@NAME/…` is `NAME@host` on Mastodon,
  an X archive's `reply_to_handle`), and each handle it mentions;
- the organisation's own replies held as interactions (`from_organisation`): the author of
  the message they answer, the holder being the account whose handle wrote them;
- interactions from others: the author, with the holder whose post they comment on or reply
  to; else the holders whose `@handle` the text names; else, when the text names no handle
  at all (a private message, a review), the platform's one official account (when it has
  exactly one). The rest (a message naming only others' handles) is left out as nobody's.

A message held twice (a reply both as a post and as an interaction) counts once: rows are
distinct on (platform, native id, holder, counterpart). A counterpart that is itself a holder
account (staff replying to the official account, a thread of one's own posts) is no contact.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smi.store.db import Store

# The handle form of an address: Mastodon statuses and profiles, X/Twitter statuses.
_ADDRESS_HANDLE = (
    "lower(CASE "
    "WHEN regexp_matches({x}, '^https?://[^/]+/users/[^/]+/statuses/') "
    "THEN regexp_extract({x}, '^https?://[^/]+/users/([^/]+)/', 1) || '@' || regexp_extract({x}, '^https?://([^/]+)/', 1) "
    "WHEN regexp_matches({x}, '^https?://[^/]+/@[^/@]+/') "
    "THEN regexp_extract({x}, '^https?://[^/]+/@([^/@]+)/', 1) || '@' || regexp_extract({x}, '^https?://([^/]+)/', 1) "
    "WHEN regexp_matches({x}, '^https?://(www\\.|mobile\\.)?(twitter|x)\\.com/[^/]+/status/') "
    "THEN regexp_extract({x}, '^https?://[^/]+/([^/]+)/status/', 1) "
    "END)"
)


def _norm(x: str) -> str:
    """A handle as `accounts.handle` spells it: lower case, no leading @."""
    return f"lower(ltrim(trim({x}), '@'))"


SQL = f"""
WITH holders AS (
    SELECT account_id, platform, handle FROM accounts WHERE is_official OR person IS NOT NULL
),
officials AS (  -- the platform's official account, where it has exactly one
    SELECT platform, any_value(account_id) AS account_id FROM accounts
    WHERE is_official AND person IS NULL GROUP BY platform HAVING count(*) = 1
),
own AS (
    SELECT p.* FROM posts p JOIN holders h USING (account_id)
    WHERE p.published_at >= $start AND p.published_at < $end
),
own_targets AS (  -- (post, the message it answers, reposts or quotes, kind)
    SELECT post_key, platform, native_id, account_id, in_reply_to AS target, 'reply' AS kind,
           extra->>'reply_to_handle' AS hint
    FROM own WHERE in_reply_to IS NOT NULL
    UNION ALL
    SELECT post_key, platform, native_id, account_id, extra->>'reposted', 'repost', NULL
    FROM own WHERE extra->>'reposted' IS NOT NULL
    UNION ALL
    SELECT post_key, platform, native_id, account_id,
           coalesce(extra->>'quoted', extra->>'quoted_status_id'), 'quote', NULL
    FROM own WHERE coalesce(extra->>'quoted', extra->>'quoted_status_id') IS NOT NULL
),
inter AS (
    SELECT * FROM interactions WHERE created_at >= $start AND created_at < $end
),
wanted AS (  -- the messages whose author is asked for: what own posts and own replies answer
    SELECT DISTINCT platform, target AS native_id FROM own_targets WHERE target IS NOT NULL
    UNION
    SELECT DISTINCT platform, in_reply_to FROM inter WHERE from_organisation AND in_reply_to IS NOT NULL
),
authors AS (  -- who wrote each wanted message, by native id
    SELECT p.platform, p.native_id, a.handle AS author, a.native_id AS author_native
    FROM posts p JOIN accounts a ON a.account_id = p.account_id
    SEMI JOIN wanted w ON w.platform = p.platform AND w.native_id = p.native_id
    UNION ALL
    SELECT i.platform, i.native_id, {_norm('i.author')}, NULL FROM interactions i
    SEMI JOIN wanted w ON w.platform = i.platform AND w.native_id = i.native_id WHERE i.author IS NOT NULL
),
own_contacts AS (
    SELECT t.platform, t.native_id, t.account_id AS holder, t.kind,
           coalesce(w.author, d.handle, {_ADDRESS_HANDLE.format(x='t.target')}, {_norm('t.hint')},
                    CASE WHEN starts_with(t.target, 'at://did:')
                         THEN regexp_extract(t.target, '^at://(did:[^/]+)', 1) END) AS counterpart
    FROM own_targets t
    LEFT JOIN (SELECT DISTINCT platform, native_id, author FROM authors) w
           ON w.platform = t.platform AND w.native_id = t.target
    LEFT JOIN accounts d  -- a Bluesky post's author by its DID (an equi-join: no loop over accounts)
           ON d.platform = t.platform AND d.native_id = regexp_extract(t.target, '^at://(did:[^/]+)/', 1)
    UNION ALL
    SELECT platform, native_id, account_id, 'mention', {_norm('m')}
    FROM (SELECT platform, native_id, account_id, unnest(mentions) AS m FROM own WHERE len(mentions) > 0)
),
org_replies AS (  -- the organisation's own replies held as interactions
    SELECT i.platform, i.native_id, h.account_id AS holder, i.kind, w.author AS counterpart
    FROM inter i
    JOIN holders h ON h.platform = i.platform AND h.handle = {_norm('i.author')}
    JOIN (SELECT DISTINCT platform, native_id, author FROM authors) w
      ON w.platform = i.platform AND w.native_id = i.in_reply_to
    WHERE i.from_organisation
),
theirs AS (
    SELECT * FROM inter WHERE NOT coalesce(from_organisation, FALSE) AND author IS NOT NULL
),
theirs_on AS (  -- each message from others (one row each: interactions are keyed by
                -- platform and native id), with the holder whose post it answers (NULL: none)
    SELECT i.platform, i.native_id, i.kind, i.author, i.text,
           CASE WHEN coalesce(p.account_id, q.account_id) IN (SELECT account_id FROM holders)
                THEN coalesce(p.account_id, q.account_id) END AS on_holder
    FROM theirs i
    LEFT JOIN posts p ON p.post_key = i.post_key
    LEFT JOIN posts q ON q.platform = i.platform AND q.native_id = i.in_reply_to
),
on_posts AS (  -- comments and replies on a holder's post
    SELECT platform, native_id, on_holder AS holder, kind, {_norm('author')} AS counterpart
    FROM theirs_on WHERE on_holder IS NOT NULL
),
rest AS (
    SELECT platform, native_id, kind, author, text FROM theirs_on WHERE on_holder IS NULL
),
named AS (  -- the holders a message names by @handle
    SELECT r.platform, r.native_id, h.account_id AS holder, r.kind, {_norm('r.author')} AS counterpart
    FROM (SELECT platform, native_id, kind, author,
                 unnest(regexp_extract_all(lower(coalesce(text, '')), '@([a-z0-9_][a-z0-9_.@-]*[a-z0-9_])', 1)) AS named
          FROM rest) r
    JOIN holders h ON h.platform = r.platform AND h.handle = r.named
),
unnamed AS (
    SELECT r.platform, r.native_id, o.account_id AS holder, r.kind, {_norm('r.author')} AS counterpart
    FROM rest r JOIN officials o USING (platform)
    WHERE NOT regexp_matches(lower(coalesce(r.text, '')), '@[a-z0-9_]')
),
contacts AS (
    SELECT * FROM own_contacts UNION ALL SELECT * FROM org_replies UNION ALL
    SELECT * FROM on_posts UNION ALL SELECT * FROM named UNION ALL SELECT * FROM unnamed
)
SELECT c.platform, c.native_id, c.holder, c.counterpart, list(DISTINCT c.kind ORDER BY c.kind) AS kinds
FROM contacts c
WHERE c.counterpart IS NOT NULL AND c.counterpart <> ''
  AND NOT EXISTS (SELECT 1 FROM holders h WHERE h.platform = c.platform AND h.handle = c.counterpart)
GROUP BY c.platform, c.native_id, c.holder, c.counterpart
ORDER BY c.platform, c.holder, c.counterpart, c.native_id
"""


def contacts(store: Store, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """The contacts of messages dated in [start, end) (UTC instants); see the module doc."""
    cur = store.con.execute(SQL, {"start": start, "end": end})
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def unattributed(store: Store, start: datetime, end: datetime) -> int:
    """Messages from others in [start, end) tied to no holder: counted, so the network can say
    how many it leaves out."""
    # the messages answering a holder's post all have a contact: only the rest can lack one
    body = SQL.split("\nSELECT c.platform", 1)[0]
    sql = body + ("\nSELECT count(*) FROM rest t WHERE NOT EXISTS (SELECT 1 FROM ("
                  "SELECT platform, native_id FROM own_contacts UNION ALL SELECT platform, native_id FROM org_replies "
                  "UNION ALL SELECT platform, native_id FROM named UNION ALL SELECT platform, native_id FROM unnamed) c "
                  "WHERE c.platform = t.platform AND c.native_id = t.native_id)")
    return int(store.con.execute(sql, {"start": start, "end": end}).fetchall()[0][0])


def edges(store: Store, start: datetime, end: datetime) -> list[tuple[str, str, str, int, list[str]]]:
    """The contacts of [start, end) summed per holder and counterpart, in the database:
    (platform, holder account id, counterpart handle, messages, kinds). The same rows as
    grouping `contacts` (one message counts once per holder and counterpart)."""
    # A message answering a holder's post is one row of on_posts (interactions are keyed by
    # platform and native id) and in no other branch once holders are left out as
    # counterparts: counted as it is, with no row per message kept. The other branches (own
    # posts, own replies, messages naming a holder) can hold a message twice: made distinct
    # per message first, as `contacts` does.
    body = SQL.split("\nSELECT c.platform", 1)[0]
    sql = (f"{body},\nsmall AS (SELECT platform, native_id, holder, counterpart, kind FROM ("
           "SELECT * FROM own_contacts UNION ALL SELECT * FROM org_replies UNION ALL SELECT * FROM named "
           "UNION ALL SELECT * FROM unnamed) GROUP BY ALL),\n"
           "counted AS (SELECT platform, holder, counterpart, kind, 1 AS n, native_id FROM small "
           "UNION ALL SELECT platform, holder, counterpart, kind, 1, NULL FROM on_posts)\n"
           "SELECT c.platform, c.holder, c.counterpart, "
           "count(DISTINCT c.native_id) + count(*) FILTER (WHERE c.native_id IS NULL) AS weight, "
           "list(DISTINCT c.kind ORDER BY c.kind) AS kinds FROM counted c "
           "WHERE c.counterpart IS NOT NULL AND c.counterpart <> '' "
           "AND NOT EXISTS (SELECT 1 FROM holders h WHERE h.platform = c.platform AND h.handle = c.counterpart) "
           "GROUP BY c.platform, c.holder, c.counterpart")
    return [(r[0], r[1], r[2], int(r[3]), list(r[4])) for r in store.con.execute(sql, {"start": start, "end": end}).fetchall()]
