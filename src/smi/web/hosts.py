"""The workspaces a server serves, each with one writer: a lock every store access takes,
a queue of upload jobs run one at a time by the workspace's own thread, and the months it
has computed (kept until the data changes).

DuckDB allows one process to write a file; this process is it. The store is opened for
each piece of work and closed after, so `smi` commands can use the workspace between.
"""

from __future__ import annotations

import queue
import shutil
import threading
import time
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smi.errors import SmiError
from smi.profile import PROFILE_NAME

# Upload limits: the request's size, and for zips the size once expanded (absolute and as
# a multiple of the zip's own size: a "zip bomb" is refused before it is read).
MAX_UPLOAD_BYTES = 512 * 1024 * 1024
MAX_EXPANDED_BYTES = 4 * 1024 * 1024 * 1024
MAX_EXPANSION_RATIO = 100
UPLOADS_DIR = ".smi-web-uploads"


class WorkspaceBusy(SmiError):
    """Another piece of work holds the workspace's writer lock."""


def store_stamp(path: Path) -> tuple[Any, ...]:
    """The size and modification time of a workspace's store, its write-ahead log and its
    profile: what changes when any process writes to the workspace. Take it right after
    closing the store (before another process can open it) to know your own writes."""
    from smi.workspace import STORE_NAME

    out: list[Any] = []
    for name in (STORE_NAME, STORE_NAME + ".wal", PROFILE_NAME):
        try:
            st = (Path(path) / name).stat()
        except OSError:
            out.append(None)
        else:
            out.append((st.st_mtime_ns, st.st_size))
    return tuple(out)


def find_workspaces(root: Path) -> dict[str, Path]:
    """Workspace folders served from `root`: `root` itself when it is one (named after its
    folder), else each folder directly under it that has a workspace.toml."""
    root = Path(root)
    if (root / PROFILE_NAME).exists():
        return {root.resolve().name: root}
    return {p.name: p for p in sorted(root.iterdir())
            if p.is_dir() and not p.name.startswith(".") and (p / PROFILE_NAME).exists()}


@dataclass
class FileProgress:
    name: str
    source: str
    size: int | None
    done: int = 0
    status: str = "running"  # running | imported | unchanged | failed
    summary: str = ""
    fix: str | None = None
    said: Any = None  # the summary and the fix as messages (smi.messages), for the reader's language
    fix_said: Any = None


@dataclass
class Job:
    """One upload: its files, imported in order; `state` queued → running → done | failed."""

    id: str
    workspace: str
    user: str
    folder: Path
    names: list[str]
    total: int  # bytes uploaded
    state: str = "queued"
    step: str = ""
    files: list[FileProgress] = field(default_factory=list)
    error: str | None = None
    fix: str | None = None
    error_said: Any = None  # the error and the fix as messages (smi.messages)
    fix_said: Any = None
    skipped: list[str] = field(default_factory=list)
    created: float = field(default_factory=time.time)
    stamp: tuple[Any, ...] | None = None  # the store as the import left it (store_stamp)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        sizes = sum(f.size or 0 for f in self.files)
        if not sizes:
            return 0
        return min(99, int(100 * sum(f.done for f in self.files) / sizes))


def check_zip(path: Path, name: str) -> None:
    """Refuse a zip that expands past the limits, naming it."""
    from smi.messages import M

    try:
        with zipfile.ZipFile(path) as zf:
            expanded = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile:
        raise SmiError(M("%(name)s is not a readable zip file", name=name),
                       fix=M("download the export again; it may be incomplete")) from None
    size = max(path.stat().st_size, 1)
    if expanded > MAX_EXPANDED_BYTES or expanded > MAX_EXPANSION_RATIO * size:
        raise SmiError(M("%(name)s expands to %(expanded)s bytes from %(size)s (at most %(limit)s bytes and "
                         "%(ratio)s× its size)", name=name, expanded=expanded, size=size, limit=MAX_EXPANDED_BYTES,
                         ratio=MAX_EXPANSION_RATIO),
                       fix=M("unzip it and upload the export files it holds"))


class Host:
    """One workspace in the server."""

    def __init__(self, name: str, path: Path, on_change: Any = None) -> None:
        self.name = name
        self.path = Path(path)
        self.lock = threading.RLock()
        self.generation = 0
        self.months: dict[tuple[Any, ...], Any] = {}
        self.findings: dict[str, Any] = {}  # YYYY-MM -> its smi.monthly.Month (any language)
        self.asked: dict[str | None, dict[str, Any]] = {}  # month asked (None: default) -> key, reason, months
        self.jobs: dict[str, Job] = {}
        self.queue: queue.Queue[Job | None] = queue.Queue()
        self.on_change = on_change
        self._worker: threading.Thread | None = None
        self.stamp: tuple[Any, ...] | None = None  # the store's files as this process last left them
        self.span: tuple[int, list[str]] | None = None  # (generation, every month with data, newest first)

    @contextmanager
    def open(self, wait: float | None = None) -> Iterator[Any]:
        """The workspace, opened under the writer lock and closed after. With `wait`, give
        up after that many seconds with a WorkspaceBusy error."""
        from smi.workspace import Workspace

        if not self.lock.acquire(timeout=-1 if wait is None else wait):
            raise WorkspaceBusy(f"workspace {self.name} is busy importing or working out a month",
                                fix="try again in a minute")
        try:
            ws = Workspace.open(self.path)
            try:
                # open it, taking its lock: no other process writes now. Opening writes nothing
                # when the profile is unchanged (Store.sync_profile), so a change seen here is
                # another process's write (or an edited profile)
                ws.store  # noqa: B018
                self._notice_outside()
                yield ws
            finally:
                ws.close()
                self.stamp = self._stamp()
        finally:
            self.lock.release()

    def changed(self) -> None:
        with self.lock:
            self.generation += 1
            self.months.clear()
            self.findings.clear()
            self.asked.clear()

    # -- writes from outside the server (`smi import`, `smi action`, an edited profile) ---------
    def _stamp(self) -> tuple[Any, ...]:
        return store_stamp(self.path)

    def _notice_outside(self) -> None:
        """Under the lock: forget the months computed when the files changed since this
        process last closed them (another process wrote to the workspace)."""
        now = self._stamp()
        if self.stamp is not None and now != self.stamp:
            self.changed()
        self.stamp = now

    def notice_outside(self) -> None:
        """Check for outside writes now, unless this process is working on the workspace
        (then it checks when it next opens it). A few `stat` calls: cheap enough per page."""
        if self.lock.acquire(blocking=False):
            try:
                self._notice_outside()
            finally:
                self.lock.release()

    # -- the month --------------------------------------------------------------------------
    def month(self, month: str | None, lang: str) -> Any:
        """The month's view, worked out once per month and data version (in a child process,
        smi.web.month_worker; the month object is cached on disk by the data it read) and
        rendered for each language from the same object."""
        from smi.monthly import Month
        from smi.report.i18n import Words
        from smi.report.model import model_from_month
        from smi.web.findings import finding_charts
        from smi.web.i18n import WebWords
        from smi.web.month import MonthView

        with self.lock:
            asked = self.asked.get(month)
            if asked is None or asked["key"] not in self.findings:
                key, reason, months, text = self._month_in_child(month)
                asked = {"key": key, "reason": reason, "months": months}
                self.findings[key] = Month.from_json(text)
                self.asked[month] = asked
            m = self.findings[asked["key"]]
            view = MonthView(asked["key"], asked["reason"], model_from_month(m, Words(lang)), asked["months"])
            # the findings' charts are drawn here, in the worker thread, once per view: a page
            # view only renders the template (smi.web.findings.finding_charts keeps them)
            finding_charts(view.model, WebWords(lang))
            self.months[(month, lang, m.key, self.generation)] = view
            self.span = (self.generation, list(asked["months"]))
            return view

    # -- the months with data -----------------------------------------------------------------
    def data_months(self) -> list[str] | None:
        """Every month with data, newest first, as last worked out for the current data
        version; None when the data changed since (work_out_months finds them)."""
        span = self.span
        if span is None or span[0] != self.generation:
            return None
        return list(span[1])

    def work_out_months(self) -> list[str]:
        """Every month with data, newest first: smi.metrics.months.data_span read in a child
        process (smi.web.month_worker.months_job; this process never opens DuckDB for it),
        kept until the data changes."""
        with self.lock:
            known = self.data_months()
            if known is not None:
                return known
            msg = self._in_child("months_job")
            self.span = (self.generation, list(msg[1]))
            return list(msg[1])

    def _month_in_child(self, month: str | None) -> tuple[str, str, list[str], str]:
        """Run smi.web.month_worker.month_job; its answer. Call it under the lock."""
        msg = self._in_child("month_job", month)
        return msg[1], msg[2], msg[3], msg[4]

    def _in_child(self, job: str, *args: Any) -> tuple[Any, ...]:
        """Run smi.web.month_worker's `job` in a child process; its message (an error
        raised). Call it under the lock."""
        import multiprocessing as mp

        from smi.web import month_worker

        ctx = mp.get_context("spawn")
        out = ctx.Queue()
        try:
            child = ctx.Process(target=getattr(month_worker, job), args=(str(self.path), *args, out), daemon=True)
            child.start()
            while True:
                try:
                    msg = out.get(timeout=0.5)
                    break
                except queue.Empty:
                    if not child.is_alive() and out.empty():
                        raise SmiError(f"working out the month stopped (exit code {child.exitcode})",
                                       fix="try again; if it stops again, run `smi report` to see why") from None
            child.join(timeout=30)
        finally:
            out.close()
        opened, closed = msg[-2], msg[-1]
        if opened is not None and self.stamp is not None and opened != self.stamp:
            self.changed()  # another process wrote before the child opened the store
        # the month's own writes (findings, verdicts) are not outside writes: the child took
        # the stamp the moment it closed the store, before any other process could open it
        self.stamp = closed
        if msg[0] == "error":
            raise SmiError(msg[1], fix=msg[2])
        return msg

    # -- uploads ------------------------------------------------------------------------------
    def submit(self, user: str, folder: Path, names: list[str], total: int) -> Job:
        job = Job(uuid.uuid4().hex, self.name, user, folder, names, total)
        self.jobs[job.id] = job
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._work, name=f"smi-web-{self.name}", daemon=True)
            self._worker.start()
        self.queue.put(job)
        return job

    def _work(self) -> None:
        while True:
            job = self.queue.get()
            if job is None:
                return
            try:
                self._run(job)
            finally:
                shutil.rmtree(job.folder, ignore_errors=True)
                self.queue.task_done()

    def stop(self) -> None:
        if self._worker is not None and self._worker.is_alive():
            self.queue.put(None)
            self._worker.join(timeout=30)

    def _run(self, job: Job) -> None:
        """Import the job's folder in a child process (smi.web.worker) under the writer lock,
        turning its reports into the job's progress."""
        import multiprocessing as mp

        from smi.web.worker import import_job

        ctx = mp.get_context("spawn")
        out = ctx.Queue()
        job.state, job.step = "running", "importing"
        try:
            with self.lock:
                child = ctx.Process(target=import_job, args=(str(self.path), str(job.folder), out), daemon=True)
                child.start()
                ended = False
                while not ended:
                    try:
                        msg = out.get(timeout=0.5)
                    except queue.Empty:
                        if not child.is_alive() and out.empty():
                            self.changed()
                            job.state, job.error = "failed", f"the import stopped (exit code {child.exitcode})"
                            break
                        continue
                    ended = self._apply(job, msg)
                child.join(timeout=30)
                self.stamp = job.stamp if job.stamp is not None else self._stamp()
        finally:
            out.close()
            job.step = ""
            if not job.finished:  # else forgotten when the job ended (below)
                self.changed()
            if self.on_change is not None:
                self.on_change(self.name, job)

    def _apply(self, job: Job, msg: tuple[Any, ...]) -> bool:
        """One report from the child; True when it was the last."""
        kind = msg[0]
        if kind == "start":
            # an export read as a folder (an X archive's files) is the upload folder itself:
            # name it by the files uploaded, not by nothing
            shown = _shown(msg[1], job.folder).strip("/") or ", ".join(job.names)
            job.files.append(FileProgress(shown, msg[2], msg[3]))
        elif kind == "advance" and job.files:
            job.files[-1].done += msg[1]
        elif kind == "done" and job.files:
            fp = job.files[-1]
            fp.status, fp.summary = msg[1], _scrub(msg[2], job.folder)
            fp.done = fp.size or 0
            fp.fix = _scrub(msg[3], job.folder) if msg[3] else None
            if len(msg) > 4:
                fp.said, fp.fix_said = _scrub_said(msg[4], job.folder), _scrub_said(msg[5], job.folder)
        elif kind == "skipped":
            job.skipped = [_shown(s, job.folder) for s in msg[1]]
        elif kind == "step":
            job.step = msg[1]
        elif kind == "stamp":
            job.stamp = tuple(tuple(x) if isinstance(x, list) else x for x in msg[1])
        elif kind == "error":
            # forget what the old data gave before the job shows as ended: a page asked for
            # once the job is done must not be served from the old data's months
            self.changed()
            job.state, job.error = "failed", _scrub(msg[1], job.folder)
            job.fix = _scrub(msg[2], job.folder) if msg[2] else None
            if len(msg) > 3:
                job.error_said, job.fix_said = _scrub_said(msg[3], job.folder), _scrub_said(msg[4], job.folder)
            return True
        elif kind == "end":
            self.changed()  # as for "error"
            failed, total = msg[1], msg[2]
            job.state = "failed" if failed else "done"
            if failed:
                from smi.messages import P, english

                job.error_said = P("%(failed)s of %(n)s file failed", "%(failed)s of %(n)s files failed", total,
                                   failed=failed)
                job.error = english(job.error_said)
            return True
        return False


def _shown(name: str, folder: Path) -> str:
    """A file's name as the user uploaded it (no server paths)."""
    return _scrub(str(name), folder)


def _scrub_said(m: Any, folder: Path) -> Any:
    """A message with the upload folder taken out of every name in it (see _scrub)."""
    from smi.messages import map_strings

    return None if m is None else map_strings(m, lambda t: _scrub(t, folder))


def _scrub(text: str, folder: Path) -> str:
    for prefix in (str(folder.resolve()) + "/", str(folder) + "/", str(folder.resolve()), str(folder)):
        text = text.replace(prefix, "")
    return text
