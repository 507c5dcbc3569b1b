"""`smi serve`: what it says on the console before the server starts."""

from __future__ import annotations

import secrets
from pathlib import Path

from smi.errors import SmiError
from smi.web.hosts import find_workspaces
from smi.web.users import Users

DEMO_EMAIL = "demo@example.org"


def is_demo(path: Path) -> bool:
    """A workspace `smi demo` built (its generator manifest is there)."""
    return (path / "data" / "manifest.json").exists()


def startup_lines(root: Path) -> list[str]:
    """Check the folder; create the demo login for a demo workspace with no users; say how
    to add an administrator when there is none. Returns the lines to print."""
    root = Path(root)
    if not root.is_dir():
        raise SmiError(f"{root} is not a folder", fix="give the folder that holds the workspaces (or one workspace)")
    found = find_workspaces(root)
    if not found:
        raise SmiError(f"{root.resolve()} has no workspace (no workspace.toml in it or in a folder directly under it)",
                       fix="run `smi init DIR --name NAME` or `smi demo DIR`, then serve that folder or its parent")
    users = Users(root)
    lines = [f"serving {len(found)} workspace{'s' if len(found) != 1 else ''}: {', '.join(found)}"]
    demo = len(found) == 1 and is_demo(next(iter(found.values())))
    if demo and (users.count() == 0 or users.get(DEMO_EMAIL) is not None):
        # a demo folder: a fresh password at each start, printed here (never stored in clear)
        password = secrets.token_urlsafe(12)
        users.add(DEMO_EMAIL, "admin", password, person="Elin Prys")
        lines.append(f"demo login: {DEMO_EMAIL} / {password} (an admin; a new password at each start)")
    elif users.count_admins() == 0:
        where = "" if root.resolve() == Path.cwd().resolve() else f" --root {root}"
        lines.append("no administrator yet: add one with "
                     f"`smi users add EMAIL --role admin{where}` (it asks for the password)")
    return lines
