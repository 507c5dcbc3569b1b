"""The forms that change and remove, in Debian's Chromium: the profile's items, the week's
time entries and the actions' statuses, each page with zero axe-core WCAG 2.2 A/AA
violations in English and Welsh once it lists items (the all-pages axe test sees them
empty), a change made through the page's own controls, and names with markup shown inert."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.web.conftest import csrf
from tests.web.test_axe import AXE, TAGS, _check
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS, no_horizontal_scroll
from tests.web.test_browser_admin import _sign_in_by_keyboard

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)")]

WEEKS = {390: "2026-09-07", 1280: "2026-09-14"}  # one week each run: the site is shared by both
PRISTINE: dict[str, str] = {}
HOSTILE = '<script>alert(1)</script>"><b onmouseover=alert(2)>'
ITEMS = f"""
[[accounts]]
platform = "x"
handle = "betaorg"
official = true

[[people]]
name = '{HOSTILE}'
role = "Officer"
handles = ["x:@ceri", "mastodon:@a_long_handle_of_the_theatre@social.example.org"]  # long: must wrap at 390 px

[[goals]]
name = "Fill the season"
purpose = "promote"
[[goals.kpis]]
metric = "engagements"
target = 500
"""


@pytest.mark.parametrize("width", [390, 1280])
def test_change_and_remove_forms_in_chromium(site, tmp_path, width):
    from playwright.sync_api import sync_playwright

    from smi.profile import ProfileFile

    shots = Path(os.environ.get("SMI_WEB_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    toml = site.root / "beta" / "workspace.toml"
    base = PRISTINE.setdefault("beta", toml.read_text(encoding="utf-8"))
    toml.write_text(base + ITEMS, encoding="utf-8")
    WEEK = WEEKS[width]
    c = site.login("admin@example.org")  # person: "admin"
    html = c.get(f"/w/beta/time/week?week={WEEK}").text
    r = c.post(f"/w/beta/time/week?week={WEEK}", data={"csrf": csrf(html), "platform_0": "x", "activity_0": "create",
                                                       "h_0_0": "1", "h_0_1": "2"})
    assert r.status_code == 200, r.text[:300]
    page_html = c.get("/w/beta/meeting").text
    assert c.post("/w/beta/actions", data={"csrf": csrf(page_html), "title": HOSTILE}).status_code == 303
    pages = ["/w/beta/profile", f"/w/beta/time/week?week={WEEK}", "/w/beta/meeting"]
    source = AXE.read_text(encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})  # to inject axe
        page = context.new_page()
        alerts: list[str] = []
        page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
        _sign_in_by_keyboard(page, site.url, "admin@example.org")
        found = _check(page, site.url, pages, source, "en")
        # the profile: change the account through its own "Change" form
        page.goto(site.url + "/w/beta/profile")
        assert no_horizontal_scroll(page), "the profile scrolls sideways"
        item = page.locator("li[data-account='x:@betaorg']")
        item.locator("summary").click()
        item.locator("input[name=account]").fill("x:@betaorg_cymru")
        item.locator("select[name=whose]").select_option("personal")
        item.locator("button[type=submit]", has_text="Save the account").click()
        page.wait_for_selector("p.ok")
        assert [(a.handle, a.official) for a in ProfileFile(toml).model.accounts] == [("betaorg_cymru", False)]
        # the hostile name is shown as text, in the list and in the form's value
        person = page.locator("li[data-person]")
        assert person.get_attribute("data-person") == HOSTILE
        assert HOSTILE in person.inner_text()
        assert person.locator("input[name=name]").input_value() == HOSTILE
        assert page.locator("li[data-person] b").count() == 0
        page.screenshot(path=str(shots / f"forms-profile-{width}.png"), full_page=True)
        # the week: correct Tuesday's 2 h to 1.5 h, then remove Monday's hour
        page.goto(f"{site.url}/w/beta/time/week?week={WEEK}")
        assert no_horizontal_scroll(page), "the week's entries scroll sideways"
        entries = page.locator("li[data-entry]")
        assert entries.count() == 2
        tuesday = entries.nth(1)
        tuesday.locator("input[name=hours]").fill("1.5")
        tuesday.locator("button[value=correct]").click()
        page.wait_for_selector("p.ok")
        page.locator("li[data-entry]").nth(0).locator("button[value=remove]").click()
        # a page asks first; its own form, reached and answered by keyboard, passes axe
        page.wait_for_selector("h1#confirm-title")
        assert page.locator("h1#confirm-title").inner_text() == "Remove this time entry?"
        page.add_script_tag(content=source)
        asked = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
        found["en confirm"] = [v["id"] for v in asked["violations"]]
        assert no_horizontal_scroll(page), "the question scrolls sideways"
        page.screenshot(path=str(shots / f"forms-confirm-{width}.png"), full_page=True)
        assert page.locator("li[data-entry]").count() == 0 and page.locator("a", has_text="No, keep it").count() == 1
        page.locator("form.confirm button[type=submit]").focus()
        page.keyboard.press("Enter")
        page.wait_for_selector("text=The entry is removed.")
        assert page.locator("li[data-entry]").count() == 1
        assert page.locator("li[data-entry] input[name=hours]").input_value() == "1.5"
        page.screenshot(path=str(shots / f"forms-week-{width}.png"), full_page=True)
        # the meeting room: the action (a hostile title) set in progress
        page.goto(site.url + "/w/beta/meeting")
        row = page.locator("#action-list tr[data-status=open]").last
        row.locator("select[name=status]").select_option("in_progress")
        row.locator("button", has_text="Set").click()
        page.wait_for_selector("#action-list tr[data-status=in_progress]")
        assert HOSTILE in page.locator("#action-list tr[data-status=in_progress]").last.inner_text()
        page.screenshot(path=str(shots / f"forms-meeting-{width}.png"), full_page=True)
        # Welsh: the same pages with their items
        page.click("button[lang=cy]")
        page.wait_for_selector("html[lang=cy]")
        assert page.locator("#action-list tr[data-status=in_progress] .status-word").last.inner_text() == "ar waith"
        found.update(_check(page, site.url, pages, source, "cy"))
        page.click("button[lang=en]")
        page.wait_for_selector("html[lang=en]")
        browser.close()
    assert alerts == []  # no script of the hostile name ran
    assert sorted(found) == sorted([*(f"{lang} {p}" for lang in ("en", "cy") for p in pages), "en confirm"])  # each page answered
    bad = {k: v for k, v in found.items() if v}
    assert not bad, bad
