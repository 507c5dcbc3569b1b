"""The web app over a real server: roles, CSRF, the login rate limit, uploads, the time log,
the audit log, the security headers, and `smi users add`."""

from __future__ import annotations

import hashlib
import io
import re
import time
import zipfile
from pathlib import Path

import pytest

PASSWORD = "correct horse battery"  # as tests/web/conftest.py gives every user


def csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field in the page"
    return m.group(1)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
STATIC = Path(__file__).resolve().parents[2] / "src" / "smi" / "web" / "static"


def wait_job(c, location: str, timeout: float = 120) -> str:
    """Poll an upload's page until it is done or failed; its HTML."""
    deadline = time.time() + timeout
    while True:
        r = c.get(location)
        assert r.status_code == 200, r.text
        state = re.search(r'data-state="(\w+)"', r.text).group(1)
        if state in ("done", "failed"):
            return r.text
        assert time.time() < deadline, f"upload still {state}"
        time.sleep(0.3)


# Each role's expected answer, written from the rules (admin: everything; adviser: the
# workspaces assigned; member: one workspace, upload and own time; viewer: read only), not
# from the code. alpha is assigned to adviser, member and viewer; beta to none of them.
# A workspace a user may not see answers 404 (the same as one that does not exist).
EXPECTED = {
    # (email, method, path): status
    ("admin@example.org", "GET", "/w/beta/upload"): 200,
    ("admin@example.org", "GET", "/w/alpha/time"): 200,
    ("adviser@example.org", "GET", "/w/alpha/upload"): 200,
    ("adviser@example.org", "GET", "/w/beta/upload"): 404,
    ("adviser@example.org", "GET", "/w/beta/"): 404,
    ("member@example.org", "GET", "/w/alpha/upload"): 200,
    ("member@example.org", "GET", "/w/alpha/time"): 200,
    ("member@example.org", "GET", "/w/beta/"): 404,
    ("member@example.org", "GET", "/w/beta/time"): 404,
    ("viewer@example.org", "GET", "/w/alpha/"): 200,
    ("viewer@example.org", "GET", "/w/alpha/upload"): 403,
    ("viewer@example.org", "GET", "/w/alpha/time"): 403,
    ("viewer@example.org", "POST", "/w/alpha/time"): 403,
    ("viewer@example.org", "POST", "/w/alpha/upload"): 403,
    ("viewer@example.org", "GET", "/w/beta/"): 404,
    ("beta@example.org", "GET", "/w/alpha/"): 404,
    ("beta@example.org", "POST", "/w/alpha/time"): 404,
    ("beta@example.org", "GET", "/w/beta/upload"): 200,
}


@pytest.mark.parametrize(("email", "method", "path"), list(EXPECTED))
def test_each_role_gets_only_what_it_may(site, email, method, path):
    c = site.login(email)
    if method == "GET":
        r = c.get(path)
    else:
        token = csrf(c.get("/").text)
        r = c.post(path, data={"csrf": token, "hours_0": "1", "date_0": "2026-11-02"},
                   files={"files": ("posts.csv", b"platform,post_id\n")} if path.endswith("upload") else None)
    assert r.status_code == EXPECTED[(email, method, path)], r.text[:300]


def test_workspace_list_shows_only_the_users_workspaces(site):
    def listed(email: str) -> set[str]:
        html = site.login(email).get("/").text
        return set(re.findall(r'href="/w/(\w+)/"', html))

    assert listed("admin@example.org") == {"alpha", "beta"}
    assert listed("adviser@example.org") == {"alpha"}
    assert listed("viewer@example.org") == {"alpha"}
    assert listed("beta@example.org") == {"beta"}


def test_pages_need_a_session(site):
    c = site.client()
    for path in ("/", "/w/alpha/", "/w/alpha/upload", "/w/alpha/time"):
        r = c.get(path)
        assert (r.status_code, r.headers["location"]) == (303, "/login"), path


def test_every_form_rejects_a_missing_or_wrong_csrf_token(site):
    c = site.login("member@example.org")
    before = site.app.state.server.users.audit_log("alpha")
    for path in ("/logout", "/lang", "/w/alpha/time", "/w/alpha/upload"):
        for data in ({}, {"csrf": "wrong"}):
            data = {**data, "lang": "cy", "hours_0": "2", "date_0": "2026-11-03"}
            files = {"files": ("posts.csv", b"x")} if path.endswith("upload") else None
            r = c.post(path, data=data, files=files)
            assert r.status_code == 403, (path, data, r.status_code)
    assert site.app.state.server.users.audit_log("alpha") == before  # nothing changed
    assert c.get("/").status_code == 200  # still signed in: logout was refused too
    # the login form too (its token is in a cookie of its own)
    fresh = site.client()
    fresh.get("/login")
    r = fresh.post("/login", data={"csrf": "wrong", "email": "member@example.org", "password": PASSWORD})
    assert r.status_code == 403


def test_session_cookie_is_httponly_and_samesite(site):
    c = site.client()
    token = csrf(c.get("/login").text)
    r = c.post("/login", data={"csrf": token, "email": "viewer@example.org", "password": PASSWORD})
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("smi_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie


def test_login_is_rate_limited(site):
    from smi.web.users import Users

    users = Users(site.root)
    users.add("locked@example.org", "viewer", PASSWORD, ["alpha"])
    c = site.client()
    token = csrf(c.get("/login").text)
    # MAX_FAILURES = 5 wrong tries are answered 401; the sixth try is refused even with the
    # right password
    for _ in range(5):
        r = c.post("/login", data={"csrf": token, "email": "locked@example.org", "password": "wrong password"})
        assert r.status_code == 401
    r = c.post("/login", data={"csrf": token, "email": "locked@example.org", "password": PASSWORD})
    assert r.status_code == 429
    assert "Too many failed sign-ins" in r.text
    actions = [a["action"] for a in users.audit_log() if a["email"] == "locked@example.org"]
    assert actions.count("sign-in failed") == 5
    assert actions[-1] == "sign-in refused: too many tries"


def test_security_headers_and_no_inline_script_or_style(site):
    c = site.login("member@example.org")
    for path in ("/login", "/", "/w/alpha/upload", "/w/alpha/time"):
        r = (site.client() if path == "/login" else c).get(path)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-frame-options"] == "DENY"
        assert not re.search(r"<script(?![^>]*\bsrc=)", r.text), path  # every script is a file
        assert not re.search(r"\sstyle=", r.text), path
        assert not re.search(r"\son\w+=", r.text), path  # no inline event handlers
        assert "http://" not in r.text.replace(site.url, "") and "https://" not in r.text, path  # no CDN


def test_vendored_htmx_is_the_pinned_file():
    data = (STATIC / "htmx-2.0.11.min.js").read_bytes()
    # sha256 recorded in static/VENDORED.md when the file was taken from `npm pack htmx.org@2.0.11`
    assert hashlib.sha256(data).hexdigest() == "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"
    assert b"2.0.11" in data
    assert (STATIC / "htmx-2.0.11.LICENSE").read_text().startswith("Zero-Clause BSD")


def _upload(c, ws: str, files: list[tuple[str, bytes]]):
    token = csrf(c.get(f"/w/{ws}/upload").text)
    return c.post(f"/w/{ws}/upload", data={"csrf": token},
                  files=[("files", (name, data)) for name, data in files])


def test_upload_runs_the_import_pipeline_and_shows_the_result(site):
    c = site.login("beta@example.org")
    posts = (FIXTURES / "sample_org" / "posts.csv").read_bytes()
    inter = (FIXTURES / "sample_org" / "interactions.csv").read_bytes()
    r = _upload(c, "beta", [("posts.csv", posts), ("interactions.csv", inter)])
    assert r.status_code == 303
    html = wait_job(c, r.headers["location"])
    assert 'data-state="done"' in html
    # sample_org/posts.csv has 16 rows, each a different (platform, post_id); interactions.csv 7
    assert re.search(r"posts 16 new, 0 updated, 0 unchanged", html), html
    assert re.search(r"interactions 7 new", html), html
    # the heading counts the files (a long list of names made it wrap over the page at 390 px)
    assert "<h1>Upload: 2 files</h1>" in html and '<p class="muted">posts.csv, interactions.csv</p>' in html
    # the same files again: the pipeline is idempotent and says so
    html = wait_job(c, _upload(c, "beta", [("posts.csv", posts)]).headers["location"])
    assert "already imported; nothing changed" in html
    audit = [a for a in site.app.state.server.users.audit_log("beta") if a["action"] == "upload"]
    assert audit[-1]["email"] == "beta@example.org"
    assert audit[-1]["detail"]["files"] == ["posts.csv"]


def test_a_bad_file_fails_with_a_message_naming_file_line_and_field(site):
    c = site.login("beta@example.org")
    bad = b"platform,post_id,account,published_at,impressions\nx,9001,@ourorg,2024-03-02T10:00:00Z,12k\n"
    html = wait_job(c, _upload(c, "beta", [("posts.csv", bad)]).headers["location"])
    assert 'data-state="failed"' in html
    text = re.sub(r"<[^>]+>", " ", html)
    assert "posts.csv" in text and "line 2" in text and "impressions" in text, text
    assert "/tmp" not in text  # no server paths


def test_upload_size_and_zip_expansion_are_limited(site, monkeypatch):
    import smi.web.app as web_app

    c = site.login("beta@example.org")
    monkeypatch.setattr(web_app, "MAX_UPLOAD_BYTES", 1000)
    r = _upload(c, "beta", [("posts.csv", b"a" * 2000)])
    assert r.status_code == 413
    monkeypatch.undo()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("posts.csv", b"0" * 5_000_000)  # deflates ~1000:1, past the 100× limit
    r = _upload(c, "beta", [("export.zip", buf.getvalue())])
    assert r.status_code == 400
    assert "export.zip expands to 5,000,000 bytes" in r.text


def test_member_logs_own_time_once(site):
    c = site.login("member@example.org")
    token = csrf(c.get("/w/alpha/time").text)
    form = {"csrf": token, "date_0": "2026-11-02", "hours_0": "1,5", "platform_0": "x",
            "activity_0": "engage", "note_0": "replies <b>", "date_1": "2026-11-03", "hours_1": ""}
    r = c.post("/w/alpha/time", data=form)
    assert r.status_code == 200, r.text
    assert "Logged 1 new entries; 0 already logged." in r.text
    assert "replies &lt;b&gt;" in r.text  # shown escaped
    with site.app.state.server.hosts["alpha"].open() as ws:
        rows = ws.store.rows("SELECT person, date::VARCHAR AS d, minutes, platform, activity FROM effort")
    # 1,5 hours = 90 minutes, logged as the member's person name
    assert rows == [{"person": "Mari Jones", "d": "2026-11-02", "minutes": 90.0, "platform": "x", "activity": "engage"}]
    r = c.post("/w/alpha/time", data=form)
    assert "Logged 0 new entries; 1 already logged." in r.text
    audit = [a for a in site.app.state.server.users.audit_log("alpha") if a["action"] == "time logged"]
    assert [a["email"] for a in audit] == ["member@example.org", "member@example.org"]


def test_time_log_names_the_wrong_field(site):
    c = site.login("member@example.org")
    token = csrf(c.get("/w/alpha/time").text)
    r = c.post("/w/alpha/time", data={"csrf": token, "date_0": "2026-11-02", "hours_0": "two"})
    assert r.status_code == 400
    assert "Row 1: hours &#39;two&#39; is not a number" in r.text


def test_language_switch_is_remembered(site):
    c = site.login("viewer@example.org")
    token = csrf(c.get("/").text)
    r = c.post("/lang", data={"csrf": token, "lang": "cy", "next": "/"})
    assert r.status_code == 303
    html = c.get("/").text
    assert '<html lang="cy">' in html
    for elsewhere in ("//evil.example/", "/\\evil.example/", "https://evil.example/"):
        r = c.post("/lang", data={"csrf": token, "lang": "cy", "next": elsewhere})
        assert r.headers["location"] == "/", elsewhere  # never sent to another site
    assert "Allgofnodi" in html  # "Sign out" in Welsh, from the web catalogue


def test_users_add_cli(tmp_path, cli):
    from smi.web.users import Users
    from smi.workspace import Workspace

    Workspace.create(tmp_path / "org", name="Org").close()
    from typer.testing import CliRunner

    from smi.cli import app

    runner = CliRunner()
    r = runner.invoke(app, ["users", "add", "a@example.org", "--role", "member", "--workspace", "org",
                            "--root", str(tmp_path), "--password-stdin"], input="long enough pass\n")
    assert r.exit_code == 0, r.output
    assert Users(tmp_path).get("a@example.org").workspaces == ["org"]
    r = runner.invoke(app, ["users", "add", "b@example.org", "--role", "member", "--root", str(tmp_path),
                            "--password-stdin"], input="long enough pass\n")
    assert r.exit_code == 1 and "exactly one workspace" in r.output
    r = runner.invoke(app, ["users", "add", "c@example.org", "--role", "viewer", "--workspace", "nope",
                            "--root", str(tmp_path), "--password-stdin"], input="long enough pass\n")
    assert r.exit_code == 1 and "no workspace nope" in r.output
    r = runner.invoke(app, ["users", "add", "d@example.org", "--role", "admin", "--root", str(tmp_path),
                            "--password-stdin"], input="short\n")
    assert r.exit_code == 1 and "at least 10" in r.output


def test_first_start_without_admin_says_how(tmp_path):
    from smi.web.serve import startup_lines
    from smi.workspace import Workspace

    Workspace.create(tmp_path / "org", name="Org").close()
    lines = startup_lines(tmp_path)
    assert lines[0] == "serving 1 workspace: org"
    assert "smi users add EMAIL --role admin" in lines[1]


def test_a_busy_workspace_keeps_the_time_form_and_other_pages_stay_quick(site, monkeypatch):
    import threading

    import smi.web.app as web_app

    monkeypatch.setattr(web_app, "BUSY_WAIT", 2.0)
    c = site.login("member@example.org")
    other = site.login("viewer@example.org")
    host = site.app.state.server.hosts["alpha"]
    answers = {}
    with host.lock:  # as an upload's import holds it
        waiting = threading.Thread(target=lambda: answers.setdefault("time", c.get("/w/alpha/time")))
        waiting.start()
        time.sleep(0.3)
        t = time.time()
        assert other.get("/").status_code == 200  # not blocked by the request waiting for the lock
        assert time.time() - t < 1.0
        waiting.join()
    # the time log's form still opens (its latest entries wait until the workspace is free)
    assert answers["time"].status_code == 200
    assert "when the workspace is free again" in answers["time"].text and 'name="hours_0"' in answers["time"].text
    with host.lock:  # logging time needs the store: it says so, naming what to do
        r = c.post("/w/alpha/time", data={"csrf": csrf(answers["time"].text), "date_0": "2026-11-05", "hours_0": "1"})
    assert r.status_code == 400 and "busy" in r.text and "try again in a minute" in r.text
    assert c.get("/w/alpha/time").status_code == 200


def _figure(html: str, platform: str, metric: str) -> str | None:
    """The data-value of a key figure on the dashboard ('' when not available)."""
    table = re.search(rf'<table class="figures" data-platform="{platform}">(.*?)</table>', html, re.S)
    assert table, f"no {platform} figures"
    row = re.search(rf'<tr data-metric="{metric}">(.*?)</tr>', table.group(1), re.S)
    return re.search(r'data-value="([^"]*)"', row.group(1)).group(1)


def _dashboard(c, path: str, timeout: float = 240) -> str:
    deadline = time.time() + timeout
    while True:
        r = c.get(path)
        assert r.status_code == 200, r.text[:300]
        if 'class="figures"' in r.text:
            return r.text
        assert "Working out the month" in r.text, r.text[:500]
        assert time.time() < deadline, "the month was not ready in time"
        time.sleep(1)


@pytest.mark.slow
def test_dashboard_shows_the_months_figures_and_the_month_picker_works(site):
    c = site.login("admin@example.org")
    html = wait_job(c, _upload(c, "alpha", [("posts.csv", (FIXTURES / "sample_org" / "posts.csv").read_bytes())]).headers["location"])
    assert 'data-state="done"' in html
    # Hand count from tests/fixtures/sample_org/posts.csv (workspace time zone UTC):
    # X in March 2024: originals/quotes 101, 102, 105, 107 = 4 (106 is 1 April), reply 103,
    # repost 104; February: 90 (original) and 91 (quote) = 2. Facebook March: f1, f2.
    march = _dashboard(c, "/w/alpha/?month=2024-03")
    assert (_figure(march, "x", "posts"), _figure(march, "x", "replies"), _figure(march, "x", "reposts")) == ("4", "1", "1")
    assert _figure(march, "facebook", "posts") == "2"
    # no follower counts in posts.csv: not available, with its reason, never 0
    assert _figure(march, "x", "followers") == ""
    assert "gives no follower counts" in march
    assert '<option value="2024-02">February 2024</option>' in march
    feb = _dashboard(c, "/w/alpha/?month=2024-02")
    assert _figure(feb, "x", "posts") == "2"
    assert c.get("/w/alpha/?month=2024-13").status_code == 400


def test_a_demo_folder_gets_a_working_demo_login_at_each_start(tmp_path):
    from smi.web.serve import DEMO_EMAIL, startup_lines
    from smi.web.users import Users
    from smi.workspace import Workspace

    Workspace.create(tmp_path / "demo", name="Demo").close()
    (tmp_path / "demo" / "data").mkdir()
    (tmp_path / "demo" / "data" / "manifest.json").write_text("{}")  # what `smi demo` leaves
    first = startup_lines(tmp_path / "demo")[1]
    m = re.fullmatch(rf"demo login: {DEMO_EMAIL} / (\S+) \(an admin; a new password at each start\)", first)
    assert m, first
    users = Users(tmp_path / "demo")
    assert users.authenticate(DEMO_EMAIL, m.group(1), "test").role == "admin"
    second = re.search(r" / (\S+) ", startup_lines(tmp_path / "demo")[1]).group(1)
    assert second != m.group(1)
    assert users.authenticate(DEMO_EMAIL, m.group(1), "test") is None  # the old one no longer works
