"""A purpose classifier trained on the organisation's own labelled examples.

**Labelled examples.** The purposes people gave (`smi label`; table purpose_labels) and the
labels already in the data (a post's label or campaign tag equal to a purpose's name or to a
label its `[purposes.<purpose>]` rule lists). A person's label wins over the data's.

**Model.** One document per post or interaction: its text, hashtags, link domains and
mentions. Features: TF-IDF of words and word pairs, plus TF-IDF of character 2–4-grams
within words (so Welsh mutations such as *Caerdydd / Nghaerdydd* and English plurals share
features; accents folded). Classifier: logistic regression (scikit-learn, balanced class
weights). It is trained when at least MIN_TRAIN examples of at least two purposes exist.

**Where it decides.** Only where no person, data label or rule gave a purpose
(smi.purposes.apply_purposes), once its accuracy on held-back labels (below) beats always
giving the most common purpose, and only in a table (posts, interactions) with MIN_TRAIN
labelled examples of its own. It gives its most probable purpose when that probability
(`purpose_confidence`) is at least ACCEPT; below it the row stays "other" (source "none")
with that probability kept, so the rows it is least sure of can be labelled next.

**Accuracy on held-back labels** (`evaluate`): the labelled examples are split at random
(seed 0; stratified when every purpose has two examples or more) into HOLD_OUT for testing
and the rest for training; accuracy is the share of held-back examples whose purpose the
model trained on the rest gives, beside what always giving the most common purpose would
score. Below MIN_EVAL labelled examples it says "not enough labels".

**Least sure** (`least_sure`, uncertainty sampling): the posts whose purpose the model
decides (no person, data label or rule gave one), in order of the margin between the
model's two most probable purposes, smallest first. With no model yet, a seeded random
sample of the unlabelled posts, so the first labels cover every purpose.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from smi.profile import PURPOSES

if TYPE_CHECKING:
    from smi.workspace import Workspace

MIN_TRAIN = 10  # labelled examples before a model is trained
MIN_EVAL = 30  # labelled examples before accuracy is said
HOLD_OUT = 0.25  # share of the labelled examples held back to test
ACCEPT = 0.5  # the model's probability at or above which its purpose is given
SEED = 0


def document(item: dict[str, Any]) -> str:
    """What the model reads of a post or interaction."""
    parts = [str(item.get("text") or "")]
    parts += [f"#{str(t).lstrip('#')}" for t in item.get("hashtags") or []]
    for link in item.get("links") or []:
        host = urlparse(link if "://" in str(link) else f"https://{link}").hostname or ""
        parts.append("site_" + host.lower().removeprefix("www.").replace(".", "_"))
    parts += [f"@{str(m).lstrip('@')}" for m in item.get("mentions") or []]
    if item.get("author"):
        parts.append(f"from_{str(item['author']).lstrip('@')}")
    return " ".join(p for p in parts if p)


def pipeline() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, make_pipeline

    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True, strip_accents="unicode",
                                  token_pattern=r"(?u)[#@]?\b\w\w+\b")),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=1, sublinear_tf=True,
                                  strip_accents="unicode")),
    ])
    return make_pipeline(features, LogisticRegression(max_iter=2000, class_weight="balanced", C=10.0))


class PurposeModel:
    """A fitted classifier: `predict(documents)` -> (purposes, probabilities, margins)."""

    def __init__(self, docs: list[str], purposes: list[str]) -> None:
        self.n = len(docs)
        self.model = pipeline().fit(docs, purposes)
        self.classes: list[str] = [str(c) for c in self.model.classes_]

    def predict(self, docs: list[str]) -> tuple[list[str], list[float], list[float]]:
        if not docs:
            return [], [], []
        proba = self.model.predict_proba(docs)
        out_p, out_c, out_m = [], [], []
        for row in proba:
            order = row.argsort()[::-1]
            top = float(row[order[0]])
            second = float(row[order[1]]) if len(order) > 1 else 0.0
            out_p.append(self.classes[order[0]])
            out_c.append(top)
            out_m.append(top - second)
        return out_p, out_c, out_m


def trainable(purposes: list[str]) -> bool:
    return len(purposes) >= MIN_TRAIN and len(set(purposes)) >= 2


def fit(docs: list[str], purposes: list[str]) -> PurposeModel | None:
    return PurposeModel(docs, purposes) if trainable(purposes) else None


# -- the labelled examples of a workspace --------------------------------------------------------
@dataclass(frozen=True)
class Example:
    table: str
    key: str
    document: str
    purpose: str
    source: str  # person | label


def examples(ws: Workspace) -> list[Example]:
    """Every labelled post and interaction: a person's label, else a label in the data."""
    from smi.purpose_rules import data_label, rules
    from smi.store import purposes as records

    compiled = rules(ws.profile)
    people = records.person_labels(ws.store)
    out = []
    for table in ("posts", "interactions"):
        for batch in records.labelled_items(ws.store, table):
            for item in batch:
                given = people.get((table, item["key"]))
                source = "person"
                if given is None:
                    given, source = data_label(item, compiled), "label"
                if given is not None:
                    out.append(Example(table, item["key"], document(item), given, source))
    return sorted(out, key=lambda e: (e.table, e.key))  # one order, so one split: the same accuracy each time


@dataclass(frozen=True)
class Evaluation:
    labels: int  # labelled examples in all
    by_people: int  # of them, given by people (the rest: labels in the data)
    train: int
    test: int
    correct: int | None
    baseline: float | None  # accuracy of always giving the most common training purpose
    per_purpose: dict[str, tuple[int, int]]  # purpose -> (held back, right)

    @property
    def enough(self) -> bool:
        return self.correct is not None

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.test if self.correct is not None and self.test else None

    def as_dict(self) -> dict[str, Any]:
        return {"labels": self.labels, "by_people": self.by_people, "train": self.train, "test": self.test,
                "correct": self.correct, "accuracy": self.accuracy, "baseline": self.baseline,
                "enough": self.enough, "min_labels": MIN_EVAL,
                "per_purpose": {p: {"held_back": t, "right": r} for p, (t, r) in self.per_purpose.items()}}

    def words(self) -> str:
        if not self.enough:
            return (f"not enough labels to measure the model's accuracy: {self.labels:,} labelled "
                    f"({self.by_people:,} by people), {MIN_EVAL} needed; run `smi label`")
        return (f"model accuracy {self.accuracy:.0%} on {self.test:,} held-back labels ({self.correct:,} right; "
                f"trained on {self.train:,}; {self.by_people:,} of the {self.labels:,} labels by people); "
                f"always giving the most common purpose would score {self.baseline:.0%}")


def split(purposes: list[str], hold_out: float = HOLD_OUT, seed: int = SEED) -> tuple[list[int], list[int]]:
    """Indices to train on and to test on (stratified when every purpose has >= 2 examples)."""
    from sklearn.model_selection import train_test_split

    idx = list(range(len(purposes)))
    counts = {p: purposes.count(p) for p in set(purposes)}
    strat = purposes if min(counts.values()) >= 2 and len(counts) >= 2 else None
    try:
        train, test = train_test_split(idx, test_size=hold_out, random_state=seed, stratify=strat)
    except ValueError:  # too few per purpose for a stratified split of this size
        train, test = train_test_split(idx, test_size=hold_out, random_state=seed)
    return sorted(train), sorted(test)


def evaluate_examples(docs: list[str], purposes: list[str], by_people: int) -> Evaluation:
    n = len(purposes)
    if n < MIN_EVAL or len(set(purposes)) < 2:
        return Evaluation(n, by_people, 0, 0, None, None, {})
    train, test = split(purposes)
    y_train = [purposes[i] for i in train]
    model = fit([docs[i] for i in train], y_train)
    if model is None:
        return Evaluation(n, by_people, len(train), len(test), None, None, {})
    given, _, _ = model.predict([docs[i] for i in test])
    truth = [purposes[i] for i in test]
    correct = sum(g == t for g, t in zip(given, truth, strict=True))
    common = max(set(y_train), key=lambda p: (y_train.count(p), -PURPOSES.index(p)))
    baseline = sum(t == common for t in truth) / len(truth)
    per = {p: (sum(t == p for t in truth), sum(t == p and g == p for g, t in zip(given, truth, strict=True)))
           for p in PURPOSES if p in truth}
    return Evaluation(n, by_people, len(train), len(test), correct, baseline, per)


def evaluate(ws: Workspace) -> Evaluation:
    """The model's accuracy on held-back labelled examples of the workspace."""
    ex = examples(ws)
    return evaluate_examples([e.document for e in ex], [e.purpose for e in ex],
                             sum(e.source == "person" for e in ex))


def least_sure(ws: Workspace, n: int, seed: int = SEED) -> list[dict[str, Any]]:
    """Up to `n` posts for a person to label, the ones the model is least sure of first
    (see the module docstring). Each: key, platform, text, published_at, guess, confidence."""
    from smi.purpose_rules import classify_source, rules
    from smi.store import purposes as records

    compiled = rules(ws.profile)
    ex = examples(ws)
    labelled = {(e.table, e.key) for e in ex}
    model = fit([e.document for e in ex], [e.purpose for e in ex])
    pool = []
    for batch in records.items(ws.store, "posts"):
        for item in batch:
            if ("posts", item["key"]) in labelled or not (item.get("text") or "").strip():
                continue
            if model is not None and classify_source(item, compiled)[1] != "none":
                continue  # a rule decides it
            pool.append(item)
    if model is None:
        random.Random(seed).shuffle(pool)
        chosen = [{**i, "guess": None, "confidence": None} for i in pool[:n]]
    else:
        guess, conf, margin = model.predict([document(i) for i in pool])
        order = sorted(range(len(pool)), key=lambda k: (margin[k], pool[k]["key"]))[:n]
        chosen = [{**pool[k], "guess": guess[k], "confidence": conf[k]} for k in order]
    when = {r["post_key"]: r["published_at"] for r in ws.store.rows(
        "SELECT post_key, published_at FROM posts WHERE list_contains(?, post_key)", [[c["key"] for c in chosen]])}
    return [{"key": c["key"], "platform": c["platform"], "text": c["text"], "published_at": when.get(c["key"]),
             "guess": c["guess"], "confidence": c["confidence"]} for c in chosen]
