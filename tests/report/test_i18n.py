"""Every word the report writes has a Welsh translation; Welsh numbers, dates and mutations."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po

import smi.report
from smi.metrics import load_all
from smi.report.i18n import Words, po_path, welsh_after
from smi.report.model import DESCRIPTIONS, KEY_METRICS

REPORT = Path(smi.report.__file__).parent
SMI = REPORT.parent
METHODS = [
    ("**.py", "python", {}),
    ("**/templates/**.j2", "jinja2", {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}),
]


def source_msgids() -> set[str]:
    """The strings marked for translation in the report's code and templates, and the metric
    catalogue's display names (smi.labels), extracted now."""
    out = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        REPORT, method_map=[(p, m) for p, m, _ in METHODS],
        options_map={p: o for p, _, o in METHODS}, keywords={"_": None, "N_": None, "gettext": None},
    ):
        out.add(message if isinstance(message, str) else message[0])
    # The month object's messages (reasons for "not available", chain stages): smi/monthly.py;
    # the catalogue's display names: smi/labels.py.
    for path in (SMI / "monthly.py", SMI / "labels.py"):
        for _line, message, _comments, _ctx in extract_from_file("python", path, keywords={"N_": None}):
            out.add(message if isinstance(message, str) else message[0])
    return out | finding_msgids()


def finding_msgids() -> set[str]:
    """The finding texts the detectors and the engine build as messages (smi.messages:
    M, P with its plural, N_ for bare terms), and the plural units the messages say."""
    out = {"%(n)s minute", "%(n)s hour", "%(n)s day"}
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        SMI / "insights", method_map=[("**.py", "python")], keywords={"M": None, "P": (1, 2), "N_": None},
    ):
        out.add(message if isinstance(message, str) else message[0])
    return out


def placeholders(text: str) -> list[str]:
    """The %(name)s placeholders of a msgid or translation; a Welsh mutation (%(name|soft)s) names its
    parameter too."""
    return sorted(re.findall(r"%\((\w+)(?:\|\w+)?\)s", text))


@pytest.fixture(scope="module")
def welsh():
    with po_path("cy").open("rb") as f:
        return read_po(f, locale="cy")


def test_every_msgid_has_a_welsh_translation(welsh):
    ids = source_msgids()
    assert len(ids) > 80  # the extraction found the template and the Python strings
    missing = sorted(i for i in ids if not (welsh.get(i) and welsh.get(i).string))
    assert missing == [], f"add these to {po_path('cy')}: {missing}"
    fuzzy = sorted(m.id for m in welsh if m.id and m.fuzzy)
    assert fuzzy == []


def test_translations_keep_the_placeholders(welsh):
    for m in welsh:
        if not m.id:
            continue
        if m.pluralizable:  # every plural form says what the English plural says (a form may leave out %(n)s)
            plural = set(placeholders(m.id[1])) | set(placeholders(m.id[0]))
            assert len(m.string) == 6, m.id  # Welsh: zero, one, two, few, many, other
            for form in m.string:
                assert set(placeholders(form)) <= plural and set(placeholders(m.id[0])) - {"n"} <= set(
                    placeholders(form)), (m.id, form)
        else:
            assert placeholders(m.id) == placeholders(m.string), m.id


def test_every_finding_message_is_extracted_and_translated(welsh):
    """The detectors' messages are in the catalogue: a detector that wrote a new English sentence
    without a Welsh one fails here (the extraction found them: practice's formats, service's plurals)."""
    ids = finding_msgids()
    assert {"video posts", "%(n)s question left unanswered (%(share_a)s)", "the three months before",
            "%(platform)s: %(what)s do better than %(other)s"} <= ids
    missing = sorted(i for i in ids if not (welsh.get(i) and welsh.get(i).string))
    assert missing == []


def test_the_key_metrics_descriptions_are_marked_for_translation():
    catalogue = load_all()
    assert sorted(DESCRIPTIONS) == sorted(catalogue[n].description for n in KEY_METRICS)


def test_welsh_numbers_and_dates():
    cy, en = Words("cy"), Words("en")
    assert cy.month(date(2026, 10, 1)) == "Hydref 2026"
    assert cy.month("2025-06") == "Mehefin 2025" and en.month("2025-06") == "June 2025"
    assert cy.day("2026-10-05") == "5 Hyd 2026" and en.day("2026-10-05") == "5 Oct 2026"
    assert cy.num(1234567) == "1,234,567" and cy.num(None) == "ddim ar gael"
    assert en.num(None) == "not available"
    assert cy.pct(-12.34) == "-12.3%" and cy.change(700) == "+700"
    assert cy._("Followers at month end") == "Dilynwyr ar ddiwedd y mis"


def test_welsh_conjunctions_mutate_the_next_word():
    assert welsh_after("neu", "cadwadau") == ("neu", "gadwadau")  # soft mutation
    assert welsh_after("a", "cadwadau") == ("a", "chadwadau")  # aspirate mutation
    assert welsh_after("a", "argraffiadau") == ("ac", "argraffiadau")
    assert welsh_after("neu", "ymatebion") == ("neu", "ymatebion")
    assert Words("cy").join(["ymatebion", "sylwadau", "cadwadau"], "or", mutate=True) == \
        "ymatebion, sylwadau neu gadwadau"


def test_an_unknown_language_is_refused():
    from smi.errors import SmiError

    with pytest.raises(SmiError, match="no language 'fr'"):
        Words("fr")


def test_the_month_objects_messages_are_extracted():
    """smi/monthly.py marks the reasons a number is not available (the report translates them)."""
    ids = source_msgids()
    assert {"%(source)s gives no %(what)s", "no post published in %(month)s has %(what)s", "follower counts",
            "Out-takes"} <= ids
