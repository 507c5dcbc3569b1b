"""axe-core (vendored, tests/vendor/axe-core) in Debian's Chromium on every page of the app,
in English and in Welsh, with zero WCAG 2.2 A/AA violations. The pages are read from the
app's router (every GET route), so a new page is checked without editing this file."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest
from tests.web.conftest import csrf
from tests.web.test_access import about_an_item, fill, routes
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS
from tests.web.test_browser_admin import _sign_in_by_keyboard

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe-4.14.1.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def test_vendored_axe_is_the_pinned_file():
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256
    assert (AXE.parent / "LICENSE").read_text(encoding="utf-8").startswith("Mozilla Public License")


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)")
def test_every_page_has_no_axe_violations_in_both_languages(site):
    from playwright.sync_api import sync_playwright

    admin = site.login("admin@example.org")
    token = csrf(admin.get("/w/alpha/upload").text)
    r = admin.post("/w/alpha/upload", data={"csrf": token},
                   files=[("files", ("posts.csv", (FIXTURES / "sample_org" / "posts.csv").read_bytes()))])
    job = r.headers["location"].rsplit("/", 1)[1]
    deadline = time.time() + 240
    while 'class="figures"' not in admin.get("/w/alpha/").text:  # the dashboard with its month
        assert time.time() < deadline, "the month was not worked out in time"
        time.sleep(1)
    # every page but those about one item this workspace does not hold (a finding, a written
    # report and its stylesheet: their ids are made up here, so they answer 404)
    pages = ["/login"] + [fill(t, "alpha", job) for m, t in routes(site.app)
                          if m == "GET" and t not in ("/login", "/favicon.ico") and not about_an_item(t)]
    source = AXE.read_text(encoding="utf-8")
    found: dict[str, list] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(bypass_csp=True)  # only so the test can inject axe
        page = context.new_page()
        page.goto(site.url + "/login")
        found.update(_check(page, site.url, ["/login"], source, "en"))
        _sign_in_by_keyboard(page, site.url, "admin@example.org")
        for lang in ("en", "cy"):
            if lang == "cy":
                page.goto(site.url + "/")
                page.click("button[lang=cy]")
                page.wait_for_selector("html[lang=cy]")
            found.update(_check(page, site.url, pages[1:], source, lang))
        page.goto(site.url + "/")
        page.click("button[lang=en]")
        page.wait_for_selector("html[lang=en]")
        # the check can fail: an image without a text alternative is reported
        page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\\'/favicon.ico\\'>')")
        page.add_script_tag(content=source)
        planted = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
        assert "image-alt" in [v["id"] for v in planted["violations"]]
        browser.close()
    assert len(found) >= 2 * (len(pages) - 1) + 1
    bad = {k: v for k, v in found.items() if v}
    assert not bad, json.dumps(bad, indent=1)[:4000]


def _check(page, url: str, paths: list[str], source: str, lang: str) -> dict[str, list]:
    out = {}
    for path in paths:
        resp = page.goto(url + path)
        if resp is None or resp.status != 200:
            continue  # a route that needs more than its path (checked by its own tests)
        assert page.get_attribute("html", "lang") == lang, path
        page.add_script_tag(content=source)
        result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
        out[f"{lang} {path}"] = [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
                                 for v in result["violations"]]
    return out
