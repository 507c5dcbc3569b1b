"""`smi forget HANDLE|PERSON`: erase an account or a person from the whole workspace.

What goes (see smi.store.forget for the store's rows): the store's rows that are theirs, and
their name redacted (`[forgotten]`) in the rows that stay; archived copies under archive/
that name them are rewritten with the same redaction (text files and the text members of
zips) under the new content's hash; month cache files that name them are deleted; reports
that name them are deleted on request (`reports=True`), else counted; a person is taken out
of workspace.toml (their entry and its handles), an account out of `[[accounts]]` and every
person's handles. A tombstone keeps them out of later imports.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smi.errors import SmiError
from smi.platforms import parse_account
from smi.store.forget import (
    REDACTED,
    Target,
    erase,
    files_without_rows,
    persons_accounts,
    py_pattern,
    tombstones,
)

CACHE_DIR = "cache"  # smi.monthly.CACHE_DIR (not imported: monthly pulls in the metric stack)


@dataclass
class Plan:
    """Who will be forgotten, as resolved from what the user typed."""

    given: str
    target: Target
    person: str | None = None


@dataclass
class Outcome:
    rows: dict[str, int] = field(default_factory=dict)
    archive_rewritten: list[str] = field(default_factory=list)  # archive paths (relative), old -> new name
    archive_deleted: list[str] = field(default_factory=list)  # all their rows gone: the copy goes
    cache_deleted: list[str] = field(default_factory=list)
    reports_deleted: list[str] = field(default_factory=list)
    reports_naming: list[str] = field(default_factory=list)  # kept (no --reports)
    profile_changed: int = 0

    def lines(self) -> list[str]:
        out = [f"{what}: {n:,}" for what, n in self.rows.items() if n]
        if self.profile_changed:
            out.append(f"workspace.toml entries removed: {self.profile_changed:,}")
        out += [f"archive rewritten: {p}" for p in self.archive_rewritten]
        out += [f"archive deleted: {p}" for p in self.archive_deleted]
        if self.cache_deleted:
            out.append(f"month cache files deleted: {len(self.cache_deleted):,}")
        out += [f"report deleted: {p}" for p in self.reports_deleted]
        if self.reports_naming:
            out.append(f"{len(self.reports_naming):,} report file(s) still name them: run again with --reports "
                       "to delete them")
        return out


def resolve(ws: Any, given: str) -> Plan:
    """`platform:@handle` is an account; anything else is a person of the profile or the store."""
    store = ws.store
    if ":" in given and " " not in given.split(":", 1)[0]:
        plat, handle = parse_account(given)
        return Plan(given, Target(accounts=[f"{plat}:{handle}"]))
    name = given.strip()
    declared = next((p for p in ws.profile.people if p.name.casefold() == name.casefold()), None)
    stored, accounts = persons_accounts(store, name)
    if declared is None and stored is None and not accounts:
        raise SmiError(f"no person called '{name}' in workspace.toml or the store, and it is not an account",
                       fix="give an account as platform:@handle (e.g. x:@someone), or a name from `smi people list`")
    person = declared.name if declared is not None else (stored or name)
    handles = ["{}:{}".format(*parse_account(h)) for h in (declared.handles if declared else [])]
    return Plan(given, Target(accounts=sorted(set(handles) | set(accounts)), persons=[person]), person)


def _redact_bytes(data: bytes, pattern: Any, name: str = "") -> bytes | None:
    """The bytes with every match redacted, or None if nothing matched (or not text). A CSV
    file is redacted cell by cell, keeping its numbers (see _redact_csv)."""
    # UTF-16 with its byte order mark (Meta's CSV exports), else UTF-8 (a UTF-8 mark stays in
    # the text and is kept by _redact_csv); written back the way it came
    bom, codec = next(((b, c) for b, c in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
                       if data.startswith(b)), (b"", "utf-8"))
    try:
        text = data[len(bom):].decode(codec)
    except UnicodeDecodeError:
        return None
    if not pattern.search(text):
        return None
    if name.lower().endswith(".csv"):
        new_csv = _redact_csv(text, pattern)
        if new_csv is not None:
            return bom + new_csv.encode(codec)
    new, n = pattern.subn(REDACTED, text)
    return bom + new.encode(codec) if n else None


# Header words of the columns whose numbers are ids of accounts or people (redacted like text).
_ID_WORDS = frozenset({"id", "ids", "author", "user", "username", "account", "handle", "person", "name", "from"})
_NUMBER = re.compile(r"\s*[-+]?[\d.,\s]*\d[\d.,\s]*%?\s*")


def _redact_csv(text: str, pattern: Any) -> str | None:
    """Redact a CSV cell by cell: a cell that is a number (a count: impressions 12 when the
    forgotten handle is `x:@12`) keeps its value unless its column holds ids or handles
    (post_id, author_id, ...); every other cell is redacted as text. None if it is not CSV."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom):]
    crlf = "\r\n" in body[:65536]
    try:
        rows = list(csv.reader(io.StringIO(body, newline="")))
    except csv.Error:
        return None
    header = [set(re.split(r"[^a-z]+", h.lower())) for h in rows[0]] if rows else []
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\r\n" if crlf else "\n")
    for r, row in enumerate(rows):
        new = []
        for c, cell in enumerate(row):
            ids = c < len(header) and bool(header[c] & _ID_WORDS)
            keep = r > 0 and not ids and _NUMBER.fullmatch(cell) is not None
            new.append(cell if keep else pattern.sub(REDACTED, cell))
        w.writerow(new)
    result = out.getvalue()
    if not body.endswith(("\n", "\r")):
        result = result.rstrip("\r\n")
    return bom + result


def _rewrite_zip(path: Path, pattern: Any) -> bytes | None:
    buf = io.BytesIO()
    changed = False
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            new = _redact_bytes(data, pattern, info.filename)
            if new is not None:
                changed = True
                data = new
            dst.writestr(info, data)
    return buf.getvalue() if changed else None


def _archive(ws: Any, pattern: Any, only: list[str] | None = None,
             dead: set[str] | None = None) -> tuple[list[str], list[str]]:
    """Rewrite each archived copy that names them (`only`: the copies of these content hashes);
    the copy is renamed to its new content hash. A copy of a file in `dead` (content hashes
    whose imports hold no rows any more) that names them is deleted instead. Returns
    (rewritten, deleted)."""
    done: list[str] = []
    deleted: list[str] = []
    root = ws.archive_dir
    if not root.is_dir():
        return done, deleted
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.name.endswith(".part")):
        if only is not None and path.name.split("-", 1)[0] not in only:
            continue
        if zipfile.is_zipfile(path):
            new = _rewrite_zip(path, pattern)
        else:
            new = _redact_bytes(path.read_bytes(), pattern, path.name)
        if new is None:
            continue
        if dead and path.name.split("-", 1)[0] in dead:
            path.unlink()
            deleted.append(path.relative_to(ws.root).as_posix())
            continue
        digest = hashlib.sha256(new).hexdigest()
        base = path.name.split("-", 1)[1] if "-" in path.name else path.name
        dest = root / digest[:2] / f"{digest}-{base}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".part")
        tmp.write_bytes(new)
        os.replace(tmp, dest)
        if dest != path:
            path.unlink()
        done.append(f"{path.relative_to(ws.root).as_posix()} -> {dest.relative_to(ws.root).as_posix()}")
    return done, deleted


def _files_naming(folder: Path, pattern: Any) -> list[Path]:
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if zipfile.is_zipfile(path):  # e.g. a .docx or .xlsx report
            with zipfile.ZipFile(path) as z:
                data = b"".join(z.read(i) for i in z.infolist())
        if pattern.search(data.decode("utf-8", errors="replace")):
            out.append(path)
    return out


def _profile(ws: Any, target: Target) -> int:
    """Take them out of workspace.toml: the person's entry, the accounts from [[accounts]] and handles."""
    doc = ws.profile_file.doc
    removed = 0
    persons = {p.casefold() for p in target.persons}
    accounts = set(target.accounts)
    people = doc.get("people")
    if people is not None:
        for i in reversed(range(len(people))):
            p = people[i]
            if str(p.get("name", "")).casefold() in persons:
                del people[i]
                removed += 1
                continue
            handles = p.get("handles")
            if handles is not None:
                for j in reversed(range(len(handles))):
                    if "{}:{}".format(*parse_account(str(handles[j]))) in accounts:
                        del handles[j]
                        removed += 1
    removed += _goal_kpis(doc, accounts, persons)
    decl = doc.get("accounts")
    if decl is not None:
        for i in reversed(range(len(decl))):
            a = decl[i]
            if "{}:{}".format(*parse_account(f"{a['platform']}:{a['handle']}")) in accounts:
                del decl[i]
                removed += 1
    if removed:
        ws.profile_file.save()
    return removed


def _names_them(value: Any, accounts: set[str], persons: set[str]) -> bool:
    """A KPI filter's value (or list of values) names a forgotten account or person."""
    for v in value if isinstance(value, list) else [value]:
        text = str(v).strip()
        if text.casefold() in persons:
            return True
        if ":" in text:
            try:
                if "{}:{}".format(*parse_account(text)) in accounts:
                    return True
            except SmiError:
                continue
    return False


def _goal_kpis(doc: Any, accounts: set[str], persons: set[str]) -> int:
    """Remove the goals' KPIs whose filter names them (`filter = { account = "x:@them" }`): their
    numbers are gone, and the profile must not keep their handle. The goal itself stays."""
    removed = 0
    for goal in doc.get("goals") or []:
        kpis = goal.get("kpis")
        if kpis is None:
            continue
        for i in reversed(range(len(kpis))):
            flt = kpis[i].get("filter") or {}
            if any(_names_them(v, accounts, persons) for v in flt.values()):
                del kpis[i]
                removed += 1
    return removed


def forget(ws: Any, plan: Plan, *, reports: bool = False) -> Outcome:
    """Erase `plan`'s accounts and person everywhere in the workspace (see the module doc)."""
    target = plan.target
    pattern = py_pattern(target)
    out = Outcome()
    out.rows = erase(ws.store, target)  # one transaction: on failure nothing has changed
    # then the profile, which the store mirrors on every open (sync_profile)
    out.profile_changed = _profile(ws, target)
    ws.store.sync_profile(ws.profile)
    out.archive_rewritten, out.archive_deleted = _archive(ws, pattern, dead=files_without_rows(ws.store))
    for path in _files_naming(ws.root / CACHE_DIR, pattern):
        path.unlink()
        out.cache_deleted.append(path.relative_to(ws.root).as_posix())
    named = _files_naming(ws.reports_dir, pattern)
    if reports:
        for path in named:
            path.unlink()
        out.reports_deleted = [p.relative_to(ws.root).as_posix() for p in named]
    else:
        out.reports_naming = [p.relative_to(ws.root).as_posix() for p in named]
    return out


def redact_archived(ws: Any, hashes: list[str]) -> list[str]:
    """After an import: rewrite its archived copies (by content hash) if they name anyone
    forgotten, so an old export imported again does not bring them back into archive/."""
    target = tombstones(ws.store)
    if not target.accounts and not target.persons:
        return []
    rewritten, deleted = _archive(ws, py_pattern(target), only=hashes, dead=files_without_rows(ws.store))
    return rewritten + deleted
