"""Topics: TF-IDF + NMF recover planted themes; too little text gives no topics."""

from __future__ import annotations

import random

from smi.enrich.topics import analyse

TRAVEL = ["parking", "car", "park", "bus", "train", "station", "ticket", "travel", "route", "road"]
FOOD = ["cafe", "menu", "coffee", "cake", "lunch", "vegan", "food", "tea", "sandwich"]


def corpus(seed: int = 1) -> list[str]:
    r = random.Random(seed)
    out = []
    for _ in range(30):
        out.append("We love the " + " ".join(r.sample(TRAVEL, 4)) + " https://example.org/x")
        out.append("Mae'r " + " ".join(r.sample(FOOD, 4)) + " yn wych @ourcafe")
    return out


def test_two_planted_themes_are_two_topics():
    model = analyse(corpus(), n_topics=2)
    assert model is not None and model.analysed == 60
    themes = []
    for t in model.topics:
        words = set(t.keywords)
        # each topic is one theme's words (plus the theme's fixed filler word)
        assert len(words & set(TRAVEL)) >= 5 or len(words & set(FOOD)) >= 5
        themes.append("travel" if len(words & set(TRAVEL)) > len(words & set(FOOD)) else "food")
        assert t.documents == 30 and t.share == 0.5
    assert sorted(themes) == ["food", "travel"]


def test_stopwords_links_and_mentions_are_not_keywords():
    model = analyse(corpus(), n_topics=2)
    words = {k.keyword for k in model.keywords} | {w for t in model.topics for w in t.keywords}
    assert not words & {"the", "we", "mae", "yn", "https", "example", "org", "ourcafe"}


def test_too_few_texts_give_nothing():
    assert analyse(["Coffee and cake"] * 5) is None
    assert analyse([None, "", "  "]) is None
