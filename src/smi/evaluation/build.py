"""Write a world as smi's canonical CSV files (docs/formats.md) and build a workspace from
them the way a user would: `smi init`, the profile's accounts and people, `smi import`
(the real importer), then enrichment (language, questions, sentiment, topics), as
`smi import` runs it. The posts carry no `language`: enrichment detects it from the text.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from smi.evaluation.texts import ORGANISATION
from smi.evaluation.world import World

POSTS = ("platform", "post_id", "account", "published_at", "kind", "format", "text", "impressions", "reach",
         "reactions", "comments", "shares", "observed_at")
INTERACTIONS = ("platform", "interaction_id", "kind", "post_id", "in_reply_to", "author", "from_organisation",
                "created_at", "text")
AUDIENCE = ("platform", "account", "date", "followers", "gained", "lost")
EFFORT = ("person", "date", "minutes", "platform", "activity")


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(v)


def _write(path: Path, header: tuple[str, ...], rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([_cell(r.get(c)) for c in header])
    return path


def write_files(world: World, directory: Path) -> list[Path]:
    """The four canonical CSV files and a manifest.json of the planted effects."""
    directory.mkdir(parents=True, exist_ok=True)
    observed = world.exported
    posts = [{**p, "kind": "original", "observed_at": observed} for p in world.posts]
    files = [
        _write(directory / "posts.csv", POSTS, posts),
        _write(directory / "interactions.csv", INTERACTIONS, world.interactions),
        _write(directory / "audience.csv", AUDIENCE, world.audience),
        _write(directory / "effort.csv", EFFORT, world.effort),
    ]
    manifest = {"generator": "smi.evaluation", "seed": world.seed, "first_day": world.first.isoformat(),
                "last_month": world.last_month, "effects": [e.to_json() for e in world.effects]}
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
    return files


def build_workspace(world: World, directory: Path) -> Any:
    """A fresh workspace in `directory` holding the world, imported and enriched. Returns it open."""
    from smi.enrich import enrich
    from smi.errors import SmiError
    from smi.importer import run_import
    from smi.workspace import Workspace

    ws = Workspace.create(directory / "ws", name=ORGANISATION, timezone="Europe/London", languages=["en", "cy"])
    pf = ws.profile_file
    for a in world.accounts:
        if a.person is None:
            pf.add_account(a.platform, a.handle, True)
    for person, handles in world.people.items():
        pf.add_person(person, [h.replace(":", ":@", 1) for h in handles], None, None, None)
    pf.save()
    ws.store.sync_profile(ws.profile)
    files = write_files(world, directory / "data")
    report = run_import(ws, files)
    if report.failed:
        first = report.failed[0]
        raise SmiError(f"the evaluation world's {first.name} did not import: {first.error}",
                       fix="this is a bug in smi.evaluation or the canonical CSV importer; please report it")
    enrich(ws)
    return ws
