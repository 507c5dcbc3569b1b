"""The web app (`smi serve`): workspaces, uploads, the dashboard and the time log, with
accounts and roles. It renders what the library computes; it never queries the store for
figures itself."""

from __future__ import annotations
