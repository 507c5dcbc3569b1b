"""Social Media Insights: is an organisation's social media working?"""

from __future__ import annotations

__version__ = "0.1.0"

from smi.errors import SmiError
from smi.workspace import Workspace


def open(path: str | None = None) -> Workspace:
    """Open an existing workspace folder (default: $SMI_WORKSPACE or the current folder)."""
    return Workspace.open(path)


__all__ = ["SmiError", "Workspace", "__version__", "open"]
