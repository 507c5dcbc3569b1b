"""The web app: `create_app(root)` serves every workspace under `root` (Starlette + Jinja2 +
htmx, no build step). Pages: sign-in, the workspace list, a workspace's dashboard for a
month, uploads with live progress, the time log. Roles are checked on every request."""

from __future__ import annotations

import hmac
import secrets
import shutil
import tempfile
import threading
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from smi.errors import SmiError
from smi.messages import M
from smi.report.i18n import N_
from smi.web import profile_forms, timeweek
from smi.web.hosts import (
    MAX_UPLOAD_BYTES,
    UPLOADS_DIR,
    Host,
    WorkspaceBusy,
    check_zip,
    find_workspaces,
)
from smi.web.i18n import WebWords, pick_language
from smi.web.users import Session, Users

HERE = Path(__file__).parent
SESSION_COOKIE = "smi_session"
LOGIN_CSRF_COOKIE = "smi_login_csrf"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
MAX_FILES = 50
BUSY_WAIT = 10  # seconds a time-log request waits for the workspace's writer lock
ACTIVITIES = ("create", "engage", "monitor", "plan", "report", "learn", "other")


class SecurityHeaders:
    """Adds the Content-Security-Policy and friends to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"content-security-policy", CSP.encode()),
                            (b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"same-origin"),
                            (b"x-frame-options", b"DENY")]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with)


class Server:
    """What the app holds: the users file, the workspaces, the templates."""

    def __init__(self, root: Path, secure_cookies: bool = False) -> None:
        self.root = Path(root)
        self.users = Users(self.root)
        self.hosts = {name: Host(name, path) for name, path in find_workspaces(self.root).items()}
        self.secure = secure_cookies
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                                      autoescape=True, trim_blocks=True, lstrip_blocks=True)
        self.computing: dict[tuple[str, str | None, str], threading.Thread] = {}
        self.compute_errors: dict[tuple[str, str | None, str], tuple[int, SmiError]] = {}  # with the data generation
        self.uploads = self.root / UPLOADS_DIR
        shutil.rmtree(self.uploads, ignore_errors=True)  # a stopped server's unfinished uploads

    # -- helpers ----------------------------------------------------------------------------
    def session(self, request: Request) -> Session | None:
        return self.users.session(request.cookies.get(SESSION_COOKIE))

    def require(self, request: Request) -> Session:
        s = self.session(request)
        if s is None:
            raise HTTPException(303, headers={"Location": "/login"})
        return s

    def host(self, s: Session, name: str) -> Host:
        """The workspace if it exists and the user may see it (404 either way, so a user
        cannot learn which other workspaces exist)."""
        host = self.hosts.get(name)
        if host is None or not s.user.can_view(name):
            raise HTTPException(404, N_("no such workspace"))
        return host

    def words(self, request: Request, s: Session | None) -> WebWords:
        return WebWords(pick_language(s.lang if s else request.cookies.get("smi_lang"),
                                      request.headers.get("accept-language")))

    def page(self, request: Request, template: str, s: Session | None, status: int = 200,
             **ctx: Any) -> HTMLResponse:
        w = self.words(request, s)
        html = self.env.get_template(template).render(
            w=w, _=w._, s=s, path=request.url.path, query=request.url.query,
            fragment=request.headers.get("hx-request") == "true", **ctx)
        return HTMLResponse(html, status_code=status)

    async def form(self, request: Request, s: Session) -> Any:
        form = await request.form(max_files=MAX_FILES)
        if not hmac.compare_digest(str(form.get("csrf", "")), s.csrf):
            await form.close()  # uploaded files' temporary copies
            raise HTTPException(403, N_("the form's security token is missing or wrong: reload the page and try again"))
        return form

    # -- sign-in ------------------------------------------------------------------------------
    async def login_page(self, request: Request) -> Response:
        token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
        resp = self.page(request, "login.html", None, csrf=token, error=None,
                         no_admin=self.users.count_admins() == 0)
        resp.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", secure=self.secure)
        return resp

    async def login(self, request: Request) -> Response:
        form = await request.form()
        cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(str(form.get("csrf", "")), cookie):
            raise HTTPException(403, N_("the form's security token is missing or wrong: reload the page and try again"))
        email = str(form.get("email", "")).strip().lower()
        client = request.client.host if request.client else "?"
        w = self.words(request, None)
        if self.users.locked(email, client):
            self.users.audit(email, None, "sign-in refused: too many tries", {"client": client})
            return self.page(request, "login.html", None, status=429, csrf=cookie, email=email,
                             error=w._("Too many failed sign-ins. Wait 15 minutes and try again."))
        user = await run_in_threadpool(self.users.authenticate, email, str(form.get("password", "")), client)
        if user is None:
            return self.page(request, "login.html", None, status=401, csrf=cookie, email=email,
                             error=w._("That e-mail address and password do not match."))
        lang = pick_language(request.cookies.get("smi_lang"), request.headers.get("accept-language"))
        token = self.users.open_session(user, lang)
        resp = RedirectResponse("/", status_code=303)
        resp.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=self.secure,
                        max_age=12 * 3600)
        resp.delete_cookie(LOGIN_CSRF_COOKIE)
        return resp

    async def logout(self, request: Request) -> Response:
        s = self.require(request)
        await self.form(request, s)
        self.users.close_session(request.cookies.get(SESSION_COOKIE))
        self.users.audit(s.user.email, None, "signed out")
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(SESSION_COOKIE)
        return resp

    async def language(self, request: Request) -> Response:
        s = self.require(request)
        form = await self.form(request, s)
        lang = str(form.get("lang", ""))
        if lang not in ("en", "cy"):
            raise HTTPException(400, N_("choose en or cy"))
        self.users.set_language(request.cookies[SESSION_COOKIE], lang)
        back = str(form.get("next", "/"))
        if not back.startswith("/") or back.startswith("//") or "\\" in back:  # no other site
            back = "/"
        resp = RedirectResponse(back, status_code=303)
        resp.set_cookie("smi_lang", lang, httponly=True, samesite="lax", secure=self.secure,
                        max_age=365 * 24 * 3600)
        return resp

    # -- pages -----------------------------------------------------------------------------------
    async def home(self, request: Request) -> Response:
        s = self.require(request)
        names = [n for n in self.hosts if s.user.can_view(n)]
        return self.page(request, "home.html", s, workspaces=names)

    async def dashboard(self, request: Request) -> Response:
        s = self.require(request)
        host = self.host(s, request.path_params["ws"])
        month = request.query_params.get("month") or None
        if month is not None and not _is_month(month):
            raise HTTPException(400, N_("month must be YYYY-MM, e.g. 2026-10"))
        w = self.words(request, s)
        host.notice_outside()  # `smi import` or an edit while the server runs: work the month out again
        view = self._cached_month(host, month, w.lang)
        if view is None:
            err = self.month_error(host, month, w.lang)
            if err is None:
                self._start_month(host, month, w.lang)
                return self.page(request, "computing.html", s, ws=host.name, month=month)
            return self.page(request, "dashboard.html", s, ws=host.name, view=None, error=err,
                             can_upload=s.user.can_upload(host.name))
        from smi.report import insights
        from smi.report.model import LABELS
        from smi.web.pagecache import cached_page, page_key

        # the page reads only the view and the session: kept with the view (smi.web.pagecache)
        key = page_key(s, w.lang, request.url.path, request.url.query,
                       request.headers.get("hx-request") == "true", "dashboard.html")
        return HTMLResponse(cached_page(view, s, key, lambda session: self.page(
            request, "dashboard.html", session, ws=host.name, view=view, error=None, month_title=w.month(view.key),
            can_upload=s.user.can_upload(host.name), labels=LABELS, ins=insights).body.decode()))

    def _cached_month(self, host: Host, month: str | None, lang: str) -> Any:
        for (m, lg, _v, gen), view in list(host.months.items()):
            if m == month and lg == lang and gen == host.generation:
                return view
        return None

    def month_error(self, host: Host, month: str | None, lang: str) -> SmiError | None:
        """Why the month could not be worked out with the workspace's current data; None when
        it has not failed, or failed before the data changed (then try again)."""
        failed = self.compute_errors.get((host.name, month, lang))
        return failed[1] if failed is not None and failed[0] == host.generation else None

    def _start_month(self, host: Host, month: str | None, lang: str) -> None:
        key = (host.name, month, lang)
        t = self.computing.get(key)
        if t is not None and t.is_alive():
            return

        def run() -> None:
            try:
                host.month(month, lang)
            except SmiError as e:
                self.compute_errors[key] = (host.generation, e)
            except Exception as e:  # a bug: show it rather than poll forever
                self.compute_errors[key] = (host.generation, SmiError(f"the month could not be computed: {type(e).__name__}: {e}"))

        t = threading.Thread(target=run, name=f"smi-month-{host.name}", daemon=True)
        self.computing[key] = t
        t.start()

    async def upload_page(self, request: Request) -> Response:
        s = self.require(request)
        host = self.host(s, request.path_params["ws"])
        if not s.user.can_upload(host.name):
            raise HTTPException(403, N_("your role cannot upload to this workspace"))
        jobs = sorted(host.jobs.values(), key=lambda j: j.created, reverse=True)[:10]
        return self.page(request, "upload.html", s, ws=host.name, jobs=jobs, error=None,
                         limit=MAX_UPLOAD_BYTES)

    async def upload(self, request: Request) -> Response:
        s = self.require(request)
        host = self.host(s, request.path_params["ws"])
        if not s.user.can_upload(host.name):
            raise HTTPException(403, N_("your role cannot upload to this workspace"))
        length = request.headers.get("content-length")
        if length is None:
            raise HTTPException(411, N_("the upload must say its length"))
        if int(length) > MAX_UPLOAD_BYTES:
            raise HTTPException(413, f"the upload has {int(length):,} bytes; at most {MAX_UPLOAD_BYTES:,} are taken")
        form = await self.form(request, s)
        try:
            return await self._accept_upload(request, s, host, form)
        finally:
            await form.close()

    async def _accept_upload(self, request: Request, s: Session, host: Host, form: Any) -> Response:
        files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
        w = self.words(request, s)
        if not files:
            return self.page(request, "upload.html", s, status=400, ws=host.name, jobs=[], limit=MAX_UPLOAD_BYTES,
                             error=w._("Choose one or more files (or a zip) to upload."))
        try:
            folder, names, total = await run_in_threadpool(save_upload, self.uploads, host.name, files)
        except SmiError as e:
            said = M("%(problem)s. %(fix)s", problem=e.said, fix=e.fix_said) if e.fix_said else e.said
            return self.page(request, "upload.html", s, status=400, ws=host.name, jobs=[], limit=MAX_UPLOAD_BYTES,
                             error=said)
        job = host.submit(s.user.email, folder, names, total)
        self.users.audit(s.user.email, host.name, "upload", {"job": job.id, "files": names, "bytes": total})
        return RedirectResponse(f"/w/{host.name}/uploads/{job.id}", status_code=303)

    async def job(self, request: Request) -> Response:
        s = self.require(request)
        host = self.host(s, request.path_params["ws"])
        if not s.user.can_upload(host.name):
            raise HTTPException(403, N_("your role cannot see uploads to this workspace"))
        job = host.jobs.get(request.path_params["job"])
        if job is None:
            raise HTTPException(404, N_("no such upload"))
        return self.page(request, "job.html", s, ws=host.name, job=job)

    async def time_page(self, request: Request) -> Response:
        s = self.require(request)
        host = self.host(s, request.path_params["ws"])
        if not s.user.can_log_time(host.name):
            raise HTTPException(403, N_("your role cannot log time in this workspace"))
        try:
            platforms, mine = await run_in_threadpool(time_context, host, s.user.name)
        except WorkspaceBusy:  # working out a month or importing: the form still works
            from smi.web.timeweek import profile_platforms

            platforms, mine = profile_platforms(host), None
        return self.page(request, "time.html", s, ws=host.name, platforms=platforms, entries=mine,
                         activities=ACTIVITIES, today=date.today().isoformat(), error=None, result=None)

    async def log_time(self, request: Request) -> Response:
        s = self.require(request)
        host = self.host(s, request.path_params["ws"])
        if not s.user.can_log_time(host.name):
            raise HTTPException(403, N_("your role cannot log time in this workspace"))
        form = await self.form(request, s)
        w = self.words(request, s)
        rows, error = time_rows(form, s.user.name, w)
        result = None
        if error is None:
            try:
                result = await run_in_threadpool(write_time, host, rows)
            except SmiError as e:
                error = f"{e.message}. {e.fix or ''}".strip()
        if result is not None:
            self.users.audit(s.user.email, host.name, "time logged", {"rows": rows, "result": result})
        try:
            platforms, mine = await run_in_threadpool(time_context, host, s.user.name)
        except WorkspaceBusy:
            from smi.web.timeweek import profile_platforms

            platforms, mine = profile_platforms(host), None
        return self.page(request, "time.html", s, status=400 if error else 200, ws=host.name,
                         platforms=platforms, entries=mine, activities=ACTIVITIES,
                         today=date.today().isoformat(), error=error, result=result)


def _is_month(text: str) -> bool:
    try:
        date.fromisoformat(text + "-01")
    except ValueError:
        return False
    return len(text) == 7


def _safe_name(name: str) -> str:
    """The file's own name, without folders, safe to write into the upload folder."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".")
    keep = "".join(c if c.isalnum() or c in "-_. " else "_" for c in base)
    return keep[:120] or "upload"


def time_rows(form: Any, person: str, w: WebWords) -> tuple[list[dict[str, str]], str | None]:
    """The time log form's rows (date_N, hours_N, platform_N, activity_N, note_N for N = 0…)
    as effort.csv rows; an error naming the row and field when one is wrong."""
    rows = []
    for i in range(7):
        hours = str(form.get(f"hours_{i}", "")).strip().replace(",", ".")
        if not hours:
            continue
        day = str(form.get(f"date_{i}", "")).strip()
        try:
            date.fromisoformat(day)
        except ValueError:
            return [], w._("Row %(n)s: the date '%(value)s' is not a date (YYYY-MM-DD).", n=i + 1, value=day)
        try:
            h = float(hours)
        except ValueError:
            return [], w._("Row %(n)s: hours '%(value)s' is not a number (e.g. 1.5).", n=i + 1, value=hours)
        if not 0 < h <= 24:
            return [], w._("Row %(n)s: hours must be more than 0 and at most 24.", n=i + 1)
        activity = str(form.get(f"activity_{i}", "other"))
        if activity not in ACTIVITIES:
            return [], w._("Row %(n)s: choose an activity from the list.", n=i + 1)
        rows.append({"person": person, "date": day, "minutes": str(round(h * 60)),
                     "platform": str(form.get(f"platform_{i}", "")).strip(), "activity": activity,
                     "note": str(form.get(f"note_{i}", "")).strip()[:500]})
    if not rows:
        return [], w._("Fill in the hours of at least one row.")
    return rows, None


def save_upload(uploads: Path, workspace: str, files: list[UploadFile]) -> tuple[Path, list[str], int]:
    """Write the uploaded files into a new folder under `uploads` (their own names, no
    folders); refuse a zip that expands too far. Returns the folder, names and bytes."""
    uploads.mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{workspace}-", dir=uploads))
    names, total = [], 0
    try:
        for f in files:
            name = _safe_name(f.filename or "upload")
            target = folder / name
            if target.exists():
                target = folder / f"{uuid.uuid4().hex[:6]}-{name}"
            with target.open("wb") as out:
                shutil.copyfileobj(f.file, out, 1024 * 1024)
            total += target.stat().st_size
            if target.suffix.lower() == ".zip":
                check_zip(target, name)
            names.append(name)
    except SmiError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder, names, total


def time_context(host: Host, person: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The workspace's platforms and the person's latest 20 time entries (waits for the
    writer lock: call it off the event loop)."""
    from smi.store.practice import time_entries

    with host.open(wait=BUSY_WAIT) as ws:
        platforms = sorted(ws.store.status()["platforms"])
        mine = time_entries(ws.store, person, 20)
    return platforms, mine


def write_time(host: Host, rows: list[dict[str, str]]) -> dict[str, int]:
    """Import the rows as an effort.csv through the import pipeline (one transaction; an
    identical entry already logged is not added twice). Returns new/unchanged counts."""
    import csv

    from smi.importer import run_import
    from smi.sources.base import ImportOptions

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "web-effort.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            wr = csv.DictWriter(f, ["person", "date", "minutes", "platform", "activity", "note"])
            wr.writeheader()
            wr.writerows(rows)
        with host.open(wait=BUSY_WAIT) as ws:
            report = run_import(ws, [path], options=ImportOptions(by_hand=True))
    host.changed()
    res = report.results[0]
    if res.status == "failed" and res.error is not None:
        raise res.error
    c = res.counts.get("effort", {})
    kept = res.counts.get("corrected", {}).get("kept", 0)  # typed again after a correction: it stands
    return {"new": c.get("new", 0),
            "unchanged": c.get("unchanged", 0) + kept + (len(rows) if res.status == "unchanged" else 0)}


def create_app(root: Path, secure_cookies: bool = False, warm: bool = False) -> Starlette:
    """The web app serving every workspace under `root`. With `warm`, each workspace's
    default month is computed in the background at once (in its first language), so the
    first dashboard opens without waiting."""
    srv = Server(root, secure_cookies)
    if warm:
        from smi.report.render import default_language
        from smi.workspace import Workspace

        for host in srv.hosts.values():
            lang = default_language(Workspace.open(host.path))
            srv._start_month(host, None, lang if lang in ("en", "cy") else "en")

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code in (301, 302, 303) and exc.headers:
            return RedirectResponse(exc.headers["Location"], status_code=exc.status_code)
        s = srv.session(request)
        # the detail in the reader's language where the web catalogue has it; else marked English
        w = srv.words(request, s)
        detail = str(exc.detail)
        said = w._(detail)
        return srv.page(request, "error.html", s, status=exc.status_code, code=exc.status_code,
                        detail=said, detail_lang=None if said != detail or w.lang == "en" else "en")

    from smi.web import findings as web_findings
    from smi.web import meeting as web_meeting
    from smi.web import reports as web_reports

    routes = [
        Route("/", srv.home),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Route("/login", srv.login_page, methods=["GET"]),
        Route("/login", srv.login, methods=["POST"]),
        Route("/logout", srv.logout, methods=["POST"]),
        Route("/lang", srv.language, methods=["POST"]),
        Route("/w/{ws}/", srv.dashboard),
        Route("/w/{ws}/upload", srv.upload_page, methods=["GET"]),
        Route("/w/{ws}/upload", srv.upload, methods=["POST"]),
        Route("/w/{ws}/uploads/{job}", srv.job),
        Route("/w/{ws}/time", srv.time_page, methods=["GET"]),
        Route("/w/{ws}/time", srv.log_time, methods=["POST"]),
        Route("/w/{ws}/time/week", timeweek.week_page, methods=["GET"]),
        Route("/w/{ws}/time/week", timeweek.week_post, methods=["POST"]),
        Route("/w/{ws}/time/entries", timeweek.entry_post, methods=["POST"]),
        Route("/w/{ws}/profile", profile_forms.profile_page, methods=["GET"]),
        Route("/w/{ws}/profile", profile_forms.profile_post, methods=["POST"]),
        *web_findings.routes(srv), *web_meeting.routes(srv), *web_reports.routes(srv),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)],
                    exception_handlers={HTTPException: on_http_error})
    app.state.server = srv
    return app
