"""Finding texts as messages: said in English and in Welsh, with plural forms and mutations;
one Finding constructor and one chart builder keep the English fields and the messages as one."""

from __future__ import annotations

import json

import pytest

from smi.insights.finding import Effect, Finding, bar_chart, make_finding
from smi.messages import M, P, english, month_p, mutate, pct_p, platform_p, render
from smi.report import insights as ins
from smi.report.i18n import Words

UNANSWERED = ("%(n)s question left unanswered (%(share_a)s)", "%(n)s questions left unanswered (%(share_a)s)")


@pytest.fixture(scope="module")
def cy():
    return Words("cy")


def say(m, w):
    return render(m, w.t, w.locale)


def test_english_plurals_follow_the_count():
    assert english(P(*UNANSWERED, 1, share_a=pct_p(0.05))) == "1 question left unanswered (5%)"
    assert english(P(*UNANSWERED, 28, share_a=pct_p(0.4))) == "28 questions left unanswered (40%)"


@pytest.mark.parametrize(("n", "expected"), [
    # Welsh counts a singular noun, mutated after two (soft), three and six (aspirate):
    # "dau gwestiwn" is written "2 gwestiwn", "tri chwestiwn" "3 chwestiwn" (hand-written from the
    # grammar, not from the catalogue).
    (1, "1 cwestiwn heb ei ateb (5%)"),
    (2, "2 gwestiwn heb eu hateb (5%)"),
    (3, "3 chwestiwn heb eu hateb (5%)"),
    (6, "6 chwestiwn heb eu hateb (5%)"),
    (28, "28 cwestiwn heb eu hateb (5%)"),
])
def test_welsh_plurals_use_the_catalogues_six_forms(cy, n, expected):
    assert say(P(*UNANSWERED, n, share_a=pct_p(0.05)), cy) == expected


def test_nested_messages_and_typed_parameters_are_said_in_the_editions_language(cy):
    m = M("%(platform)s: %(what)s do better than %(other)s", platform=platform_p("instagram"),
          what=M("video posts"), other=M("image posts"))
    assert english(m) == "Instagram: video posts do better than image posts"
    # "na" takes the aspirate mutation: postiadau -> phostiadau
    assert say(m, cy) == "Instagram: mae postiadau fideo yn gwneud yn well na phostiadau delwedd"
    window = M("%(first)s to %(last)s", first=month_p("2026-08"), last=month_p("2026-11"))
    assert english(window) == "August 2026 to November 2026"
    assert say(window, cy) == "Awst 2026 i Dachwedd 2026"  # "i" softens the month: Tachwedd -> Dachwedd


def test_mutations():
    assert mutate("postiadau", "soft") == "bostiadau"
    assert mutate("postiadau", "aspirate") == "phostiadau"
    assert mutate("cwestiynau", "nasal") == "nghwestiynau"
    assert mutate("llais", "soft") == "lais"
    assert mutate("chwarae", "aspirate") == "chwarae"  # ch does not mutate again
    assert mutate("Tachwedd", "soft") == "Dachwedd"
    assert mutate("2026", "soft") == "2026"


def test_a_percentage_and_a_figure_read_as_people_read_them(cy):
    assert english(M("%(x)s", x=pct_p(0.00395))) == "0.4%"
    assert english(M("%(x)s", x={"figure": ["click_through_rate", 0.00395]})) == "0.4%"
    assert english(M("%(x)s", x={"figure": ["first_response_minutes_median", 90.0]})) == "1.5 hours"
    assert say(M("%(x)s", x={"figure": ["first_response_minutes_median", 30.0]}), cy) == "30 munud"


def finding(**kw):
    base = dict(detector="practice", question="Q2", metric="engagement_rate_impressions",
                subject={"platform": "instagram", "dimension": "format", "value": "video"},
                comparison="image posts", direction="higher", effect=Effect("ratio", 1.9), ci=(1.4, 2.5),
                p_value=0.001, n=26)
    return make_finding(**{**base, **kw})


def test_the_constructor_keeps_the_english_fields_and_the_messages_as_one():
    f = finding(title=M("%(platform)s: %(what)s do better than %(other)s", platform=platform_p("instagram"),
                        what=M("video posts"), other=M("image posts")),
                summary=[M("the three months before")], recommendation=M("official account"))
    assert f.title == "Instagram: video posts do better than image posts"
    assert f.summary == "the three months before" and f.recommendation == "official account"
    f2 = f.with_sentence(M("With it: %(titles)s.", titles="x"))
    assert f2.summary == "the three months before With it: x." and len(f2.messages["summary"]) == 2
    # the JSON a month stores holds the messages and comes back equal
    body = json.loads(json.dumps(f2.to_json()))
    assert body["messages"] == json.loads(json.dumps(f2.messages))
    assert Finding(**{**{k: v for k, v in body.items() if k not in ("effect", "ci")},
                      "effect": Effect(**body["effect"]), "ci": tuple(body["ci"])}).messages == body["messages"]


def test_the_report_says_a_findings_texts_in_welsh_and_falls_back_to_marked_english(cy):
    f = finding(title=M("%(platform)s: %(what)s do better than %(other)s", platform=platform_p("instagram"),
                        what=M("video posts"), other=M("image posts")),
                summary=M("the three months before"), recommendation=M("official account")).to_json()
    assert ins.say(f, "title", cy).startswith("Instagram: mae postiadau fideo")
    assert ins.said_in(f, "title", cy) is None
    # a text changed after its messages were built (or a finding stored before messages): English, marked
    changed = {**f, "title": "Something else"}
    assert ins.say(changed, "title", cy) == "Something else" and ins.said_in(changed, "title", cy) == "en"
    assert ins.said_in(changed, "title", Words("en")) is None


def test_the_chart_builder_keeps_group_names_as_messages_for_the_report(cy):
    from smi.report.charts import _chart_rows

    spec = bar_chart(M("%(platform)s: %(what)s", platform=platform_p("facebook"), what=M("posts a day")),
                     [{"group": M("video posts"), "value": 0.08}, {"group": "Dafydd Rowlands", "value": 0.05}],
                     "group", "value", M("engagement rate (by impressions)"))
    assert spec["title"] == "Facebook: posts a day"
    assert [r["group"] for r in spec["data"]["values"]] == ["video posts", "Dafydd Rowlands"]
    rows, title, _ = _chart_rows({"chart": spec, "metric": "engagement_rate_impressions"}, cy)
    assert [r["group"] for r in rows] == ["postiadau fideo", "Dafydd Rowlands"]
    assert title == "cyfradd ymgysylltu (yn ôl argraffiadau)"


def test_plain_report_words_mutate_like_messages():
    """Words._ (the report's own labels) honours a translation that mutates a parameter, as
    finding messages do: "i" takes the soft mutation, so December and June after it read
    "Ragfyr" and "Fehefin" (Welsh grammar: rh -> r, m -> f); English is untouched."""
    from smi.report.i18n import Words

    cy, en = Words("cy"), Words("en")
    assert cy._("%(first)s to %(last)s", first="Gorffennaf 2024", last="Rhagfyr 2024") == "Gorffennaf 2024 i Ragfyr 2024"
    assert cy._("%(first)s to %(last)s", first="Ionawr 2025", last="Mehefin 2025") == "Ionawr 2025 i Fehefin 2025"
    assert en._("%(first)s to %(last)s", first="July 2024", last="December 2024") == "July 2024 to December 2024"
