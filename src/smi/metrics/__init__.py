"""The metric catalogue: named Ibis expressions, built here and executed by the caller."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smi.metrics.period import Period

if TYPE_CHECKING:
    from smi.metrics.registry import REGISTRY, Metric, coverage, get, load_all, metric

__all__ = ["REGISTRY", "Metric", "Period", "coverage", "get", "load_all", "metric"]


def __getattr__(name: str) -> Any:
    """The catalogue's names, loaded when first asked for: Period alone (a cached month's
    report) needs no Ibis."""
    if name in __all__:
        from smi.metrics import registry

        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
