"""The report's Q1 relationship map, initiatives board and "what moved since the last
meeting" on the demo (issue 13), in English and Welsh, HTML and Markdown.

Expected values are read by hand off src/smi/demo/organisation.toml (demo until June 2025):
meetings on 9 May and 9 June 2025; five initiatives agreed on 9 May. At the end of June:
"Saved replies for box-office questions" was closed as done on 20 June (not on the board);
the board, by impact over effort: "Cut workshop posting time by half" 3/1 = 3.00, "Monthly
partner spotlight on X" 5/2 = 2.50 (scored again on 12 June from 4/2; its one linked action
done on 14 June: 1 of 1), "Bring the community network onto the official Mastodon account"
4/3 = 1.33 (its action due 30 June, open: 0 of 1), "Quarterly update thread for funders"
2/2 = 1.00 (added 22 June). Since the meeting of 9 June: 1 added, 1 scored again, 1 done,
1 linked action done.

The month's figures are computed without the engine (the board needs none of its findings).
"""

from __future__ import annotations

import json
import re
from datetime import date
from html import unescape

import pytest

from smi.demo import build_demo
from smi.monthly import initiatives_of_month, last_meeting, relationships_of_month, run_month
from smi.report.i18n import Words
from smi.report.jsondoc import render_json
from smi.report.markdown import render_markdown
from smi.report.model import model_from_month
from smi.report.render import render_html

MONTH = "2025-06"
BOARD = [
    ("Cut workshop posting time by half", "Elin Prys", "3", "1", "3.00", "–"),
    ("Monthly partner spotlight on X", "Elin Prys", "5", "2", "2.50", "1 of 1"),
    ("Bring the community network onto the official Mastodon account", "Owain Davies", "4", "3", "1.33", "0 of 1"),
    ("Quarterly update thread for funders", "Siân Hughes", "2", "2", "1.00", "–"),
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    result = build_demo(tmp_path_factory.mktemp("demo") / "ws", seed=7, until=MONTH)
    ws = result.workspace
    m = run_month(ws, MONTH, findings=False, use_cache=False)
    m.with_findings = True  # the question sections, with no findings in them
    m.meeting = last_meeting(ws, date(2025, 6, 30))
    m.initiatives = initiatives_of_month(ws, m)
    m.relationships = relationships_of_month(ws, m)
    yield m
    ws.close()


def test_the_month_holds_the_board_and_the_moves(month):
    ini = month.initiatives
    assert ini["since"] == "2025-06-09" and ini["since_meeting"] and ini["until"] == "2025-06-30"
    assert [(b["title"], b["impact"], b["effort"], b["actions_done"], b["actions"]) for b in ini["board"]] == [
        (t, int(i), int(e), 1 if d == "1 of 1" else 0, 0 if d == "–" else 1) for t, _o, i, e, _p, d in BOARD]
    assert [(a["title"], a["impact"], a["effort"]) for a in ini["added"]] == [("Quarterly update thread for funders", 2, 2)]
    assert [(r["title"], r["before"], r["now"]) for r in ini["rescored"]] == [
        ("Monthly partner spotlight on X", [4, 2], [5, 2])]
    assert [(c["title"], c["status"], c["outcome"]) for c in ini["closed"]] == [
        ("Saved replies for box-office questions", "done", "12 saved replies in use")]
    assert [(a["title"], a["action_title"]) for a in ini["actions_done"]] == [
        ("Monthly partner spotlight on X", "Write the first partner spotlight")]


def test_markdown_in_english(month):
    md = render_markdown(model_from_month(month, Words("en")), Words("en"))
    q1 = md.split("### Initiatives", 1)[1].split("\n## ", 1)[0]
    assert "4 open at the end of June 2025" in q1
    rows = [tuple(c.strip() for c in line.strip("|").split("|")) for line in q1.splitlines()
            if line.startswith("| ") and not line.startswith("| Initiative")]
    assert rows == BOARD
    assert "#### What moved since the meeting of 9 Jun 2025" in q1
    assert [line[2:] for line in q1.splitlines() if line.startswith("- ")] == [
        "Added: Quarterly update thread for funders (impact 2, effort 2)",
        "Scored again: Monthly partner spotlight on X: impact 4 → 5, effort 2 → 2",
        "Done: Saved replies for box-office questions (12 saved replies in use)",
        "Linked action done: Write the first partner spotlight (for Monthly partner spotlight on X)",
    ]


def test_html_in_welsh(month):
    w = Words("cy")
    html = render_html(model_from_month(month, w), w)
    q1 = html.split('id="q1-initiatives"', 1)[1].split("</section>", 1)[0].split("<article", 1)[0]
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", q1)))
    assert "Mentrau" in text and "4 ar agor ar ddiwedd Mehefin 2025" in text
    assert f"Beth sydd wedi symud ers cyfarfod {w.day('2025-06-09')}" in text
    assert "Ychwanegwyd: Quarterly update thread for funders (effaith 2, ymdrech 2)" in text
    assert "Sgoriwyd eto: Monthly partner spotlight on X: effaith 4 → 5, ymdrech 2 → 2" in text
    assert "Wedi'i chwblhau: Saved replies for box-office questions (12 saved replies in use)" in text
    assert "Cam cysylltiedig wedi'i wneud: Write the first partner spotlight (ar gyfer Monthly partner spotlight on X)" in text
    assert "1 o 1" in text and "0 o 1" in text
    # the board's rows in order, inside the Q1 section
    titles = re.findall(r'<th scope="row">([^<]+)</th>', q1)
    assert titles == [b[0] for b in BOARD]
    assert html.index('id="q1-initiatives"') > html.index('data-question="Q1"')


def test_html_in_english_and_the_json(month):
    w = Words("en")
    model = model_from_month(month, w)
    html = render_html(model, w)
    assert "What moved since the meeting of 9 Jun 2025" in html
    doc = json.loads(render_json(model))
    assert [b["title"] for b in doc["initiatives"]["board"]] == [b[0] for b in BOARD]


def test_the_relationship_map(month):
    """The planted effects (smi.demo.effects, the manifest): the six partners get no message in
    June (the partners group: 0 people, 0 messages); Owain Davies alone talks with the 300
    community members on Mastodon, each mentioning him Poisson(1.5) times a month, so about
    300 x (1 - e^-1.5) = 233 of them in June are held by one person (180-300 allows for the
    draw and the staff's other single-held contacts)."""
    rel = month.relationships
    assert rel["groups"][0] == {"group": "partners", "counterparts": 0, "messages": 0, "holders": []}
    assert rel["groups"][-1]["group"] is None
    assert sum(g["counterparts"] for g in rel["groups"]) == rel["counterparts"]
    assert sum(g["messages"] for g in rel["groups"]) == rel["messages"]
    assert 180 <= rel["single_holder"] <= 300
    assert "Owain Davies" in rel["groups"][-1]["holders"]
    # connectors: two or more holders each, most holders first, then most messages
    keys = [(-len(c["holders"]), -c["messages"]) for c in rel["connectors"]]
    assert keys == sorted(keys) and all(len(c["holders"]) >= 2 for c in rel["connectors"])
    md = render_markdown(model_from_month(month, Words("en")), Words("en"))
    q1 = md.split("### Relationships", 1)[1].split("### Initiatives", 1)[0]
    assert "| partners | 0 | 0 | – |" in q1
    assert f"{rel['single_holder']:,} of them only one member of staff is in touch with" in q1
    w = Words("cy")
    html = unescape(render_html(model_from_month(month, w), w))
    assert "Perthnasoedd" in html and "| partners" not in html
    part = html.split('id="q1-relationships"', 1)[1].split('id="q1-initiatives"', 1)[0]
    assert "dim grŵp" in part and "Cysylltwyr" in part
