"""Rendered pages kept with the month view they show (smi.web.month.MonthView).

A month view is made once per month, language and data version (smi.web.hosts.Host.month)
and dropped when the data changes, so a page kept on it is keyed by the data it read. The
rest of the key is everything else the page reads: the session (user, role, workspaces,
workspaces), the language, the path and the query. The page is rendered for a stand-in
of the session whose e-mail address and CSRF token are marks, replaced by the real ones on
each view: so users of one role share one rendering. A page view then costs a dictionary
look-up and two replacements instead of rendering ~70 KB of template (the dashboard's p95
with 20 users at once, bench/web.py). Only pages that read nothing but the view and the
session may be kept.
"""

from __future__ import annotations

import dataclasses
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

PAGES_PER_VIEW = 64  # the most recently used pages kept per view (~70 KB each)
_LOCK = threading.Lock()
# letters and digits only: HTML escaping leaves them as they are; random: no data holds them
EMAIL_MARK = "smiemail" + secrets.token_hex(12)
CSRF_MARK = "smicsrf" + secrets.token_hex(12)


def page_key(s: Any, lang: str, path: str, query: str, fragment: bool, template: str) -> tuple[Any, ...]:
    u = s.user
    return (template, lang, path, query, fragment, u.role, u.person, tuple(u.workspaces))


def stand_in(s: Any) -> Any:
    """The session with its e-mail address and CSRF token replaced by the marks."""
    return dataclasses.replace(s, csrf=CSRF_MARK, user=dataclasses.replace(s.user, email=EMAIL_MARK))


def cached_page(view: Any, s: Any, key: tuple[Any, ...], render: Callable[[Any], str]) -> str:
    """The page for `key` and session `s`, kept on `view`: `render(session)` renders it for
    the stand-in session the first time; the marks are replaced by `s`'s own values."""
    from markupsafe import escape

    with _LOCK:
        pages: OrderedDict[tuple[Any, ...], str] | None = getattr(view, "_web_pages", None)
        if pages is None:
            pages = OrderedDict()
            view._web_pages = pages
        html = pages.get(key)
        if html is not None:
            pages.move_to_end(key)
    if html is None:
        html = render(stand_in(s))
        with _LOCK:
            pages[key] = html
            while len(pages) > PAGES_PER_VIEW:
                pages.popitem(last=False)
    return html.replace(EMAIL_MARK, str(escape(s.user.email))).replace(CSRF_MARK, str(escape(s.csrf)))
