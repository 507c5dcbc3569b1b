"""Pulling from open APIs (`smi pull`): the HTTP client (`smi.pull.client`) and what a pull
is asked and gives back. It knows nothing of sources: the API sources
(`smi.sources._api.ApiSource` and its subclasses) use it, and `smi.importer.run_pull`
lands a pull in the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


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
