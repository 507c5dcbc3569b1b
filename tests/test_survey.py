"""The learning survey (smi.survey): items in the profile, rounds, answers stored per person
and round by `smi survey` (stdin in these tests), the anonymised summary the Month holds and
the report's "Outcomes: learning" section in English and Welsh.

Expected values are hand counts of the answers each test writes (written beside them)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from smi.errors import ProfileError, SmiError
from smi.importer import run_import
from smi.monthly import Month, run_month
from smi.profile import Profile
from smi.report.i18n import Words
from smi.report.markdown import render_markdown
from smi.report.model import model_from_month
from smi.store.survey import answers
from smi.survey import MIN_GROUP, next_round, record, round_of, summary
from smi.workspace import Workspace

SAMPLE = Path(__file__).resolve().parent / "fixtures" / "sample_org"
PEOPLE = ("Ceri Jones", "Dai Evans", "Non Pugh", "Alun Wyn")
SURVEY = """
[survey]
every_months = 3

[[survey.items]]
id = "confidence_posting"
topic = "confidence"
en = "How confident are you posting for us?"
cy = "Pa mor hyderus ydych chi'n postio ar ein rhan?"

[[survey.items]]
id = "hours_enough"
topic = "time"
kind = "scale"
min = 0
max = 10
en = "Is there enough time for social media?"
cy = "A oes digon o amser i'r cyfryngau cymdeithasol?"

[[survey.items]]
id = "learned"
topic = "skills"
kind = "text"
en = "What did you learn?"
cy = "Beth ddysgoch chi?"
"""


def _profile(extra: str = SURVEY) -> Profile:
    import tomllib

    return Profile.model_validate({"organisation": {"name": "T"}, **tomllib.loads(extra)})


def _with_survey(root: Path) -> Workspace:
    ws = Workspace.open(root)
    for name in PEOPLE:
        ws.profile_file.add_person(name, [], None, None, None)
    ws.close()
    with (root / "workspace.toml").open("a", encoding="utf-8") as f:
        f.write(SURVEY)
    return Workspace.open(root)


# -- rounds ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("day", "every", "expected"), [
    (date(2025, 5, 10), 3, "2025-04"),  # quarters: April-June
    (date(2025, 3, 31), 3, "2025-01"),
    (date(2025, 5, 10), 6, "2025-01"),  # halves
    (date(2025, 7, 1), 6, "2025-07"),
    (date(2025, 5, 10), 1, "2025-05"),  # months
    (date(2025, 12, 31), 12, "2025-01"),  # years
    (date(2000, 1, 1), 5, "2000-01"),  # the count starts in January 2000
    (date(2000, 6, 1), 5, "2000-06"),  # 5 months after it
])
def test_round_of(day, every, expected):
    assert round_of(day, every) == expected


def test_next_round_crosses_the_year():
    assert next_round("2025-10", 3) == "2026-01"
    assert next_round("2025-07", 6) == "2026-01"


# -- the profile -----------------------------------------------------------------------------------
def test_items_are_checked():
    p = _profile()
    assert [i.id for i in p.survey.items] == ["confidence_posting", "hours_enough", "learned"]
    assert (p.survey.items[1].min, p.survey.items[1].max) == (0, 10)
    with pytest.raises(ValueError, match="survey topic"):
        _profile('[[survey.items]]\nid = "a"\ntopic = "mood"\nen = "E"\ncy = "C"\n')
    with pytest.raises(ValueError, match="given twice"):
        _profile('[[survey.items]]\nid = "a"\ntopic = "time"\nen = "E"\ncy = "C"\n'
                 '[[survey.items]]\nid = "a"\ntopic = "time"\nen = "E"\ncy = "C"\n')
    with pytest.raises(ValueError, match="Welsh"):
        _profile('[[survey.items]]\nid = "a"\ntopic = "time"\nen = "E"\ncy = " "\n')
    with pytest.raises(ValueError, match="max"):
        _profile('[[survey.items]]\nid = "a"\ntopic = "time"\nen = "E"\ncy = "C"\nmin = 3\nmax = 3\n')


def test_a_bad_item_in_workspace_toml_names_the_field(make_ws):
    root = make_ws()
    with (root / "workspace.toml").open("a", encoding="utf-8") as f:
        f.write('[survey]\n[[survey.items]]\nid = "Bad Id"\ntopic = "time"\nen = "E"\ncy = "C"\n')
    with pytest.raises(ProfileError) as e:
        Workspace.open(root)
    assert e.value.field == "survey.items.0.id" and "lower-case letters" in e.value.message


# -- the summary -----------------------------------------------------------------------------------
def _rows(answers: dict[str, dict[str, list]]) -> list[dict]:
    """{round: {person: [confidence, hours, text]}} as store rows."""
    out = []
    for rd, people in answers.items():
        for person, (conf, hours, text) in people.items():
            for item, score, txt in (("confidence_posting", conf, None), ("hours_enough", hours, None),
                                     ("learned", None, text)):
                if score is not None or txt is not None:
                    out.append({"person": person, "round": rd, "item": item, "score": score, "text": txt})
    return out


def test_summary_means_change_and_suppression():
    rows = _rows({
        "2025-01": {"Ceri": [2, 4, "b"], "Dai": [3, 5, "A"], "Non": [2, None, "c"], "Alun": [1, 6, None]},
        "2025-04": {"Ceri": [4, 4, "z"], "Dai": [3, 9, "y"], "Non": [3, None, None], "Alun": [None, None, "x"]},
    })
    s = summary(_profile(), rows)
    assert s["rounds"] == [{"round": "2025-01", "people": 4}, {"round": "2025-04", "people": 4}]
    conf, hours, learned = s["items"]
    # confidence: 2025-01 (2+3+2+1)/4 = 2.0; 2025-04 (4+3+3)/3 = 3.333
    assert [(r["n"], r["mean"]) for r in conf["rounds"]] == [(4, 2.0), (3, 3.333)]
    # paired: Ceri +2, Dai 0, Non +1 (Alun gave no score in 2025-04) -> mean 1.0, 2 higher, 1 same
    assert conf["change"] == {"from": "2025-01", "to": "2025-04", "n": 3, "shown": True,
                              "mean_change": 1.0, "higher": 2, "same": 1, "lower": 0}
    # hours: 2025-01 three people (4, 5, 6) -> 5.0; 2025-04 two people: suppressed, and so the change
    assert [(r["n"], r["mean"], r["shown"]) for r in hours["rounds"]] == [(3, 5.0, True), (2, None, False)]
    assert hours["change"] == {"from": "2025-01", "to": "2025-04", "n": 2, "shown": False}
    # texts: 3 in each round, alphabetical whatever the case, not in the people's order
    assert learned["texts"] == [{"round": "2025-01", "texts": ["A", "b", "c"]},
                                {"round": "2025-04", "texts": ["x", "y", "z"]}]
    assert s["suppressed"] == 2  # the hours cell of 2025-04 and its change
    text = json.dumps(s)
    assert not any(name in text for name in ("Ceri", "Dai", "Non", "Alun"))


def test_a_round_under_the_minimum_shows_no_mean_and_no_text():
    assert MIN_GROUP == 3
    rows = _rows({"2025-01": {"Ceri": [5, 5, "only us"], "Dai": [1, 1, "two"]}})
    conf, _hours, learned = summary(_profile(), rows)["items"]
    assert conf["rounds"] == [{"round": "2025-01", "n": 2, "shown": False, "mean": None}]
    assert conf["change"] is None  # one round: nothing to compare
    assert learned["texts"] == []


def test_no_items_no_summary():
    assert summary(_profile(""), []) == {}


# -- smi survey ------------------------------------------------------------------------------------
def _run(*args: str, input: str | None = None):
    from smi.cli import app

    return CliRunner().invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)


def test_smi_survey_asks_stores_and_says_when_due(make_ws):
    root = make_ws()
    _with_survey(root).close()
    listed = _run("survey", "-w", root)
    assert listed.exit_code == 0, listed.output
    assert listed.output.count("due now") == 4 and "4 of 4 people due" in listed.output

    # "9" is out of 1..5: asked again; "" skips the hours item; then a text
    r = _run("survey", "--person", "non pugh", "-w", root, input="9\n4\n\nDysgais lawer\n")
    assert r.exit_code == 0, r.output
    assert "type a whole number from 1 to 5" in r.output
    assert "saved 2 answers of 3 items for Non Pugh" in r.output
    ws = Workspace.open(root)
    rows = [{k: r[k] for k in ("person", "round", "item", "score", "text")} for r in answers(ws.store)]
    today = datetime.now(UTC).date()
    rd = round_of(today, 3)
    assert rows == [{"person": "Non Pugh", "round": rd, "item": "confidence_posting", "score": 4, "text": None},
                    {"person": "Non Pugh", "round": rd, "item": "learned", "score": None, "text": "Dysgais lawer"}]
    ws.close()
    listed = _run("survey", "-w", root)
    assert f"answered for this round ({rd}); next due from {next_round(rd, 3)}" in listed.output
    assert "3 of 4 people due" in listed.output

    # answering again in the round replaces the answers; asked in Welsh
    r = _run("survey", "--person", "Non Pugh", "--lang", "cy", "-w", root, input="2\n7\n\n")
    assert r.exit_code == 0, r.output
    assert "Pa mor hyderus" in r.output and "answering again replaces" in r.output
    ws = Workspace.open(root)
    assert [{k: r[k] for k in ("item", "score")} for r in answers(ws.store)] == [
        {"item": "confidence_posting", "score": 2}, {"item": "hours_enough", "score": 7}]
    ws.close()


def test_smi_survey_refuses_an_unknown_person_and_empty_answers(make_ws):
    root = make_ws()
    _with_survey(root).close()
    r = _run("survey", "--person", "Nobody", "-w", root, input="3\n")
    assert r.exit_code == 1 and "'Nobody' is not a person in the profile" in r.output
    r = _run("survey", "--person", "Dai Evans", "-w", root, input="\n\n\n")
    assert r.exit_code == 1 and "no answers given for Dai Evans: nothing was stored" in r.output
    ws = Workspace.open(root)
    assert ws.store.rows("SELECT count(*) AS n FROM survey_responses") == [{"n": 0}]
    with pytest.raises(SmiError, match="unknown survey item: nope"):
        record(ws, "Dai Evans", {"nope": "3"})
    with pytest.raises(SmiError, match="from 0 to 10"):
        record(ws, "Dai Evans", {"confidence_posting": "3", "hours_enough": "11"})
    assert ws.store.rows("SELECT count(*) AS n FROM survey_responses") == [{"n": 0}]  # checked before writing
    ws.close()


def test_smi_survey_without_items_says_how_to_add_them(make_ws):
    r = _run("survey", "-w", make_ws())
    assert r.exit_code == 1 and "defines no survey items" in r.output and "[[survey.items]]" in r.output


# -- the month and the report ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def surveyed(tmp_path_factory):
    """tests/fixtures/sample_org (month 2024-03) with the survey answered in two rounds by four
    people, and a third answer after the month (which the month must not show)."""
    root = tmp_path_factory.mktemp("survey") / "ws"
    Workspace.create(root, name="Sample Org", timezone="UTC").close()
    ws = _with_survey(root)
    assert not run_import(ws, [SAMPLE]).failed
    first, second, later = (datetime(2023, 11, 20, tzinfo=UTC), datetime(2024, 3, 5, tzinfo=UTC),
                            datetime(2024, 4, 2, tzinfo=UTC))
    scores = {"Ceri Jones": (2, 3), "Dai Evans": (3, 3), "Non Pugh": (1, 4), "Alun Wyn": (2, None)}
    for name, (a, b) in scores.items():
        record(ws, name, {"confidence_posting": str(a), "learned": f"learned {a}"}, first)
        if b is not None:
            record(ws, name, {"confidence_posting": str(b)}, second)
    record(ws, "Alun Wyn", {"confidence_posting": "5"}, later)
    yield ws
    ws.close()


def test_the_month_holds_the_anonymised_learning_and_round_trips(surveyed):
    m = run_month(surveyed, "2024-03", findings=False)
    learning = m.learning
    # rounds: 2023-10 (Oct-Dec, four people) and 2024-01 (Jan-Mar, three); April's answer is after the month
    assert learning["rounds"] == [{"round": "2023-10", "people": 4}, {"round": "2024-01", "people": 3}]
    conf = learning["items"][0]
    assert [r["mean"] for r in conf["rounds"]] == [2.0, 3.333]  # (2+3+1+2)/4, (3+3+4)/3
    assert conf["change"]["mean_change"] == 1.333 and conf["change"]["higher"] == 2  # +1, 0, +3
    again = Month.from_json(m.to_json())
    assert again == m and again.to_json() == m.to_json()
    assert not any(n.split()[0] in m.to_json() for n in PEOPLE)
    assert learning["items"][2]["texts"] == [{"round": "2023-10", "texts": ["learned 1", "learned 2", "learned 2",
                                                                          "learned 3"]}]


def test_the_report_shows_learning_in_english_and_welsh(surveyed):
    m = run_month(surveyed, "2024-03", findings=False)
    en = render_markdown(model_from_month(m, Words("en")), Words("en"))
    cy = render_markdown(model_from_month(m, Words("cy")), Words("cy"))
    section = en.split("## Outcomes: learning", 1)[1].split("\n## ", 1)[0]
    assert "| How confident are you posting for us? | confidence | 2.0 of 5 (4 people) | 3.3 of 5 (3 people) |" in section
    assert "+1.3: 2 of 3 people higher, 1 the same, 0 lower" in section
    assert "| Is there enough time for social media? | time | – | – | – |" in section  # nobody answered it
    assert "Dai Evans" not in section and "Non Pugh" not in section
    section_cy = cy.split("## Canlyniadau: dysgu", 1)[1].split("\n## ", 1)[0]
    assert "Pa mor hyderus ydych chi'n postio ar ein rhan?" in section_cy
    assert "2.0 o 5 (4 o bobl)" in section_cy and "+1.3: 2 o 3 o bobl yn uwch" in section_cy
    # every line but the people's own words (the text answers) differs between the languages
    en_lines = {x for x in section.splitlines() if x.strip() and not x.startswith(("|---", "- "))}
    assert not en_lines & set(section_cy.splitlines())


def test_the_html_report_has_the_learning_section(surveyed):
    from smi.report.render import render_html

    m = run_month(surveyed, "2024-03", findings=False)
    html = render_html(model_from_month(m, Words("cy")), Words("cy"))
    section = html.split('<section id="learning">', 1)[1].split("</section>", 1)[0]
    assert "<h2>Canlyniadau: dysgu</h2>" in section
    assert "<td>2.0 o 5 (4 o bobl)</td>" in section
    assert 'href="#learning"' in html  # in the contents


def test_smi_forget_erases_a_persons_answers(make_ws):
    root = make_ws()
    ws = _with_survey(root)
    for name in ("Non Pugh", "Dai Evans"):
        record(ws, name, {"confidence_posting": "3", "learned": "a lot"}, datetime(2025, 1, 5, tzinfo=UTC))
    ws.close()
    r = _run("forget", "Non Pugh", "--yes", "-w", root)
    assert r.exit_code == 0, r.output
    ws = Workspace.open(root)
    assert sorted({x["person"] for x in answers(ws.store)}) == ["Dai Evans"]
    ws.close()
