"""Byte-identical zip files: fixed member times and order, so the same seed gives the same bytes."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path


def write_zip(path: Path, members: dict[str, bytes], when: datetime) -> None:
    """Write `members` (name -> bytes) in the given order, each stamped `when` (local time)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
