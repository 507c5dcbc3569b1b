"""Text the library writes itself (import summaries and errors, "not available" reasons, metric
descriptions) is said in Welsh in the Welsh edition and on Welsh web pages: each is a message
(smi.messages) with a Welsh entry in src/smi/report/locale/cy/LC_MESSAGES/smi.po, while the CLI's
English stays word for word as it was. The expected English strings below are written by hand
from the f-strings the code had before it built messages; the Welsh ones are the catalogue's
words, checked here for the parts a reader needs (file, line, field, the fix)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from smi.messages import M, P, en_p, english, render, untranslated
from smi.report.i18n import Words, po_path, translations

SRC = Path(__file__).resolve().parents[2] / "src" / "smi"
# the modules whose messages this covers: every M/P/N_ msgid in them needs a Welsh entry
MODULES = ["errors.py", "importer.py", "sources/columns.py", "sources/canonical_csv.py", "sources/files.py",
           "metrics/availability.py", "metrics/months.py", "web/hosts.py", "web/app.py"]


def _placeholders(text: str) -> list[str]:
    return sorted(set(re.findall(r"%\((\w+)(?:\|\w+)?\)s", text)))


@pytest.fixture(scope="module")
def cy():
    with po_path("cy").open("rb") as f:
        return read_po(f, locale="cy")


@pytest.fixture(scope="module")
def cy_web():
    # the web app looks in its own catalogue first (smi.web.i18n), then in the report's
    with (SRC / "web" / "locale" / "cy" / "LC_MESSAGES" / "web.po").open("rb") as f:
        return read_po(f, locale="cy")


def test_every_message_of_these_modules_has_a_welsh_entry(cy, cy_web):
    ids = []
    for rel in MODULES:
        for _line, message, _comments, _ctx in extract_from_file(
                "python", SRC / rel, keywords={"M": None, "P": (1, 2), "N_": None}):
            if isinstance(message, str) or (message and all(message)):  # not M(a_variable)
                ids.append((rel, message))
    assert len(ids) > 90  # the extraction found them
    missing, broken = [], []
    for rel, mid in ids:
        key = mid if isinstance(mid, str) else mid[0]
        entry = cy.get(key)
        if (entry is None or not entry.string) and rel.startswith("web/"):
            entry = cy_web.get(key)
        forms = [] if entry is None else ([entry.string] if isinstance(entry.string, str) else list(entry.string))
        if not forms or not all(forms):
            missing.append(key)
            continue
        plural = mid[1] if not isinstance(mid, str) else key
        for form in forms:
            # a Welsh form may leave out %(n)s ("1 rhybudd" says it in words) but adds none
            if not set(_placeholders(form)) <= set(_placeholders(key)) | set(_placeholders(plural)):
                broken.append(key)
    assert missing == [] and broken == []


def test_every_catalogue_metric_has_a_welsh_description_and_unit(cy):
    from smi.metrics import load_all

    missing = []
    for m in load_all().values():
        for text in (m.description, m.unit):
            entry = cy.get(text)
            if entry is None or not entry.string or (entry.string == text and text not in ("currency",)):
                missing.append((m.name, text))
    assert len(load_all()) >= 69
    assert missing == []


def test_a_bad_number_is_said_in_welsh_naming_file_line_field_and_fix():
    from smi.errors import SourceError
    from smi.sources.columns import parse_int

    with pytest.raises(SourceError) as e:
        parse_int("12k", file="posts.csv", record="line 2", field="impressions")
    # the CLI's English, as the f-strings wrote it
    assert str(e.value) == ("posts.csv, line 2, field 'impressions': '12k' is not a number (expected a whole "
                            "number such as 1,234)\n  fix: correct the cell, or leave it blank if the number is "
                            "not available")
    w = Words("cy")
    said, fix = w.say(e.value.said), w.say(e.value.fix_said)
    assert said == "posts.csv, llinell 2, maes 'impressions': nid yw '12k' yn rhif (disgwylid rhif cyfan fel 1,234)"
    assert fix == "cywirwch y gell, neu gadewch hi'n wag os nad yw'r rhif ar gael"
    assert not untranslated(e.value.said, w.t) and not untranslated(e.value.fix_said, w.t)


@pytest.mark.parametrize("make, english_text, welsh_bits", [
    ("date", "a.csv, line 3, field 'published': 'soon' is not a date and time (expected an ISO 8601 time such as "
             "2026-10-03T18:30:00+01:00 or %d/%m/%Y)", ["llinell 3", "maes 'published'", "nid yw 'soon' yn ddyddiad ac amser",
                                                      "disgwylid amser ISO 8601", "neu %d/%m/%Y"]),
    ("missing", "a.csv, line 1 (header): the header has no column 'Likes' (expected a Test export with columns "
                "'Post ID', 'Likes')", ["llinell 1 (pennawd)", "nid oes colofn 'Likes' yn y pennawd",
                                        "allforio Test gyda'r colofnau 'Post ID', 'Likes'"]),
    ("too_large", "big.json: is over 1.0 KB, more than a Meta export ever is (a zip bomb or a wrong file)",
     ["big.json", "mae dros 1.0 KB, mwy nag y bydd allforio Meta byth"]),
    ("zip_total", "x.zip: expands to 2.0 GB, more than smi reads from a zip (1.0 GB)",
     ["x.zip", "mae'n ehangu i 2.0 GB"]),
])
def test_common_import_errors_in_welsh(make, english_text, welsh_bits, monkeypatch):
    import io
    import zipfile

    from smi.errors import SourceError
    from smi.sources import columns, files

    def raise_it():
        if make == "date":
            columns.parse_datetime("soon", file="a.csv", record="line 3", field="published", formats=("%d/%m/%Y",))
        elif make == "missing":
            cmap = columns.ColumnMap("Test", [columns.Column("post_id", ("Post ID",), True),
                                               columns.Column("likes", ("Likes",), True)])
            cmap.match(["Post ID"], "a.csv")
        elif make == "too_large":
            files.read_whole(io.BytesIO(b"x" * 2000), "big.json", "a Meta export", limit=1024)
        else:
            monkeypatch.setattr(files, "ZIP_MAX_TOTAL", 1 << 30)
            info = zipfile.ZipInfo("a.csv")
            info.file_size, info.compress_size = 2 << 30, 1 << 30
            files.check_zip_bounds("x.zip", [info])

    with pytest.raises(SourceError) as e:
        raise_it()
    assert e.value.message == english_text
    w = Words("cy")
    said = w.say(e.value.said)
    for bit in welsh_bits:
        assert bit in said, said
    assert not untranslated(e.value.said, w.t), said
    assert e.value.fix_said is not None and not untranslated(e.value.fix_said, w.t)


def test_a_duplicate_column_in_a_canonical_csv_is_said_in_welsh(tmp_path):
    from smi.errors import SourceError
    from smi.importer import run_import
    from smi.workspace import Workspace

    (tmp_path / "posts.csv").write_text("platform,post_id,account,published_at,Post_ID\nx,1,@a,2026-10-01,2\n")
    with Workspace.create(tmp_path / "ws", name="Org", timezone="UTC") as ws:
        report = run_import(ws, [tmp_path / "posts.csv"])
    err = report.failed[0].error
    assert isinstance(err, SourceError)
    where = str(tmp_path / "posts.csv")
    assert err.message == f"{where}, line 1, field 'Post_ID': the column 'Post_ID' appears twice"
    w = Words("cy")
    assert w.say(err.said) == f"{where}, llinell 1, maes 'Post_ID': mae'r golofn 'Post_ID' yn ymddangos ddwywaith"
    assert w.say(err.fix_said) == "tynnwch un o'r ddwy golofn, neu rhowch enw arall iddi"


@pytest.mark.parametrize("header, closest", [("colour,shape", False), ("Post ID,Reactions,Comments,Shares", True)])
def test_an_unknown_file_is_said_in_welsh_with_the_formats_descriptions_marked_english(tmp_path, header, closest):
    from smi.errors import UnknownFormatError
    from smi.importer import run_import
    from smi.workspace import Workspace

    (tmp_path / "notes.csv").write_text(header + "\n" + ",".join("1" * len(header.split(","))) + "\n")
    with Workspace.create(tmp_path / "ws", name="Org", timezone="UTC") as ws, \
            pytest.raises(UnknownFormatError) as e:
        run_import(ws, [tmp_path / "notes.csv"])
    where = str(tmp_path / "notes.csv")
    assert e.value.message.startswith(f"{where}: no importer recognises this file")
    assert ("closest formats" in e.value.message) == closest
    w = Words("cy")
    said = w.say(e.value.said)
    assert said.startswith(f"{where}: nid oes mewnforiwr yn adnabod y ffeil hon"), said
    assert ("y fformatau agosaf" in said) == closest
    assert "smi sources" in w.say(e.value.fix_said) and "rhedwch" in w.say(e.value.fix_said)
    # no msgid is left untranslated; a format's description (`reads`) is English, marked so in HTML
    assert not untranslated(e.value.said, w.t, en_text=False)
    html = str(w.say_html(e.value.said))
    assert "nid oes mewnforiwr" in html and ('<span lang="en">' in html) == closest
    assert untranslated(e.value.said, w.t) == closest


def test_import_summary_in_welsh_with_plural_forms():
    from smi.importer import UnitResult

    def summary(warnings: int, snaps: int) -> UnitResult:
        return UnitResult("posts.csv", "canonical_csv", "imported",
                          {"posts": {"new": 12408, "updated": 2, "unchanged": 0}, "post_metrics": {"new": snaps}},
                          ["w"] * warnings)

    # the CLI's English as before (hand-written from the old f-strings)
    assert summary(2, 3).summary() == "posts 12,408 new, 2 updated, 0 unchanged; 3 metric snapshots; 2 warnings"
    w = Words("cy")
    # Welsh counts: the singular noun after a number, mutated after 2 (soft) and 3 (aspirate)
    assert w.say(summary(2, 3).summary_message()) == (
        "postiadau: 12,408 newydd, 2 wedi'u diweddaru, 0 heb newid; 3 chiplun o fetrigau; 2 rybudd")
    assert w.say(summary(1, 2).summary_message()).endswith("; 2 giplun o fetrigau; 1 rhybudd")
    assert w.say(summary(5, 5).summary_message()).endswith("; 5 ciplun o fetrigau; 5 rhybudd")
    unchanged = UnitResult("posts.csv", "canonical_csv", "unchanged")
    assert unchanged.summary() == "already imported; nothing changed"
    assert w.say(unchanged.summary_message()) == "wedi'i fewnforio eisoes; dim wedi newid"


def test_a_line_of_english_is_caught_and_marked():
    """The checks above fail on English: a msgid the catalogue lacks, or English text inside a
    message, is reported untranslated, and HTML marks the English text lang="en"."""
    tr = translations("cy")
    assert untranslated(M("a sentence no translator has seen"), tr)
    assert untranslated(M("%(where)s: %(problem)s", where="a.csv", problem=en_p("some English")), tr)
    assert not untranslated(M("%(where)s: %(problem)s", where="a.csv", problem=en_p("some English")), tr,
                            en_text=False)  # ... for HTML, which marks that text itself:
    html = render(M("%(where)s: %(problem)s", where="a.csv", problem=en_p("<b>English</b>")), tr, "cy", html=True)
    assert html == 'a.csv: <span lang="en">&lt;b&gt;English&lt;/b&gt;</span>'
    w = Words("cy")
    assert str(w.lang_attr(M("a sentence no translator has seen"))) == ' lang="en"'
    assert str(w.lang_attr(P("%(n)s warning", "%(n)s warnings", 2))) == ""
    # in English nothing is marked
    assert str(Words("en").lang_attr(M("a sentence no translator has seen"))) == ""
    assert english(M("a sentence no translator has seen")) == "a sentence no translator has seen"


def test_not_available_reasons_in_welsh():
    """A reason smi.metrics.availability gives, said in Welsh (the whole month and one platform)."""
    from smi.messages import month_p

    w = Words("cy")
    reason = M("no import covers %(where)s", where=M("%(period)s on %(platforms)s", period=month_p("2026-11"),
                                                       platforms="Facebook"))
    assert english(reason) == "no import covers November 2026 on Facebook"
    assert w.say(reason) == "nid oes mewnforiad yn cwmpasu Tachwedd 2026 ar Facebook"
    held = P("no import covering %(where)s holds %(what)s (the %(sources)s does not)",
             "no import covering %(where)s holds %(what)s (the %(sources)s do not)", 1,
             where=month_p("2026-11"), what=M("time-log entries"), sources="Toggl detailed report")
    assert english(held) == ("no import covering November 2026 holds time-log entries (the Toggl detailed report "
                             "does not)")
    assert w.say(held) == ("nid oes mewnforiad sy'n cwmpasu Tachwedd 2026 yn dal cofnodion y log amser (nid yw "
                           "Toggl detailed report yn eu dal)")
    assert not untranslated(held, w.t)
