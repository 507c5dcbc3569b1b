"""`smi label`: a person labels the posts the model is least sure of, one key per purpose.

The session reads one answer a line (the terminal, or a pipe in scripts and tests):
1 promote, 2 serve customers, 3 develop products, 4 collaborate, 5 other; `s` (or an empty
line) skips the post, `q` (or the end of the input) stops. Each answer is stored at once
(smi.store.purposes.write_label), so stopping half way keeps what was given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from smi.profile import PURPOSES

if TYPE_CHECKING:
    from smi.workspace import Workspace

KEYS = {str(i + 1): p for i, p in enumerate(PURPOSES)}
SKIP = {"s", ""}
QUIT = {"q"}
PROMPT = " · ".join(f"{k} {p}" for k, p in KEYS.items()) + " · s skip · q quit: "
EXCERPT = 400


@dataclass(frozen=True)
class Session:
    asked: int  # posts shown
    labelled: dict[str, int]  # purpose -> posts labelled
    skipped: int
    stopped: bool  # q or end of input before the last post

    def summary(self) -> str:
        n = sum(self.labelled.values())
        each = ", ".join(f"{p} {self.labelled[p]}" for p in PURPOSES if self.labelled.get(p))
        return (f"labelled {n} of {self.asked} posts" + (f" ({each})" if each else "")
                + f", skipped {self.skipped}" + (", stopped early" if self.stopped else ""))


def show(post: dict[str, Any], i: int, n: int) -> str:
    text = " ".join(str(post.get("text") or "").split())
    if len(text) > EXCERPT:
        text = text[:EXCERPT - 1] + "…"
    when = post.get("published_at")
    day = f" {when:%Y-%m-%d}" if hasattr(when, "strftime") else ""
    guess = (f"\n  (model's guess: {post['guess']}, {post['confidence']:.0%} sure)"
             if post.get("guess") is not None else "")
    return f"[{i}/{n}] {post['platform']}{day}: {text}{guess}"


def run_session(ws: Workspace, posts: list[dict[str, Any]], read: Callable[[], str | None],
                write: Callable[[str], None], by: str | None = None) -> Session:
    """Ask for each post's purpose (`read` returns a line, None at the end of input); store each
    answer as it comes (writes the store)."""
    from smi.purposes import label

    labelled: dict[str, int] = {}
    skipped = 0
    for i, post in enumerate(posts, 1):
        write(show(post, i, len(posts)))
        while True:
            write(PROMPT)
            line = read()
            answer = None if line is None else line.strip().lower()
            if answer is None or answer in QUIT:
                return Session(i, labelled, skipped, True)
            if answer in SKIP:
                skipped += 1
                break
            if answer in KEYS:
                label(ws, post["key"], KEYS[answer], by)
                labelled[KEYS[answer]] = labelled.get(KEYS[answer], 0) + 1
                break
            write(f"'{answer}' is not a key: type 1-{len(KEYS)}, s or q")
    return Session(len(posts), labelled, skipped, False)
