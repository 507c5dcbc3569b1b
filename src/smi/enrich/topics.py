"""Keywords and topic clusters: TF-IDF over the texts, then NMF.

Run separately over the organisation's posts and over what the audience writes (inbound
interactions), for the whole workspace and for each month with at least MIN_DOCUMENTS
texts. Words are lower-cased tokens of two or more letters (hashtags keep their word,
links and @mentions are dropped); English, Welsh and social-media stopwords are removed; a
word must appear in at least two texts and in at most 60% of them. Above SAMPLE_CAP texts a
seeded random sample is analysed (the counts say how many). The number of topics grows with
the corpus: round(sqrt(texts / 20)), between 2 and 10.
"""

from __future__ import annotations

import math
import random
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from smi.enrich.stopwords import stopwords

MIN_DOCUMENTS = 20
SAMPLE_CAP = 20_000
KEYWORDS = 20
WORDS_PER_TOPIC = 8
_NOISE = re.compile(r"https?://\S+|www\.\S+|@[\w.]+")


@dataclass(frozen=True)
class Topic:
    topic: int
    keywords: list[str]
    weights: list[float]
    documents: int
    share: float

    @property
    def label(self) -> str:
        return " · ".join(self.keywords[:3])


@dataclass(frozen=True)
class Keyword:
    keyword: str
    score: float
    documents: int


@dataclass(frozen=True)
class TopicModel:
    analysed: int
    keywords: list[Keyword]
    topics: list[Topic]


def topic_count(n: int) -> int:
    return max(2, min(10, round(math.sqrt(n / 20))))


def analyse(texts: Sequence[str | None], *, n_topics: int | None = None, seed: int = 0) -> TopicModel | None:
    """Keywords and topics of `texts`; None when there are too few texts or words."""
    import numpy as np
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [_NOISE.sub(" ", t) for t in texts if t and t.strip()]
    if len(docs) > SAMPLE_CAP:
        docs = random.Random(seed).sample(docs, SAMPLE_CAP)
    if len(docs) < MIN_DOCUMENTS:
        return None
    vec = TfidfVectorizer(
        lowercase=True, stop_words=stopwords(), token_pattern=r"(?u)\b[^\W\d_][^\W\d_'’]+\b",
        min_df=2, max_df=0.6, max_features=5000, sublinear_tf=True,
    )
    try:
        x = vec.fit_transform(docs)
    except ValueError:  # no word left after stopwords and document-frequency limits
        return None
    words = vec.get_feature_names_out()
    k = min(n_topics or topic_count(len(docs)), x.shape[1])
    if k < 1:
        return None
    present = (x > 0).sum(axis=0).A1
    total = x.sum(axis=0).A1
    order = np.argsort(-total)[:KEYWORDS]
    keywords = [Keyword(str(words[i]), round(float(total[i]), 4), int(present[i])) for i in order]
    nmf = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400)
    with warnings.catch_warnings():  # not converging in 400 rounds still gives usable topics
        warnings.simplefilter("ignore", ConvergenceWarning)
        w = nmf.fit_transform(x)
    strongest = w.argmax(axis=1)
    has_topic = w.max(axis=1) > 0
    topics = []
    for j, comp in enumerate(nmf.components_):
        top = np.argsort(-comp)[:WORDS_PER_TOPIC]
        top = [i for i in top if comp[i] > 0]
        n = int(((strongest == j) & has_topic).sum())
        topics.append(Topic(j, [str(words[i]) for i in top], [round(float(comp[i]), 4) for i in top],
                            n, round(n / len(docs), 4)))
    topics.sort(key=lambda t: -t.documents)
    topics = [Topic(i, t.keywords, t.weights, t.documents, t.share) for i, t in enumerate(topics) if t.keywords]
    return TopicModel(len(docs), keywords, topics)
