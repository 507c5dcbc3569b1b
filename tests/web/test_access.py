"""Every route of the app, as every role, as a member of another workspace and signed out;
and every POST route without (or with a wrong) CSRF token. The list of routes is read from
the app's router, so a route added later is covered without editing this file.

Expected answers are written from the rules of issue 12, not from the code: admin sees
everything; adviser and member the workspaces assigned (member and adviser may upload and
log time, a viewer only reads); a workspace a user may not see answers 404, the same as one
that does not exist; signed out, every page but the sign-in sends to /login."""

from __future__ import annotations

import re

import pytest
from starlette.routing import Mount, Route
from tests.web.conftest import USERS

SECRET = "beta-only note 7f3a"  # logged in beta's time log: no one outside beta may see it
PUBLIC = {"/login", "/favicon.ico"}
# Capability a workspace page needs beyond seeing the workspace, by its path's first segment
# after /w/{ws}/ (routes not named here are expected to answer a viewer with 200 or 403,
# never 404 or 5xx; what they show is checked by their own tests).
WRITE = {"upload", "uploads", "time"}  # member, adviser, admin
ADMINISTER = {"profile", "delivery"}  # adviser, admin


def routes(app) -> list[tuple[str, str]]:
    """(method, path template) of every route in the app's router (HEAD left out)."""
    out = []
    for r in app.routes:
        if isinstance(r, Mount) or not isinstance(r, Route):
            continue
        for m in sorted(r.methods or {"GET"}):
            if m != "HEAD":
                out.append((m, r.path))
    return out


# Path parameters besides the workspace: a real metric name; ids, months and report files no
# workspace holds here (an int where the route converts one, so the router matches it).
PARAMS = {"name": "posts", "month": "2026-11", "lang": "en", "fid": "x1"}
# Routes about one item that may not exist (a finding, an action, a written report): to a user
# who sees the workspace they may answer 404 (no such item) or 409 (no month to show it in).
ITEM = {"fid", "aid", "month"}


def fill(template: str, ws: str, job: str) -> str:
    params = {"ws": ws, "job": job, **PARAMS}
    return re.sub(r"\{(\w+)(:\w+)?\}",
                  lambda m: params.get(m.group(1), "999999" if m.group(2) == ":int" else "x1"), template)


def about_an_item(template: str) -> bool:
    return any(f"{{{k}" in template for k in ITEM)


def can_see(email: str | None, ws: str) -> bool:
    if email is None:
        return False
    role, assigned, _ = USERS[email]
    return role == "admin" or ws in assigned


def expected(email: str | None, method: str, template: str, ws: str) -> set[int]:
    if email is None:
        if template in PUBLIC:
            return {200, 204} if method == "GET" else {401, 403}  # no e-mail and password
        return {303}
    if not template.startswith("/w/{ws}"):
        return {200, 204} if method == "GET" else {400, 403}
    if not can_see(email, ws):
        return {404}
    role = USERS[email][0]
    first = template.removeprefix("/w/{ws}/").split("/", 1)[0]
    if first in WRITE and role == "viewer":
        return {403}
    if first in ADMINISTER and role in ("viewer", "member"):
        return {403}
    if about_an_item(template):
        return {200, 303, 400, 403, 404, 409}  # the item is not there: never 5xx, never a leak (checked below)
    if method == "POST":
        return {200, 303, 400, 403, 409}  # an empty form: refused or nothing done, never 404 or 5xx
    if first == "uploads":
        return {200} if ws == "alpha" else {404}  # the job is alpha's
    return {200, 403} if first not in WRITE | ADMINISTER | {""} else {200}


@pytest.fixture(scope="module")
def prepared(site):
    """A real upload in alpha (its job id) and a secret note in beta's time log."""
    import time

    from tests.web.conftest import csrf

    admin = site.login("admin@example.org")
    token = csrf(admin.get("/w/alpha/upload").text)
    r = admin.post("/w/alpha/upload", data={"csrf": token},
                   files=[("files", ("effort.csv", b"person,date,minutes\nMari Jones,2026-11-02,30\n"))])
    assert r.status_code == 303, r.text
    job = r.headers["location"].rsplit("/", 1)[1]
    deadline = time.time() + 120
    while 'data-state="done"' not in admin.get(r.headers["location"]).text:
        assert time.time() < deadline, "the upload did not finish"
        time.sleep(0.3)
    token = csrf(admin.get("/w/beta/time").text)
    r = admin.post("/w/beta/time", data={"csrf": token, "date_0": "2026-11-02", "hours_0": "1",
                                          "activity_0": "plan", "note_0": SECRET})
    assert r.status_code == 200 and SECRET in r.text  # shown where it may be: the check below can fail
    return job


IDENTITIES = [None, *USERS]


@pytest.mark.slow
def test_every_route_as_every_role(site, prepared):
    from tests.web.conftest import csrf

    table = routes(site.app)
    assert ("GET", "/w/{ws}/") in table and ("POST", "/w/{ws}/upload") in table  # the router was read
    wrong = []
    for email in IDENTITIES:
        c = site.client() if email is None else site.login(email)
        token = csrf(c.get("/login" if email is None else "/").text)
        for method, template in table:
            if template in ("/logout",) and email is not None:
                continue  # would end the session used for the rest (tested in test_web.py)
            for ws in ("alpha", "beta"):
                if "{ws}" not in template and ws == "beta":
                    continue
                path = fill(template, ws, prepared)
                r = c.get(path) if method == "GET" else c.post(path, data={"csrf": token})
                want = expected(email, method, template, ws)
                if r.status_code not in want:
                    wrong.append((email, method, path, r.status_code, sorted(want)))
                if email is None or not can_see(email, "beta"):
                    assert SECRET not in r.text, (email, method, path)
                if r.status_code == 303 and email is None and template not in PUBLIC:
                    assert r.headers["location"] == "/login"
    assert not wrong, "\n".join(map(str, wrong))


def test_an_upload_of_one_workspace_is_not_found_under_another(site, prepared):
    admin = site.login("admin@example.org")
    assert admin.get(f"/w/alpha/uploads/{prepared}").status_code == 200
    assert admin.get(f"/w/beta/uploads/{prepared}").status_code == 404
    assert site.login("beta@example.org").get(f"/w/alpha/uploads/{prepared}").status_code == 404


def test_every_post_route_rejects_a_missing_or_wrong_csrf_token(site):
    member = site.login("adviser@example.org")
    before = site.app.state.server.users.audit_log()
    posts = [t for m, t in routes(site.app) if m == "POST"]
    assert "/w/{ws}/time" in posts
    for template in posts:
        path = fill(template, "alpha", "x1")
        for data in ({}, {"csrf": "wrong"}):
            c = site.client() if template == "/login" else member
            r = c.post(path, data={**data, "lang": "cy", "hours_0": "1", "date_0": "2026-11-02"})
            assert r.status_code == 403, (path, data, r.status_code)
    assert site.app.state.server.users.audit_log() == before  # nothing was done
    assert member.get("/").status_code == 200  # still signed in: /logout was refused too
