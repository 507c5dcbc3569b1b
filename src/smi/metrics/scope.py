"""Whose numbers: the organisation's official accounts, its staff's own accounts, or all.

The organisation's figures (goals, KPIs, key figures, top posts, platform verdicts,
experiments) count its official accounts; staff who post as themselves are shown beside
them, never summed in, unless a goal says so (`accounts = "all"`, docs/goals.md).

`scoped(con, accounts)` wraps an Ibis backend so that every table a metric reads holds only
the rows of those accounts; the catalogue's expressions run on it unchanged:

- official: accounts with `is_official` and no person (`person` dimension 'official');
- staff: accounts that belong to a member of staff (`accounts.person` set);
- all: every row, as stored.

Per table: `posts` and `audience_daily` by their `account_id` (a row with no account is
nobody's: in neither official nor staff); `post_metrics` by their post; `interactions`
that answer or comment on a post keep to the post's account, the organisation's own
replies to the account that wrote them (its handle as `author`), an item on no held post
that opens by naming one of the accounts (`@handle …`, a mention of a member of staff) to
that account, and the rest (other mentions, messages, replies to posts not held) count as
the organisation's. `effort`, `people` and
`accounts` are left whole: time is logged per person, not per account.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from smi.profile import ACCOUNT_SCOPES

DEFAULT_SCOPE = "official"
# the handle an item opens with: "@name" or "@name@host" (trailing punctuation left off)
_NAMED = r"^\s*@([A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?(?:@[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?)?)"


def account_ids(con: Any, accounts: str) -> ir.Table:
    """The account_ids in the scope (one column `_scope_acc`)."""
    a = con.table("accounts")
    if accounts == "official":
        keep = a.is_official & a.person.isnull()
    elif accounts == "staff":
        keep = a.person.notnull()
    else:
        raise ValueError(f"unknown account scope {accounts!r}; use one of {ACCOUNT_SCOPES}")
    return a.filter(keep).select(_scope_acc=a.account_id)


class Scoped:
    """An Ibis backend whose `table()` keeps the rows of one set of accounts (see module doc).
    Every other attribute is the wrapped backend's."""

    def __init__(self, con: Any, accounts: str) -> None:
        if accounts not in ACCOUNT_SCOPES or accounts == "all":
            raise ValueError(f"Scoped needs 'official' or 'staff', not {accounts!r}")
        self.con = con
        self.accounts = accounts
        self._tables: dict[str, ir.Table] = {}

    def __getattr__(self, name: str) -> Any:
        if name in ("con", "accounts", "_tables"):  # not set yet (copying): no recursion
            raise AttributeError(name)
        return getattr(self.con, name)

    def _ids(self) -> ir.Table:
        return account_ids(self.con, self.accounts)

    def table(self, name: str) -> ir.Table:
        if name not in self._tables:
            self._tables[name] = self._scope(name, self.con.table(name))
        return self._tables[name]

    def _scope(self, name: str, t: ir.Table) -> ir.Table:
        if name in ("posts", "audience_daily"):
            return t.filter(t.account_id.isin(self._ids()._scope_acc))
        if name == "post_metrics":
            return t.filter(t.post_key.isin(self.table("posts").post_key))
        if name == "interactions":
            return self._interactions(t)
        return t

    def _interactions(self, t: ir.Table) -> ir.Table:
        posts = self.con.table("posts").select(_ip_key="post_key", _ip_acc="account_id")
        acc = self.con.table("accounts").select(
            _ia_acc="account_id", _ia_platform="platform", _ia_handle=ibis._.handle.lower())
        j = t.left_join(posts, t.post_key == posts._ip_key)
        # the organisation's own replies: the account whose handle wrote them
        author = ibis.ifelse(j.from_organisation == ibis.literal(True), j.author.lower(), ibis.null().cast("string"))
        j = j.mutate(_i_author=author)
        j = j.left_join(acc, (j.platform == acc._ia_platform) & (j._i_author == acc._ia_handle))
        # a mention (or message) on no held post that opens by naming one of the accounts
        # ("@owain@mastodon.example Sioe wych!") is addressed to that account: a member of
        # staff's own mentions are theirs, not the organisation's
        named = ibis.ifelse(
            (j.from_organisation == ibis.literal(True)) | j._ip_acc.notnull(),
            ibis.null().cast("string"),
            j.text.re_extract(_NAMED, 1).lower().nullif(""),
        )
        j = j.mutate(_i_named=named)
        acc2 = acc.select(_in_acc="_ia_acc", _in_platform="_ia_platform", _in_handle="_ia_handle")
        j = j.left_join(acc2, (j.platform == acc2._in_platform) & (j._i_named == acc2._in_handle))
        whose = ibis.coalesce(j._ip_acc, j._ia_acc, j._in_acc)
        ids = self._ids()._scope_acc
        if self.accounts == "official":
            # the organisation's unless it belongs to an account outside the official ones
            keep = whose.isnull() | whose.isin(ids)
        else:
            keep = whose.notnull() & whose.isin(ids)
        return j.filter(keep).select(*[j[c] for c in t.columns])


def scoped(con: Any, accounts: str | None = DEFAULT_SCOPE) -> Any:
    """`con` narrowed to the accounts' rows; `con` itself for "all" (or None)."""
    if accounts is None or accounts == "all":
        return con
    return Scoped(con, accounts)


def staff_accounts(con: Any) -> int:
    """How many accounts belong to members of staff (their own voices)."""
    a = con.table("accounts")
    return int(a.filter(a.person.notnull()).count().to_pyarrow().as_py())
