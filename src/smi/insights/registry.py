"""The detector registry: one detector per module in smi.insights.detectors."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from smi.insights.finding import QUESTIONS, Finding

DetectorFn = Callable[["Context"], list[Finding]]  # noqa: F821 - Context lives in engine.py


@dataclass(frozen=True)
class Detector:
    name: str
    question: str
    description: str
    min_n: int  # below this many observations a side, the detector makes no test
    fn: DetectorFn

    def run(self, ctx: Any) -> list[Finding]:
        return self.fn(ctx)


REGISTRY: dict[str, Detector] = {}


def detector(*, name: str, question: str, description: str, min_n: int = 10) -> Callable[[DetectorFn], DetectorFn]:
    """Register a detector: a function (Context) -> list[Finding], one per test made."""
    if question not in QUESTIONS:
        raise ValueError(f"question must be one of {QUESTIONS}")

    def wrap(fn: DetectorFn) -> DetectorFn:
        if name in REGISTRY:
            raise RuntimeError(f"detector {name} registered twice")
        REGISTRY[name] = Detector(name, question, description, min_n, fn)
        return fn

    return wrap


def load_all() -> dict[str, Detector]:
    from smi.insights import detectors

    for info in pkgutil.iter_modules(detectors.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{detectors.__name__}.{info.name}")
    return REGISTRY
