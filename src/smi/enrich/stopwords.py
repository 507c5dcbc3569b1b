"""Stopwords for topic keywords: scikit-learn's English list, a short Welsh list, and the
noise of social media (link parts, "rt", "amp")."""

from __future__ import annotations

# Common Welsh function words, with their mutated forms where they are common
# (written for smi; articles, pronouns, prepositions, conjunctions, particles, forms of "bod").
WELSH = frozenset(["a", "ac", "ag", "am", "an", "ar", "at", "bod", "beth", "ble", "bu", "buodd", "byddwn", "bydd", "byddai", "bydden", "chi", "chwi", "dan", "dros", "drwy", "dy", "dyma", "dyna", "e", "ef", "efo", "ei", "eich", "eiddo", "ein", "eu", "fe", "fi", "fo", "fy", "gan", "gyda", "gydag", "hefyd", "hi", "hon", "hwn", "hwnna", "hyn", "hynny", "i", "iddo", "iddi", "iddyn", "ichi", "imi", "mae", "maen", "mai", "mewn", "mi", "mor", "na", "nac", "nad", "nag", "ni", "nid", "o", "oedd", "oes", "oherwydd", "os", "pa", "pam", "pan", "pawb", "peidio", "pob", "pryd", "pwy", "rhwng", "roedd", "rwy", "rwyf", "rydw", "rydych", "rydyn", "sef", "sut", "sydd", "sy", "ti", "tra", "trwy", "tu", "wedi", "wrth", "y", "ych", "ydi", "ydw", "ydy", "ydych", "ydyn", "ydynt", "yma", "yn", "yna", "yno", "yr", "ym", "ymhlith", "ymlaen", "ynghyd", "ynddo", "ynddi", "ynteu", "yw", "hwnnw", "honno", "rhai", "rhywbeth", "dim", "ddim", "fydd", "fyddai", "gyd", "hyd", "lle", "llawer", "mwy", "mwyaf", "neu", "ond", "oll", "un", "dau", "tri", "hwy", "nhw", "gael", "cael", "wneud", "gwneud", "fod", "bydd", "fel", "ie", "iawn", "felly", "nawr", "rŵan", "nôl"])

SOCIAL = frozenset(["rt", "amp", "https", "http", "www", "com", "co", "uk", "org", "via", "just"])


def stopwords() -> list[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted(set(ENGLISH_STOP_WORDS) | WELSH | SOCIAL)
