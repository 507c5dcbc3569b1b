"""Questions among inbound items: the service metrics' rule (smi.metrics.service), in Python.

The rule and its words are smi.metrics.service's QUESTION_START, NOT_QUESTION_START,
NEUTRAL, QUESTION_MARKS and LINK (see that module's docstring), so the stored flag and the metric
agree. Only inbound items (from_organisation = false) are flagged; others, and items
without text, are NULL. Precision and recall on hand-labelled real messages:
docs/accuracy.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from smi.metrics.service import (
    LINK,
    NEUTRAL,
    NOT_QUESTION_START,
    QUESTION_MARKS,
    QUESTION_RULE,
    QUESTION_START,
)

RULE = QUESTION_RULE
_START = re.compile(QUESTION_START)
_NOT_START = re.compile(NOT_QUESTION_START)
_LINK = re.compile(LINK)


def is_question(text: str | None) -> bool | None:
    if not text:
        return None
    bare = _LINK.sub("", text.lower())
    if any(m in bare for m in QUESTION_MARKS):
        return True
    return _START.search(_NOT_START.sub(NEUTRAL, bare)) is not None


def flags(texts: Sequence[str | None], inbound: Sequence[bool | None]) -> list[bool | None]:
    return [is_question(t) if i is True else None for t, i in zip(texts, inbound, strict=True)]
