"""Questions among inbound items: the rule the service metrics document, in Python.

A text is a question when it contains a question mark (?, ？ or ؟), or its first word after
any leading @mentions or #tags is an English or Welsh question word (who, what, how, can,
is, …; pwy, beth, pryd, ble, sut, pam, faint, oes, ydy, …, with Welsh 'r as in "ydy'r"), or
it opens with the Welsh interrogative particle "a" and a verb ("a oes…", "a allwch…").
The words and the rule are smi.metrics.service's QUESTION_WORDS and QUESTION_START, so the
stored flag and the metric agree. Only inbound items (from_organisation = false) are
flagged; others, and items without text, are NULL.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from smi.metrics.service import QUESTION_MARKS, QUESTION_RULE, QUESTION_START

RULE = QUESTION_RULE
_START = re.compile(QUESTION_START)


def is_question(text: str | None) -> bool | None:
    if not text:
        return None
    low = text.lower()
    return any(m in low for m in QUESTION_MARKS) or _START.search(low) is not None


def flags(texts: Sequence[str | None], inbound: Sequence[bool | None]) -> list[bool | None]:
    return [is_question(t) if i is True else None for t, i in zip(texts, inbound, strict=True)]
