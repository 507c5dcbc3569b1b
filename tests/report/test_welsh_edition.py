"""The Welsh edition is Welsh: no line of its body is the English edition's line, except lines
made only of names, numbers, handles, URLs, quoted words of the audience or the posts, and
commands (the allow-list below). Built from the demo, so every detector's text that fires on
it is said through the catalogue."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from smi.demo import build_demo
from smi.monthly import run_month
from smi.platforms import PLATFORMS
from smi.report import write_report

MONTH = "2025-06"
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "td", "th", "dt", "dd", "caption", "figcaption", "summary"}
SKIP = {"code", "svg", "pre", "script", "style"}

pytestmark = pytest.mark.slow


class Lines(HTMLParser):
    """The text of each block element of <main>, one line per block (code, charts and quoted post
    texts left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.stack: list[list[str]] = []
        self.skip = 0
        self.main = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "main":
            self.main = True
        cls = dict(attrs).get("class") or ""
        if tag in SKIP or (tag == "td" and "text" in cls.split()):
            self.skip += 1
        elif tag in BLOCKS and self.main:
            self.stack.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.main = False
        if tag in SKIP or (tag == "td" and self.skip and not self.stack):
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCKS and self.stack:
            text = " ".join("".join(self.stack.pop()).split())
            if text:
                self.lines.append(text)

    def handle_data(self, data: str) -> None:
        if self.stack and not self.skip:
            self.stack[-1].append(data)


def body_lines(html: str) -> list[str]:
    parser = Lines()
    parser.feed(html)
    return parser.lines


def allowed(line: str, names: set[str]) -> bool:
    """True when the line holds no words of either language: only names, numbers, handles, URLs,
    quoted text, ids and units."""
    rest = line
    for name in sorted(names, key=len, reverse=True):
        rest = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", rest)
    rest = re.sub(r"“[^”]*”|‘[^’]*’|\"[^\"]*\"", " ", rest)  # quoted words of the audience or a post
    rest = re.sub(r"https?://\S+|@\S+|\b[a-z]+:[\w.-]+", " ", rest)  # URLs, handles, account ids
    rest = re.sub(r"\S*/\S*|\S+\.(?:js|csv|zip|json|ndjson|xlsx|txt)\b\S*", " ", rest)  # paths and file names
    rest = re.sub(r"\b[a-z]+(?:_[a-z0-9]+)+\b", " ", rest)  # ids (a source's name, a metric's)
    rest = re.sub(r"\b[0-9a-f]{6}\b", " ", rest)  # finding ids
    rest = re.sub(r"[\d.,:%×+\-–—/()·;*#=<>?!]+", " ", rest)  # numbers and punctuation
    rest = re.sub(r"\b(h|Q\d|C\d|n|p|q|x|GBP|£)\b", " ", rest)
    return not re.search(r"[^\W\d_]{2,}", rest)


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    demo = build_demo(tmp_path_factory.mktemp("demo") / "ws", seed=7, until=MONTH)
    ws = demo.workspace
    out = tmp_path_factory.mktemp("reports")
    html = {}
    for lang in ("en", "cy"):
        (path,) = write_report(ws, month=MONTH, out_dir=out, formats="html", lang=lang)
        html[lang] = path.read_text(encoding="utf-8")
    month = run_month(ws, MONTH)  # the same (cached) month both editions rendered
    profile = ws.profile
    names = {profile.organisation.name, *PLATFORMS.values(), *PLATFORMS}
    names |= {p.name for p in getattr(profile, "people", [])}
    names |= {g.name for g in getattr(profile, "goals", [])}
    names |= {p["excerpt"] for p in month.top_posts if p.get("excerpt")}
    names |= {p["handle"] for p in month.top_posts if p.get("handle")}
    # the learning survey's free-text answers: people's own words, shown as they wrote them
    names |= {t for item in (month.learning or {}).get("items", []) for r in item.get("texts", [])
              for t in r.get("texts", [])}
    # the practice records' own words (initiatives, their outcomes, actions, the meeting's
    # decisions) and the stakeholder groups' names: written by the team, shown as written
    ini = month.initiatives or {}
    names |= {x["title"] for part in ("board", "added", "rescored", "closed") for x in ini.get(part, [])}
    names |= {x["outcome"] for x in ini.get("closed", []) if x.get("outcome")}
    names |= {a["title"] for a in month.actions} | {x["action_title"] for x in ini.get("actions_done", [])}
    names |= set((month.meeting or {}).get("decisions", [])) | {g.name for g in profile.groups}
    for f in month.findings + month.resolved:  # evidence that is data, not words: names, quoted messages
        for row in f.get("evidence") or []:
            names |= {v for v in row.values() if isinstance(v, str)}
    ws.close()
    return html, month, names


def test_no_line_of_the_welsh_body_is_the_english_one(editions):
    html, month, names = editions
    assert month.findings, "the demo month has findings (their texts are what this test reads)"
    en, cy = body_lines(html["en"]), body_lines(html["cy"])
    assert len(cy) > 100  # the parser found the body
    english = set(en)
    same = [line for line in cy if line in english and not allowed(line, names)]
    assert same == [], f"{len(same)} Welsh lines are the English edition's: {same}"


def test_every_finding_text_of_the_welsh_edition_is_marked_welsh(editions):
    """A finding's title, summary and recommendation come from its messages: none is marked
    lang="en" in the Welsh edition (they were, all of them, before)."""
    html, month, _names = editions
    cy = html["cy"]
    for f in month.findings:
        art = re.search(rf'<article class="finding" id="finding-{f["id"]}".*?</article>', cy, re.S)
        assert art, f["id"]
        assert 'lang="en"' not in art.group(0), (f["detector"], f["title"])


def test_the_allow_list_lets_names_and_numbers_through_and_not_words():
    names = {"Theatr Glan-y-Môr", "Facebook"}
    assert allowed("Theatr Glan-y-Môr · Facebook: 1,234 (12.5%)", names)
    assert allowed("“Why is the gate locked?” @theatr https://example.org x:theatrglanymor", names)
    assert allowed("data/csv/posts.csv · canonical_csv · data/tweets.js, data/account.js", names)
    assert allowed("x_archive", names | {"x"}) and allowed("/data/mastodon/a.zip!outbox.json", names | {"mastodon"})
    assert not allowed("Facebook: posts a day fell 40%", names)
    assert not allowed("Recommendation", names)
