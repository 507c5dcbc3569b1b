"""`smi demo`: a sample organisation's workspace, built from generated exports.

Theatr Glan-y-Môr, an invented bilingual community theatre, with 13 months of data: its
official accounts and three staff who post as themselves on X, Mastodon, Instagram,
Facebook and LinkedIn; comments, questions and the organisation's answers; followers day
by day; the staff time log. The data is drawn by a seeded generator (generate.py) and
written in real export formats (X archive zips, Mastodon archive zips, smi's canonical
CSV), then imported through the real importers, exactly as `smi import` would.

The generator plants effects for the report to find (effects.py); `data/manifest.json`
lists them with their planted and realised sizes. With effects off, no dimension differs.

Re-running on the same folder with the same seed, month and effects is idempotent: the
files come out byte-identical and the import changes nothing. A folder that is another
workspace, or a demo built with other settings, is refused.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import tomlkit

from smi.demo.csv_export import write_csvs
from smi.demo.effects import BILINGUAL
from smi.demo.generate import MONTHS, World, generate
from smi.demo.mastodon_export import write_mastodon_archive
from smi.demo.organisation import Organisation, load_organisation, load_phrases
from smi.demo.x_export import write_x_archive
from smi.errors import SmiError
from smi.profile import PROFILE_NAME
from smi.workspace import Workspace

DATA_DIR = "data"
MANIFEST = "manifest.json"
GENERATOR_VERSION = 1

__all__ = ["DemoResult", "build_demo", "generate_files", "last_complete_month"]


@dataclass
class DemoResult:
    workspace: Workspace
    report_month: str  # YYYY-MM, the last month generated
    summary: str
    data_dir: Path
    manifest_path: Path


def last_complete_month(today: date | None = None, timezone: str = "Europe/London") -> date:
    today = today or datetime.now(ZoneInfo(timezone)).date()
    y, m = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return date(y, m, 1)


def _parse_until(until: str | None, timezone: str) -> date:
    latest = last_complete_month(timezone=timezone)
    if until is None:
        return latest
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", until)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise SmiError(f"--until '{until}' is not a month", fix="write the month as YYYY-MM, e.g. 2025-06")
    month = date(int(m.group(1)), int(m.group(2)), 1)
    if month > latest:
        raise SmiError(f"--until {month:%Y-%m} is not over yet (the last complete month is {latest:%Y-%m})",
                       fix=f"give {latest:%Y-%m} or an earlier month, or leave out --until")
    return month


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def generate_files(data_dir: Path, *, seed: int, last_month: date, effects: bool,
                   org: Organisation | None = None) -> tuple[World, list[Path], Path]:
    """Generate the organisation's data and write the export files and the manifest.
    Returns the generated world, the files to import and the manifest's path."""
    org = org or load_organisation()
    world = generate(org, load_phrases(), seed=seed, last_month=last_month, effects=effects)
    files: list[tuple[Path, str, str]] = []  # path, format, account
    for acct in org.accounts:
        if acct.platform == "x":
            files.append((write_x_archive(world, acct, data_dir / "x"), "x_archive", acct.account_id))
        elif acct.platform == "mastodon":
            files.append((write_mastodon_archive(world, acct, data_dir / "mastodon"), "mastodon_archive",
                          acct.account_id))
    for path in write_csvs(world, data_dir / "csv"):
        files.append((path, "canonical_csv", ""))
    manifest = {
        "generator": "smi demo",
        "generator_version": GENERATOR_VERSION,
        "organisation": org.name,
        "seed": seed,
        "first_month": f"{world.first_month:%Y-%m}",
        "last_month": f"{world.last_month:%Y-%m}",
        "months": MONTHS,
        "timezone": org.timezone,
        "effects_planted": effects,
        "language_codes": {"cy": "Welsh", "en": "English", BILINGUAL: "bilingual, Welsh and English"},
        "effects": world.effects.manifest(world),
        "counts": {
            "posts": len(world.posts),
            "interactions": len(world.interactions),
            "audience_days": len(world.audience),
            "effort_entries": len(world.effort),
        },
        "files": [
            {"path": path.relative_to(data_dir).as_posix(), "format": fmt, "account": acct or None,
             "sha256": _sha256(path)}
            for path, fmt, acct in files
        ],
    }
    manifest_path = data_dir / MANIFEST
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return world, [p for p, _, _ in files], manifest_path


def _settings(manifest: dict[str, Any]) -> tuple[Any, ...]:
    return (manifest.get("seed"), manifest.get("last_month"), manifest.get("effects_planted"))


def _open_or_create(directory: Path, org: Organisation, wanted: tuple[Any, ...]) -> Workspace:
    if not (directory / PROFILE_NAME).exists():
        return Workspace.create(directory, name=org.name, timezone=org.timezone, languages=org.languages)
    manifest_path = directory / DATA_DIR / MANIFEST
    try:
        existing = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise SmiError(f"{directory} is already a workspace, not a demo one",
                       fix="choose another folder for the demo, e.g. `smi demo demo-theatre`") from None
    if _settings(existing) != wanted:
        seed, month, fx = _settings(existing)
        raise SmiError(
            f"{directory} holds a demo built with seed {seed}, until {month}, effects {'on' if fx else 'off'}",
            fix="run again with those settings, choose another folder, or delete the folder to rebuild it")
    return Workspace.open(directory)


def _set_up_profile(ws: Workspace, org: Organisation) -> None:
    """Accounts, people, business hours and goals, each added once (re-runs change nothing)."""
    pf = ws.profile_file
    for acct in org.accounts:
        if acct.official:
            pf.add_account(acct.platform, acct.handle.lower(), True)
    for person in org.people:
        pf.add_person(person.name, org.handles_of(person.name), person.role, person.team, person.cost_per_hour)
    doc = pf.doc
    hours = doc["business_hours"]
    days = tomlkit.array()
    days.extend(org.business_hours["days"])
    hours["days"] = days  # type: ignore[index]
    hours["start"] = org.business_hours["start"]  # type: ignore[index]
    hours["end"] = org.business_hours["end"]  # type: ignore[index]
    goals = doc.get("goals")
    if goals is None:
        goals = tomlkit.aot()
        doc.append("goals", goals)
    have = {str(g["name"]) for g in goals}
    for goal in org.goals:
        if goal["name"] in have:
            continue
        t = tomlkit.table()
        t["name"] = goal["name"]
        t["purpose"] = goal["purpose"]
        kpis = tomlkit.aot()
        for k in goal["kpis"]:
            kt = tomlkit.table()
            for key, value in k.items():
                kt[key] = value
            kpis.append(kt)
        t["kpis"] = kpis
        goals.append(t)
    pf.save()
    for g in org.groups:
        pf.add_group(g["name"], list(g["handles"]), g.get("aim"))
    for key in ("purposes", "survey"):
        if key not in doc:
            doc[key] = tomlkit.item(getattr(org, key))
    pf.save()
    ws.store.sync_profile(ws.profile)


def _practice(ws: Workspace, org: Organisation, first_month: date, last_month: date) -> int:
    """The purposes of every post and message (from the profile's rules), the learning
    survey answered twice (the second six-month round of the data and the last month's
    round, each person on the 10th at noon), and the initiatives (added once). Re-runs
    change nothing. Returns how many survey answers are stored."""
    from smi.practice.initiatives import board
    from smi.purposes import apply_purposes
    from smi.survey import record

    apply_purposes(ws)
    tz = ZoneInfo(org.timezone)
    first = date(first_month.year + (first_month.month + 1) // 12, (first_month.month + 1) % 12 + 1, 10)
    when = [datetime(d.year, d.month, 10, 12, tzinfo=tz) for d in (first, last_month)]
    n = 0
    for person, items in org.survey_answers.items():
        for k in range(2):
            n += record(ws, person, {item: str(v[k]) for item, v in items.items()}, when[k])[1]
    if not board(ws, everything=True):  # the shortlist and its meetings, made once
        _shortlist(ws, org, last_month, tz)
    return n


def _shortlist(ws: Workspace, org: Organisation, last_month: date, tz: ZoneInfo) -> None:
    """The meetings, the initiatives agreed at the first, their actions, and what moved after
    the last meeting (organisation.toml: days as "previous:D" or "last:D", at noon)."""
    from smi.practice.initiatives import (
        add_initiative,
        close_initiative,
        link_initiative,
        score_initiative,
    )
    from smi.practice.meetings import add_meeting
    from smi.store import practice as records

    previous = date(last_month.year - (last_month.month == 1), (last_month.month - 2) % 12 + 1, 1)

    def at(day: str) -> datetime:
        which, d = day.split(":")
        m = {"previous": previous, "last": last_month}[which]
        return datetime(m.year, m.month, int(d), 12, tzinfo=tz)

    meetings = {}
    for mt in org.meetings:
        meetings[mt["on"]] = add_meeting(ws, at(mt["on"]).date(), list(mt["attendees"]), notes=mt.get("notes")).meeting_id
    later: list[tuple[datetime, str, int, dict[str, Any]]] = []  # (when, what, id, how): in time order
    for i in org.initiatives:
        agreed = at(i.get("agreed", "previous:9"))
        it, _ = add_initiative(ws, i["title"], owner=i.get("owner"), impact=i.get("impact"), effort=i.get("effort"),
                               at=agreed)
        for a in i.get("actions", []):
            aid = records.add_action(ws.store, title=a["title"], owner=a.get("owner"), due=at(a["due"]).date(),
                                     meeting_id=meetings.get(i.get("agreed", "previous:9")), finding_id=None,
                                     created_at=agreed)
            link_initiative(ws, it.initiative_id, actions=[aid])
            if "done" in a:
                later.append((at(a["done"]), "done", aid, a))
        if "rescored" in i:
            later.append((at(i["rescored"]["on"]), "score", it.initiative_id, i["rescored"]))
        if "closed" in i:
            later.append((at(i["closed"]["on"]), "close", it.initiative_id, i["closed"]))
    for when, what, ident, how in sorted(later, key=lambda x: x[0]):
        if what == "done":
            records.set_action_done(ws.store, ident, when)
        elif what == "score":
            score_initiative(ws, ident, impact=how["impact"], effort=how["effort"], note=how.get("note"), at=when)
        else:
            close_initiative(ws, ident, status=how["as"], outcome=how.get("outcome"), at=when)


def _neutral_targets(ws: Workspace, first_month: date, last_month: date) -> None:
    """With no planted effects, nothing should stand out, goals included: each KPI's target
    becomes its median over the generated months, so the scorecard is neither missed nor
    beaten by design (the aspirational targets of organisation.toml would be "missed"
    every month, a true finding that no planted effect explains)."""
    import math
    from calendar import monthrange

    end = date(last_month.year, last_month.month, monthrange(last_month.year, last_month.month)[1])
    doc = ws.profile_file.doc
    changed = False
    for goal in doc.get("goals", []):
        for kpi in goal["kpis"]:
            flt = kpi.get("filter", {})
            df = ws.metric(str(kpi["metric"]), ["month"], from_=first_month, to=end,
                           platform=flt.get("platform"))
            values = sorted(float(v) for v in df["value"] if v is not None and not math.isnan(float(v)))
            if not values:
                continue
            mid = len(values) // 2
            median = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
            target = round(median, 6)
            if float(kpi["target"]) != target:
                kpi["target"] = target
                changed = True
    if changed:
        ws.profile_file.save()


def build_demo(directory: Path, *, seed: int = 7, until: str | None = None, effects: bool = True) -> DemoResult:
    """Build (or rebuild identically) the demo workspace in `directory`."""
    from smi.importer import run_import

    org = load_organisation()
    last_month = _parse_until(until, org.timezone)
    directory = Path(directory).expanduser()
    ws = _open_or_create(directory, org, (seed, f"{last_month:%Y-%m}", effects))
    data_dir = directory / DATA_DIR
    world, files, manifest_path = generate_files(data_dir, seed=seed, last_month=last_month,
                                                 effects=effects, org=org)
    _set_up_profile(ws, org)
    report = run_import(ws, files)
    if report.failed:
        first = report.failed[0]
        raise SmiError(f"the demo's {first.name} did not import: {first.error}",
                       fix="this is a bug in smi; please report it")
    if not effects:
        _neutral_targets(ws, world.first_month, last_month)
    _practice(ws, org, world.first_month, last_month)
    counts = ws.store.rows(
        "SELECT (SELECT count(*) FROM posts) AS posts, (SELECT count(*) FROM interactions) AS interactions, "
        "(SELECT count(*) FROM effort) AS effort, (SELECT count(DISTINCT platform) FROM posts) AS platforms"
    )[0]
    planted = len(world.effects.active)
    unchanged = sum(1 for r in report.results if r.status == "unchanged")
    again = f" ({unchanged} already imported, unchanged)" if unchanged else ""
    summary = (
        f"demo: {org.name}, {MONTHS} months ({world.first_month:%Y-%m} to {last_month:%Y-%m}), "
        f"{counts['platforms']} platforms, {counts['posts']:,} posts, {counts['interactions']:,} interactions, "
        f"{counts['effort']:,} time entries, imported from {len(files)} files{again}; "
        + (f"{planted} planted effects (see {manifest_path})" if planted else "no planted effects")
    )
    return DemoResult(ws, f"{last_month:%Y-%m}", summary, data_dir, manifest_path)
