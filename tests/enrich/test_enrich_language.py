"""Language labels: real Welsh sentences, bilingual posts, the default language set."""

from __future__ import annotations

import pytest

from smi.enrich.language import LanguageDetector, combine, segments


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.shared
def test_real_welsh_sentences_are_welsh(real, detector):
    # techiaith (CC0): all 7,000 lines are Welsh; measured 0.991 in low-accuracy mode
    # (docs/accuracy.md). The first 2,000 keep the test fast.
    lines = (real("welsh-techiaith-cc0-sentences") / "cy.txt").read_text(encoding="utf-8").splitlines()
    texts = [t for t in lines if t.strip()][:2000]
    got = detector.detect(texts)
    assert sum(g == "cy" for g in got) / len(texts) >= 0.98


@pytest.mark.parametrize("text", [
    "Croeso! Welcome!",
    "Diolch yn fawr i bawb ddaeth i'r sioe neithiwr.\n\nThank you to everyone who came to the show last night.",
    "Tocynnau ar werth nawr. Tickets on sale now.",
])
def test_bilingual_posts_are_cy_en(detector, text):
    assert detector.detect_one(text) == "cy+en"


@pytest.mark.parametrize(("text", "expected"), [
    ("Mae'r caffi ar agor tan bump o'r gloch heddiw.", "cy"),
    ("The café is open until five o'clock today.", "en"),
    ("Le café est ouvert jusqu'à dix-sept heures aujourd'hui.", "fr"),
    # One English word in a Welsh sentence is Welsh, not a bilingual post.
    ("Roedd y show yn wych neithiwr, diolch i bawb.", "cy"),
])
def test_single_language(detector, text, expected):
    assert detector.detect_one(text) == expected


def test_no_language_for_empty_or_tiny_text(detector):
    assert detector.detect(["", None, "ok", "👍👍", "https://example.org/x"]) == [None] * 5


def test_same_text_twice_gets_the_same_label(detector):
    t = "Diolch yn fawr am eich cefnogaeth eleni."
    assert detector.detect([t, "Thanks for your support this year.", t]) == ["cy", "en", "cy"]


def test_segments_drop_links_and_tags():
    assert segments("@ourtheatre Croeso! https://x.org/a #sioe\nWelcome!") == ["Croeso!", "Welcome!"]


def test_combine_needs_a_real_second_language():
    assert combine([("cy", 60), ("en", 40)]) == "cy+en"
    assert combine([("en", 60), ("cy", 40)]) == "cy+en"  # always written cy+en
    assert combine([("cy", 90), ("en", 10)]) == "cy"  # under a fifth of the letters
    assert combine([("cy", 60), ("fr", 40)]) == "cy"  # not a pair smi labels bilingual
    assert combine([(None, 10)]) is None
