"""The dashboard's caches (smi.web.pagecache, smi.web.findings.finding_charts): a page is
rendered once per month view, role and request, and each user still gets their own e-mail
address and CSRF token; charts are drawn once per view and language. The expected pages are
written out by hand below, not taken from the cache's output."""

from __future__ import annotations

from types import SimpleNamespace

from smi.web.pagecache import cached_page, page_key
from smi.web.users import Session, User


def session(email: str, csrf: str, role: str = "viewer") -> Session:
    return Session(User(email, role, None, ["demo"]), csrf, "en")


def render_counting(calls: list[str]):
    def render(s: Session) -> str:
        calls.append(s.user.email)
        return f'<span class="who">{s.user.email} · {s.user.role}</span><input name="csrf" value="{s.csrf}">'
    return render


def test_one_rendering_per_role_each_user_sees_their_own_email_and_token():
    view = SimpleNamespace()
    calls: list[str] = []
    ann = session("ann@example.org", "tokenA")
    bob = session("o'neil&co@example.org", "tokenB")
    key_ann = page_key(ann, "en", "/w/demo/", "", False, "dashboard.html")
    key_bob = page_key(bob, "en", "/w/demo/", "", False, "dashboard.html")
    assert key_ann == key_bob  # same role, workspaces and request: one rendering
    assert cached_page(view, ann, key_ann, render_counting(calls)) == \
        '<span class="who">ann@example.org · viewer</span><input name="csrf" value="tokenA">'
    # the mark is escaped like Jinja escapes the real address: the real one is escaped here too
    assert cached_page(view, bob, key_bob, render_counting(calls)) == \
        '<span class="who">o&#39;neil&amp;co@example.org · viewer</span><input name="csrf" value="tokenB">'
    assert len(calls) == 1 and "example.org" not in calls[0]  # rendered once, for the stand-in


def test_another_role_query_or_language_is_rendered_again():
    view = SimpleNamespace()
    calls: list[str] = []
    viewer = session("ann@example.org", "t1")
    adviser = session("ann@example.org", "t1", role="adviser")
    for s, lang, query in ((viewer, "en", ""), (adviser, "en", ""), (viewer, "cy", ""), (viewer, "en", "question=Q2")):
        cached_page(view, s, page_key(s, lang, "/w/demo/", query, False, "dashboard.html"), render_counting(calls))
    assert len(calls) == 4
    cached_page(view, viewer, page_key(viewer, "cy", "/w/demo/", "", False, "dashboard.html"), render_counting(calls))
    assert len(calls) == 4  # that one was kept


def test_a_new_view_is_a_new_cache():
    """Host.month makes a new view when the data changes: nothing rendered from the old
    data is shown again."""
    calls: list[str] = []
    s = session("ann@example.org", "t1")
    key = page_key(s, "en", "/w/demo/", "", False, "dashboard.html")
    cached_page(SimpleNamespace(), s, key, render_counting(calls))
    cached_page(SimpleNamespace(), s, key, render_counting(calls))
    assert len(calls) == 2


def test_charts_are_drawn_once_per_model_and_language(monkeypatch):
    import smi.report.render as render
    from smi.web.findings import finding_charts

    drawn: list[tuple[int, str]] = []

    def fake(model, w):
        drawn.append((id(model), w.lang))
        return {"f1": {"svg": f"<svg>{w.lang}</svg>"}}

    monkeypatch.setattr(render, "finding_charts", fake)
    old, new = SimpleNamespace(), SimpleNamespace()
    en, cy = SimpleNamespace(lang="en"), SimpleNamespace(lang="cy")
    assert finding_charts(old, en) == {"f1": {"svg": "<svg>en</svg>"}}
    assert finding_charts(old, en) == {"f1": {"svg": "<svg>en</svg>"}}
    assert finding_charts(old, cy) == {"f1": {"svg": "<svg>cy</svg>"}}
    assert finding_charts(new, en) == {"f1": {"svg": "<svg>en</svg>"}}
    assert drawn == [(id(old), "en"), (id(old), "cy"), (id(new), "en")]


def test_an_export_read_as_the_upload_folder_is_named_by_its_files(tmp_path):
    """The Welsh journey's screenshot showed an empty "File" cell for an uploaded X archive:
    the importer's unit was the upload folder itself, and hiding server paths left nothing."""
    from smi.web.hosts import Host, Job

    folder = tmp_path / "demo-abc123"
    job = Job("j1", "demo", "ann@example.org", folder, ["account.js", "tweet.js"], 10)
    host = Host("demo", tmp_path)
    host._apply(job, ("start", str(folder), "x_archive", 10))
    host._apply(job, ("start", str(folder / "posts.csv"), "canonical", 5))
    assert [f.name for f in job.files] == ["account.js, tweet.js", "posts.csv"]
