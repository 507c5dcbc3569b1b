"""What every API source shares (`smi pull`): a registered `Source` whose `detect()` is
always False and whose `pull()` fetches through `smi.pull.client.ApiClient` and emits
canonical rows through the same `ImportContext` as a file import. Not a source itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from smi.errors import SmiError
from smi.pull import PullOptions, PullOutcome, StateOf
from smi.sources.base import ImportContext, Source, Unit

if TYPE_CHECKING:
    from smi.pull.client import ApiClient


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
