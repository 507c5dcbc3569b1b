"""A workspace: one folder per organisation.

    workspace.toml   the profile (human-editable)
    store.duckdb     the canonical tables
    archive/         every imported file, by content hash
    .journal/        intent records of archive copies not yet committed (smi.journal)
    reports/         generated reports
"""

from __future__ import annotations

import os
from datetime import date
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from smi.errors import WorkspaceError
from smi.profile import PROFILE_NAME, Profile, ProfileFile

STORE_NAME = "store.duckdb"


def resolve_path(path: str | os.PathLike[str] | None) -> Path:
    if path is None:
        path = os.environ.get("SMI_WORKSPACE") or "."
    return Path(path).expanduser()


class Workspace:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.profile_file = ProfileFile(root / PROFILE_NAME)

    # -- creating and opening -------------------------------------------------------------
    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        *,
        name: str,
        timezone: str = "Europe/London",
        languages: list[str] | None = None,
    ) -> Workspace:
        root = Path(path).expanduser()
        if (root / PROFILE_NAME).exists():
            raise WorkspaceError(
                f"{root} is already a workspace ({PROFILE_NAME} exists)",
                fix="use it as it is, or choose another folder",
            )
        try:
            root.mkdir(parents=True, exist_ok=True)
            (root / "archive").mkdir(exist_ok=True)
            (root / "reports").mkdir(exist_ok=True)
        except OSError as e:
            raise WorkspaceError(f"cannot create {root}: {e.strerror}", fix="choose a folder you can write to") from None
        ProfileFile.create(root / PROFILE_NAME, name, timezone, languages or ["en"])
        ws = cls(root)
        ws.store  # creates the DuckDB file and applies migrations  # noqa: B018
        return ws

    # Set by commands that only read (status, export, metric, report): the store is then
    # opened read-only when it cannot be written.
    reads_only: bool = False

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> Workspace:
        root = resolve_path(path)
        if not (root / PROFILE_NAME).exists():
            raise WorkspaceError(
                f"{root.resolve()} is not a workspace (no {PROFILE_NAME})",
                fix="run `smi init DIR`, pass -w DIR, or set SMI_WORKSPACE",
            )
        return cls(root)

    # -- parts ------------------------------------------------------------------------------
    @property
    def profile(self) -> Profile:
        return self.profile_file.model

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.profile.organisation.timezone)

    @property
    def archive_dir(self) -> Path:
        return self.root / "archive"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @cached_property
    def store(self):  # -> smi.store.Store (imported lazily: duckdb is heavy)
        from smi.errors import StoreError
        from smi.store import Store

        path, tz = self.root / STORE_NAME, self.profile.organisation.timezone
        try:
            st = Store(path, timezone=tz)
        except StoreError as e:
            # a read-only workspace: commands that only read open it read-only (issue 14)
            if not (self.reads_only and e.read_only_cause):
                raise
            return Store(path, timezone=tz, read_only=True)  # profile not synced: nothing can be written
        try:
            st.sync_profile(self.profile)
        except Exception as e:  # the file opened, but its folder cannot be written (no journal)
            from smi.store.db import not_writable

            if not (self.reads_only and not_writable(e)):
                raise
            st.close()
            return Store(path, timezone=tz, read_only=True)
        # an import killed between its archive copy and its commit (issue 14)
        from smi import journal

        journal.recover(self.root, lambda: journal.recorded_hashes(r["files"] for r in st.rows(
            "SELECT files FROM imports")))
        return st

    # -- metrics (for analysts: notebooks) -------------------------------------------------------
    def metric(
        self,
        name: str,
        by: str | list[str] | tuple[str, ...] = (),
        *,
        month: str | None = None,
        from_: str | date | None = None,
        to: str | date | None = None,
        platform: str | list[str] | None = None,
        engine: str | None = None,
    ):  # -> pandas.DataFrame
        """One metric as a pandas DataFrame: a column per `by`, then `value`.

        `month="2026-10"`, or `from_`/`to` dates (local, inclusive); neither: the last
        complete month with data. `platform` filters ("x" or ["x", "facebook"]). The
        formula, unit and period are in `df.attrs`; a value no import can give is NULL
        (NaN/None), and `df.attrs["reason"]` says why for the whole period (None when it is
        available), `df.attrs["reasons"]` per platform.
        """
        from smi.metrics.api import run

        return run(self, name, by, month=month, from_=from_, to=to, platform=platform,
                   engine=engine).to_pandas()

    def metrics(self):  # -> pandas.DataFrame
        """The metric catalogue: name, family, description, formula, unit, inputs, …"""
        import pandas as pd

        from smi.metrics.api import catalogue

        return pd.DataFrame(catalogue())

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()
            del self.__dict__["store"]

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
