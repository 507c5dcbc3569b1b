"""An error page says its detail in the reader's language: Welsh where the web catalogue has
it (no lang="en" mark), English on an English page. (A detail with no Welsh entry, e.g. one
naming its own numbers, stays marked lang="en" on a Welsh page: smi.web.app's error handler.)"""

from __future__ import annotations

import re

from tests.web.conftest import PASSWORD, csrf


def _login(site, email: str, lang: str):
    c = site.client()
    c.headers["accept-language"] = lang
    token = csrf(c.get("/login").text)
    r = c.post("/login", data={"csrf": token, "email": email, "password": PASSWORD})
    assert r.status_code == 303, r.text
    return c


def _alert(html: str) -> str:
    m = re.search(r'<p class="error" role="alert"([^>]*)>(.*?)</p>', html, re.S)
    assert m, "no error paragraph on the page"
    return m.group(1) + "|" + m.group(2).strip()


def test_a_missing_workspace_is_said_in_welsh_on_a_welsh_page(site):
    r = _login(site, "beta@example.org", "cy").get("/w/alpha/")
    assert r.status_code == 404
    # the Welsh written for this detail in web.po, by hand
    assert _alert(r.text) == "|nid oes gweithle o&#39;r fath" or _alert(r.text) == "|nid oes gweithle o'r fath"
    assert 'lang="cy"' in r.text


def test_the_same_page_in_english_has_the_english_detail_unmarked(site):
    r = _login(site, "beta@example.org", "en").get("/w/alpha/")
    assert r.status_code == 404
    assert _alert(r.text) == "|no such workspace"


def test_a_month_typed_wrong_is_said_in_welsh(site):
    r = _login(site, "member@example.org", "cy").get("/w/alpha/", params={"month": "2026-13x"})
    assert r.status_code == 400
    assert _alert(r.text) == "|rhaid i&#39;r mis fod yn YYYY-MM, e.e. 2026-10" or \
        _alert(r.text) == "|rhaid i'r mis fod yn YYYY-MM, e.e. 2026-10"
