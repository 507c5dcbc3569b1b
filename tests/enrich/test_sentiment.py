"""English sentiment: sign on clear examples; NULL ('unknown') for anything not English."""

from __future__ import annotations

from smi.enrich.sentiment import label, scores


def test_english_sign():
    texts = ["I absolutely loved the show, brilliant cast!",
             "Terrible service, the worst evening ever. Very disappointed.",
             "The doors open at 7pm."]
    got = scores(texts, ["en", "en", "en"])
    assert got[0] > 0.5
    assert got[1] < -0.5
    assert got[2] == 0.0
    assert [label(s) for s in got] == ["positive", "negative", "neutral"]


def test_not_english_is_unknown():
    texts = ["Roedd y sioe yn wych, diolch!", "Croeso! Welcome, great to see you!", "I loved it", None]
    got = scores(texts, ["cy", "cy+en", None, "en"])
    assert got == [None, None, None, None]
    assert label(None) == "unknown"
