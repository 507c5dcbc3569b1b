"""In Debian's Chromium: the weekly time grid done by keyboard alone at a phone's width and a
laptop's (no horizontal scroll), and names and notes holding <script> and attribute breakers
shown as text, never run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.web.conftest import PASSWORD
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS, no_horizontal_scroll

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)")]

HOSTILE = '"><script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def _browser(p, width: int):
    browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return browser, page, problems


def _tab_to(page, element_id: str, most: int = 40) -> None:
    """Press Tab until the element has the focus (a keyboard user reaches it), else fail."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} cannot be reached with Tab")


def _sign_in_by_keyboard(page, url: str, email: str) -> None:
    page.goto(url + "/login")
    _tab_to(page, "email")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(url + "/")


@pytest.mark.parametrize("width", [390, 1280])
def test_a_week_of_time_by_keyboard_alone(site, tmp_path, width):
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get("SMI_WEB_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    week = "2026-09-07" if width == 390 else "2026-09-14"  # a Monday each, one week per run
    with sync_playwright() as p:
        browser, page, problems = _browser(p, width)
        _sign_in_by_keyboard(page, site.url, "member@example.org")
        page.goto(f"{site.url}/w/alpha/time/week?week={week}")
        assert no_horizontal_scroll(page), "the week grid scrolls sideways"
        page.screenshot(path=str(shots / f"week-{width}.png"), full_page=True)
        # keyboard only: focus the first row's activity, choose "replying", Tab to Monday, type
        _tab_to(page, "platform_0")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "activity_0"
        if page.evaluate("document.activeElement.value") == "create":  # a new row starts at posting
            page.keyboard.press("ArrowDown")  # posting -> replying
        assert page.evaluate("document.activeElement.value") == "engage"  # (or remembered from last week)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "h_0_0"
        page.keyboard.type("1.5")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "h_0_2"
        page.keyboard.type("0,5")
        page.keyboard.press("Enter")  # submits the form
        page.wait_for_selector("p.ok")
        assert page.inner_text("p.ok") == "Logged 2 new entries; 0 already logged."
        assert no_horizontal_scroll(page)
        page.screenshot(path=str(shots / f"week-logged-{width}.png"), full_page=True)
        browser.close()
    with site.app.state.server.hosts["alpha"].open() as ws:
        got = ws.store.rows("SELECT date::VARCHAR AS d, minutes, activity FROM effort WHERE person = 'Mari Jones' "
                            "AND date >= ?::DATE AND date < ?::DATE + 7 ORDER BY d", [week, week])
    # by hand: Monday 1.5 h = 90 min and Wednesday 0.5 h = 30 min of replying (engage)
    day0 = week
    day2 = week[:-2] + f"{int(week[-2:]) + 2:02d}"
    assert got == [{"d": day0, "minutes": 90.0, "activity": "engage"}, {"d": day2, "minutes": 30.0, "activity": "engage"}]
    assert problems == []


def test_hostile_names_and_notes_are_shown_as_text(site, tmp_path):
    from playwright.sync_api import sync_playwright
    from tests.web.conftest import csrf

    from smi.web.users import Users

    Users(site.root).add("hostile@example.org", "member", PASSWORD, ["alpha"], HOSTILE)
    c = site.login("hostile@example.org")
    r = c.post("/w/alpha/time", data={"csrf": csrf(c.get("/w/alpha/time").text), "date_0": "2026-08-03",
                                      "hours_0": "1", "activity_0": "plan", "note_0": HOSTILE})
    assert r.status_code == 200, r.text[:300]
    with sync_playwright() as p:
        browser, page, problems = _browser(p, 1280)
        _sign_in_by_keyboard(page, site.url, "hostile@example.org")
        for path in ("/w/alpha/time", "/w/alpha/time/week?week=2026-08-03"):
            page.goto(site.url + path)
            assert page.evaluate("window.__xss") is None, path  # nothing ran
            assert page.locator("script:not([src])").count() == 0, path
            assert page.locator("img").count() == 0, path
            assert HOSTILE in page.inner_text("main"), path  # shown, as text
        browser.close()
    assert all("Content Security Policy" not in m for m in problems)  # not even tried: escaped first


@pytest.mark.parametrize("width", [390, 1280])
def test_profile_page_fits_in_both_languages(site, tmp_path, width):
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get("SMI_WEB_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser, page, problems = _browser(p, width)
        _sign_in_by_keyboard(page, site.url, "adviser@example.org")
        page.goto(site.url + "/w/alpha/profile")
        assert no_horizontal_scroll(page), "the profile scrolls sideways"
        page.screenshot(path=str(shots / f"profile-{width}.png"), full_page=True)
        page.click("button[lang=cy]")
        page.wait_for_selector("html[lang=cy]")
        assert page.locator("h1").inner_text() == "Proffil"
        assert no_horizontal_scroll(page)
        page.screenshot(path=str(shots / f"profile-cy-{width}.png"), full_page=True)
        page.click("button[lang=en]")
        page.wait_for_selector("html[lang=en]")
        browser.close()
    assert problems == []
