"""The metric catalogue: named Ibis expressions, built here and executed by the caller."""

from __future__ import annotations

from smi.metrics.period import Period
from smi.metrics.registry import REGISTRY, Metric, coverage, get, load_all, metric

__all__ = ["REGISTRY", "Metric", "Period", "coverage", "get", "load_all", "metric"]
