"""Pulls from open APIs (`smi pull`): sources that fetch instead of reading files.

An API source is a registered `Source` whose `detect()` is always False and whose `pull()`
fetches through `smi.pull.client.ApiClient` and emits canonical rows through the same
`ImportContext` as a file import. `run_pull` lands a pull in one transaction, logged in the
import log, together with the source's cursor (table pull_state) so the next pull fetches
only what is new.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from smi.errors import SmiError, SourceError
from smi.sources.base import ImportContext, ImportOptions, Source, Unit

if TYPE_CHECKING:
    import httpx

    from smi.pull.client import ApiClient


@dataclass
class PullOptions:
    """What the user asked to pull."""

    account: str  # as given: "@ourcharity", "ourcharity.bsky.social"
    base_url: str  # the instance or AppView
    token: str | None = None
    full: bool = False  # fetch everything again, ignoring the stored cursor


@dataclass
class PullOutcome:
    """What a source's pull fetched, and where the next pull should start."""

    account: str  # the pull_state key, e.g. "ourcharity@example.social"
    name: str  # the import log's name, e.g. "mastodon API @ourcharity@example.social"
    state: dict[str, Any]  # the cursor to store
    new_items: int  # items not seen by an earlier pull; 0 means nothing to save
    fetched: dict[str, int] = field(default_factory=dict)  # e.g. {"statuses": 12}


StateOf = Callable[[str], "dict[str, Any] | None"]


class ApiSource(Source):
    """A source that pulls from an open API. Files are never claimed."""

    service: ClassVar[str]  # e.g. "Mastodon"; names the server in messages
    default_base_url: ClassVar[str | None] = None
    auth_fix: ClassVar[str] = "check the token: it must be valid for this server and allow reading"
    not_found_fix: ClassVar[str] = "check the instance URL and account"

    def detect(self, file: Any) -> bool:
        return False

    def read(self, unit: Unit, ctx: ImportContext) -> None:
        raise SmiError(f"{self.title} reads no files", fix=f"use `smi pull` to fetch from {self.service}")

    def pull(self, client: ApiClient, ctx: ImportContext, opts: PullOptions,
             state_of: StateOf) -> PullOutcome:
        """Fetch and emit. `state_of(account)` gives the stored cursor (None: first pull)."""
        raise NotImplementedError


@dataclass
class PullResult:
    name: str
    source: str
    status: str  # pulled | nothing_new
    fetched: dict[str, int] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    import_id: int | None = None

    def summary(self) -> str:
        from smi.importer import UnitResult

        if self.status == "nothing_new":
            return "nothing new since the last pull"
        got = ", ".join(f"{n:,} {what[:-1] if n == 1 else what}" for what, n in self.fetched.items())
        rows = UnitResult(self.name, self.source, "imported", self.counts, self.warnings).summary()
        return f"fetched {got}; {rows}" if got else rows


def run_pull(
    ws: Any,
    source: str,
    opts: PullOptions,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
    transport: httpx.BaseTransport | None = None,
) -> PullResult:
    """Pull from one API into the workspace in one transaction (rows, import log, cursor).

    Any error leaves the store as it was. A pull that finds nothing new writes nothing.
    """
    from smi.pull.client import ApiClient
    from smi.sources import REGISTRY, load_all

    load_all()
    cls = REGISTRY.get(source)
    if cls is None or not issubclass(cls, ApiSource):
        names = sorted(n for n, c in REGISTRY.items() if issubclass(c, ApiSource))
        raise SmiError(f"no API source called '{source}'", fix="use one of: " + ", ".join(names))
    src = cls()
    store = ws.store
    options = ImportOptions(timezone=ws.profile.organisation.timezone, profile=ws.profile)
    now = datetime.fromtimestamp(clock(), UTC)
    digest = hashlib.sha256(f"pull:{source}:{opts.account}:{now.isoformat()}".encode()).hexdigest()
    writer = store.writer(source=source, name=f"{source} {opts.account}", unit_hash=digest, files=[],
                          own_export=cls.own_export)
    ctx = ImportContext(writer, options)

    def state_of(account: str) -> dict[str, Any] | None:
        return None if opts.full else store.pull_state(source, account)

    client = ApiClient(opts.base_url, service=cls.service, token=opts.token, sleep=sleep,
                       clock=clock, auth_fix=cls.auth_fix, not_found_fix=cls.not_found_fix,
                       transport=transport)
    with client, writer:
        ctx.observed_at = now  # the numbers are true as of this pull
        try:
            outcome = src.pull(client, ctx, opts, state_of)
        except SmiError:
            raise
        except Exception as e:  # a bug in a source: say so, store untouched
            raise SourceError(f"{cls.service} API", f"could not be pulled ({type(e).__name__}: {e})",
                              fix="this is a bug in smi; please report it") from e
        if outcome.new_items == 0:
            writer.abort()
            return PullResult(outcome.name, source, "nothing_new", fetched=outcome.fetched)
        ctx.flush()
        writer.name = outcome.name
        writer.warnings = ctx.warnings
        writer.pull_state = (source, outcome.account, outcome.state)
        record = writer.commit()
    if cls.own_export:
        store.sync_profile(ws.profile)  # the pulled account is official unless the profile says otherwise
    return PullResult(outcome.name, source, "pulled", fetched=outcome.fetched,
                      counts=record["counts"], warnings=record["warnings"],
                      import_id=record["import_id"])
