"""Reports in the web app: generate a month's report in a language (HTML, PDF, Markdown and
JSON, written by smi.report.render.write_month into the workspace's reports/ folder, as
`smi report` does), view it in the browser, download each format, and list the past ones.

Generation runs in a child process (WeasyPrint's PDF holds Python's lock for seconds), while
this process holds the workspace's writer lock for it, as uploads do; the page polls the
job's state with htmx.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from smi.report.i18n import N_

FORMATS = ("html", "pdf", "md", "json")
FILE_NAME = re.compile(r"report(?:\.(cy))?\.(html|pdf|md|json)")
MONTH_DIR = re.compile(r"\d{4}-\d{2}")
MEDIA = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
         "md": "text/markdown; charset=utf-8", "json": "application/json"}
STYLE = re.compile(r"<style>(.*?)</style>", re.S)
KEEP_JOBS = 20  # finished jobs remembered per workspace


@dataclass
class ReportJob:
    id: str
    workspace: str
    user: str
    month: str | None  # as asked (None: the default month)
    lang: str
    state: str = "queued"  # queued | running | done | failed
    key: str | None = None  # the month written (YYYY-MM)
    error: str | None = None
    files: list[str] = field(default_factory=list)
    created: float = field(default_factory=time.time)
    seconds: float | None = None

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")


@dataclass
class PastReport:
    month: str
    lang: str
    files: dict[str, int]  # format -> bytes
    written: float  # newest file's modification time


def generate(workspace: str, month: str | None, lang: str, out: Any) -> None:
    """The child process: the month (smi.monthly.run_month, cached by the data it read) in
    every format and `lang`. Reports ("done", month, [file names]) or ("error", text)."""
    from smi.errors import SmiError
    from smi.monthly import run_month
    from smi.report.i18n import Words
    from smi.report.render import write_month
    from smi.workspace import Workspace

    try:
        with Workspace.open(Path(workspace)) as ws:
            m = run_month(ws, month)
            paths = write_month(m, ws.reports_dir, FORMATS, Words(lang))
        out.put(("done", m.month, [p.name for p in paths]))
    except SmiError as e:
        out.put(("error", f"{e.message}. {e.fix or ''}".strip()))
    except Exception as e:  # a bug: say so rather than leave the job running forever
        out.put(("error", f"the report could not be written: {type(e).__name__}: {e}"))


def run_job(host: Any, job: ReportJob) -> None:
    """Run one job: a child process under the workspace's writer lock."""
    import multiprocessing as mp
    import queue

    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    started = time.time()
    try:
        with host.lock:
            job.state = "running"
            child = ctx.Process(target=generate, args=(str(host.path), job.month, job.lang, out), daemon=True)
            child.start()
            msg = None
            while msg is None:
                try:
                    msg = out.get(timeout=0.5)
                except queue.Empty:
                    if not child.is_alive() and out.empty():
                        msg = ("error", f"the report stopped (exit code {child.exitcode})")
            child.join(timeout=30)
            # the report's own writes (the month's findings) are not outside writes: without
            # this, the next page would see the store changed and work the month out again
            host.stamp = host._stamp()
        if msg[0] == "done":
            job.key, job.files, job.state = msg[1], list(msg[2]), "done"
        else:
            job.error, job.state = str(msg[1]), "failed"
    except Exception as e:
        job.error, job.state = f"{type(e).__name__}: {e}", "failed"
    finally:
        out.close()
        job.seconds = round(time.time() - started, 1)


def past_reports(folder: Path) -> list[PastReport]:
    """The reports written under `folder` (<YYYY-MM>/report[.cy].<ext>), newest month first,
    English before Welsh."""
    found: dict[tuple[str, str], PastReport] = {}
    if not folder.is_dir():
        return []
    for month_dir in folder.iterdir():
        if not month_dir.is_dir() or not MONTH_DIR.fullmatch(month_dir.name):
            continue
        for f in month_dir.iterdir():
            m = FILE_NAME.fullmatch(f.name)
            if not m or not f.is_file():
                continue
            lang = m.group(1) or "en"
            st = f.stat()
            r = found.setdefault((month_dir.name, lang), PastReport(month_dir.name, lang, {}, 0.0))
            r.files[m.group(2)] = st.st_size
            r.written = max(r.written, st.st_mtime)
    return sorted(found.values(), key=lambda r: (r.month, r.lang == "en"), reverse=True)


def file_name(lang: str, fmt: str) -> str:
    return f"report.{fmt}" if lang == "en" else f"report.{lang}.{fmt}"


def viewable(html: str, css_url: str, bar: str) -> str:
    """The report's HTML as this app serves it under its Content-Security-Policy: its one
    <style> block moved to a stylesheet at `css_url`, and `bar` (the way back and the
    downloads) put at the top of the body. The report has no script and no style
    attributes (tests/web/test_reports.py checks)."""
    html = STYLE.sub(f'<link rel="stylesheet" href="{css_url}">', html, count=1)
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + bar, html, count=1)


def routes(srv: Any) -> list[Route]:
    from smi.web.app import _is_month
    from smi.web.meeting import can_act

    jobs: dict[str, dict[str, ReportJob]] = {}  # workspace -> job id -> job
    months_threads: dict[str, threading.Thread] = {}  # workspace -> working out its months with data
    months_failed: dict[str, tuple[int, str]] = {}  # workspace -> (generation, why the months were not found)

    def allowed(request: Request) -> tuple[Any, Any]:
        s = srv.require(request)
        return s, srv.host(s, request.path_params["ws"])

    def folder(host: Any) -> Path:
        return Path(host.path) / "reports"

    def report_file(host: Any, month: str, name: str) -> tuple[Path, str, str]:
        m = FILE_NAME.fullmatch(name)
        if not MONTH_DIR.fullmatch(month) or m is None:
            raise HTTPException(404, N_("no such report"))
        path = folder(host) / month / name
        if not path.is_file():
            raise HTTPException(404, N_("no such report: generate it first"))
        return path, m.group(1) or "en", m.group(2)

    async def page(request: Request) -> Response:
        s, host = allowed(request)
        mine = sorted(jobs.get(host.name, {}).values(), key=lambda j: j.created, reverse=True)
        host.notice_outside()  # `smi import` while the server runs: the months may have changed
        acts = can_act(s, host.name)  # only those who may generate a report see the month picker
        months = host.data_months()  # kept from the last month worked out, until the data changes
        months_error = None
        if months is None and acts:
            failed = months_failed.get(host.name)
            if failed is not None and failed[0] == host.generation:
                months_error = failed[1]
            else:
                start_months(host)
                months = host.data_months()  # it may be done already
        finding = acts and months is None and months_error is None  # the page polls until known
        if months is None:  # meanwhile: the months of past reports
            months = sorted({r.month for r in past_reports(folder(host))}, reverse=True)
        writing = {(j.month, j.lang) for j in mine if not j.finished}
        past = [r for r in past_reports(folder(host)) if (r.month, r.lang) not in writing]  # no half-written set
        return srv.page(request, "reports.html", s, ws=host.name, jobs=mine[:5], past=past, months=months, can_act=acts,
                        file_name=file_name, finding_months=finding, months_error=months_error,
                        polling=finding or any(not j.finished for j in mine))

    def start_months(host: Any) -> None:
        """Work out the months with data in the background (a child process, under the
        workspace's lock: after an import or a month being worked out), once at a time."""
        running = months_threads.get(host.name)
        if running is not None and running.is_alive():
            return

        def run() -> None:
            from smi.errors import SmiError

            generation = host.generation
            try:
                host.work_out_months()
                months_failed.pop(host.name, None)
            except SmiError as e:
                months_failed[host.name] = (generation, e.message)
            except Exception as e:  # a bug: show it rather than poll forever
                months_failed[host.name] = (generation, f"{type(e).__name__}: {e}")

        t = threading.Thread(target=run, name=f"smi-months-{host.name}", daemon=True)
        months_threads[host.name] = t
        t.start()

    async def start(request: Request) -> Response:
        s, host = allowed(request)
        if not can_act(s, host.name):
            raise HTTPException(403, N_("your role cannot generate reports in this workspace"))
        form = await srv.form(request, s)
        month = str(form.get("month") or "").strip() or None
        lang = str(form.get("lang") or "en")
        if month is not None and not _is_month(month):
            raise HTTPException(400, N_("month: must be YYYY-MM, e.g. 2026-10"))
        if lang not in ("en", "cy"):
            raise HTTPException(400, N_("language: choose en or cy"))
        job = ReportJob(uuid.uuid4().hex, host.name, s.user.email, month, lang)
        mine = jobs.setdefault(host.name, {})
        for old in sorted((j for j in mine.values() if j.finished), key=lambda j: j.created)[:-KEEP_JOBS]:
            mine.pop(old.id, None)
        mine[job.id] = job
        threading.Thread(target=run_job, args=(host, job), name=f"smi-report-{host.name}", daemon=True).start()
        srv.users.audit(s.user.email, host.name, "report generated", {"month": month, "lang": lang, "job": job.id})
        return RedirectResponse(f"/w/{host.name}/reports", status_code=303)

    async def download(request: Request) -> Response:
        _s, host = allowed(request)
        path, _lang, fmt = report_file(host, request.path_params["month"], request.path_params["name"])
        name = f"{host.name}-{request.path_params['month']}-{path.name}"
        return FileResponse(path, media_type=MEDIA[fmt], filename=name,
                            headers={"cache-control": "no-store"})

    async def view(request: Request) -> Response:
        s, host = allowed(request)
        month, lang = request.path_params["month"], request.path_params["lang"]
        if lang not in ("en", "cy"):
            raise HTTPException(404, N_("no such report"))
        path, _, _ = report_file(host, month, file_name(lang, "html"))
        w = srv.words(request, s)
        base = f"/w/{host.name}/reports/{month}"
        bar = srv.env.get_template("report_bar.html").render(
            w=w, _=w._, ws=host.name, month=month, lang=lang, base=base, file_name=file_name,
            month_title=w.month(month))
        html = viewable(path.read_text(encoding="utf-8"), f"{base}/{lang}/report.css", bar)
        return HTMLResponse(html, headers={"cache-control": "no-store"})

    async def css(request: Request) -> Response:
        _s, host = allowed(request)
        month, lang = request.path_params["month"], request.path_params["lang"]
        if lang not in ("en", "cy"):
            raise HTTPException(404, N_("no such report"))
        path, _, _ = report_file(host, month, file_name(lang, "html"))
        m = STYLE.search(path.read_text(encoding="utf-8"))
        text = (m.group(1) if m else "") + BAR_CSS
        return Response(text, media_type="text/css; charset=utf-8", headers={"cache-control": "no-store"})

    return [
        Route("/w/{ws}/reports", page, methods=["GET"]),
        Route("/w/{ws}/reports", start, methods=["POST"]),
        Route("/w/{ws}/reports/{month}/{lang}/view", view, methods=["GET"]),
        Route("/w/{ws}/reports/{month}/{lang}/report.css", css, methods=["GET"]),
        Route("/w/{ws}/reports/{month}/{name}", download, methods=["GET"]),
    ]


# The bar above a report viewed in the app (the report's own stylesheet has the rest).
BAR_CSS = """
.smi-bar { display: flex; flex-wrap: wrap; gap: .4rem 1rem; align-items: center; padding: .5rem .8rem;
  margin: 0 0 1rem; background: #17324d; color: #fff; border-radius: 4px; }
.smi-bar a { color: #fff; }
@media print { .smi-bar { display: none; } }
"""
