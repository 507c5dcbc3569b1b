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
from typing import TYPE_CHECKING

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


# The contacts, per branch. `inter` is read once per branch (not materialised: 10M rows with
# their text); `theirs_on` (others' messages) is one pass over them, summed at once.
CTES = f"""
WITH holders AS (
    SELECT account_id, platform, handle FROM accounts WHERE is_official OR person IS NOT NULL
),
officials AS (  -- the platform's official account, where it has exactly one
    SELECT platform, any_value(account_id) AS account_id FROM accounts
    WHERE is_official AND person IS NULL GROUP BY platform HAVING count(*) = 1
),
own AS (
    SELECT p.post_key, p.platform, p.native_id, p.account_id, p.in_reply_to, p.extra, p.mentions
    FROM posts p JOIN holders h USING (account_id)
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
inter AS NOT MATERIALIZED (
    SELECT * FROM interactions WHERE created_at >= $start AND created_at < $end
),
wanted AS (  -- the messages whose author is asked for: what own posts and own replies answer
    SELECT DISTINCT platform, target AS native_id FROM own_targets WHERE target IS NOT NULL
    UNION
    SELECT DISTINCT platform, in_reply_to FROM inter WHERE from_organisation AND in_reply_to IS NOT NULL
),
authors AS (  -- who wrote each wanted message, by native id
    SELECT DISTINCT platform, native_id, author FROM (
        SELECT p.platform, p.native_id, a.handle AS author
        FROM posts p JOIN accounts a ON a.account_id = p.account_id
        SEMI JOIN wanted w ON w.platform = p.platform AND w.native_id = p.native_id
        UNION ALL
        SELECT i.platform, i.native_id, {_norm('i.author')} FROM interactions i
        SEMI JOIN wanted w ON w.platform = i.platform AND w.native_id = i.native_id WHERE i.author IS NOT NULL)
),
own_contacts AS (
    SELECT t.platform, t.native_id, t.account_id AS holder, t.kind,
           coalesce(w.author, d.handle, {_ADDRESS_HANDLE.format(x='t.target')}, {_norm('t.hint')},
                    CASE WHEN starts_with(t.target, 'at://did:')
                         THEN regexp_extract(t.target, '^at://(did:[^/]+)', 1) END) AS counterpart
    FROM own_targets t
    LEFT JOIN authors w ON w.platform = t.platform AND w.native_id = t.target
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
    JOIN authors w ON w.platform = i.platform AND w.native_id = i.in_reply_to
    WHERE i.from_organisation
),
theirs_on AS MATERIALIZED (
    -- the messages from others, in one pass: those on a holder's post (the post they comment
    -- on or reply to) summed per holder, author (as written) and kind; the rest one row each
    -- (interactions are keyed by platform and native id), with the text to read handles from
    SELECT i.platform, h.account_id AS on_holder, i.author, i.kind,
           CASE WHEN h.account_id IS NULL THEN i.native_id END AS native_id,
           CASE WHEN h.account_id IS NULL THEN i.text END AS text,
           count(*) AS n
    FROM inter i
    LEFT JOIN posts p ON p.post_key = i.post_key
    LEFT JOIN posts q ON q.platform = i.platform AND q.native_id = i.in_reply_to
    LEFT JOIN holders h ON h.account_id = coalesce(p.account_id, q.account_id)
    WHERE NOT coalesce(i.from_organisation, FALSE) AND i.author IS NOT NULL
    GROUP BY ALL
),
on_posts AS (  -- comments and replies on a holder's post: messages per holder, counterpart, kind
    SELECT platform, on_holder AS holder, {_norm('author')} AS counterpart, kind, sum(n) AS n
    FROM theirs_on WHERE on_holder IS NOT NULL GROUP BY ALL
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
per_message AS (  -- the branches that can hold a message twice (a reply held both as a post
                  -- and as an interaction; a reply that also mentions): one row per message,
                  -- holder, counterpart and kind
    SELECT platform, native_id, holder, counterpart, kind FROM (
        SELECT * FROM own_contacts UNION ALL SELECT * FROM org_replies UNION ALL
        SELECT * FROM named UNION ALL SELECT * FROM unnamed) GROUP BY ALL
),
summed AS (  -- a message on a holder's post is in no other branch: the two parts add up
    SELECT platform, holder, counterpart, count(DISTINCT native_id) AS n, list(DISTINCT kind) AS kinds
    FROM per_message GROUP BY ALL
    UNION ALL
    SELECT platform, holder, counterpart, sum(n), list(kind) FROM on_posts GROUP BY ALL
)"""

# One row per holder and counterpart (messages, kinds joined by ","), ordered by the holder's
# and the counterpart's full id ("@" + handle; a DID as it is); and one row with holder NULL:
# the messages from others tied to no holder. A counterpart that is empty (an author written
# "@" alone) is dropped by `edges`: as a filter here, DuckDB would push it into `theirs_on`
# and work out every message's handle before summing them.
_FULL = "CASE WHEN starts_with({x}, 'did:') THEN {x} ELSE '@' || {x} END"
SQL = CTES + f"""
SELECT s.platform, s.holder, s.counterpart, sum(s.n)::BIGINT AS weight,
       array_to_string(list_sort(list_distinct(flatten(list(s.kinds)))), ',') AS kinds,
       {_FULL.format(x='any_value(hh.handle)')} AS holder_id
FROM summed s JOIN holders hh ON hh.account_id = s.holder
WHERE NOT EXISTS (SELECT 1 FROM holders h WHERE h.platform = s.platform AND h.handle = s.counterpart)
GROUP BY s.platform, s.holder, s.counterpart
UNION ALL
SELECT NULL, NULL, NULL, count(*), NULL, NULL FROM rest t
WHERE NOT EXISTS (SELECT 1 FROM (
    SELECT platform, native_id FROM own_contacts UNION ALL SELECT platform, native_id FROM org_replies
    UNION ALL SELECT platform, native_id FROM named UNION ALL SELECT platform, native_id FROM unnamed) c
    WHERE c.platform = t.platform AND c.native_id = t.native_id)
ORDER BY holder_id, {_FULL.format(x='counterpart')}
"""


def edges(store: Store, start: datetime, end: datetime) -> tuple[list[tuple[str, str, str, int, str]], int]:
    """The contacts of messages dated in [start, end) (UTC instants) summed per holder and
    counterpart, in the database: rows (platform, holder account id, counterpart handle,
    messages, kinds joined by ","), one message counted once per holder and counterpart,
    ordered by the holder's full id, then the counterpart's; and
    the number of messages from others tied to no holder (left out)."""
    rows = store.con.execute(SQL, {"start": start, "end": end}).fetchall()
    out = [r[:5] for r in rows if r[1] is not None and r[2]]
    left_out = sum(int(r[3]) for r in rows if r[1] is None)
    return out, left_out
