"""Insights: detectors turn a month's metrics into ranked, honest findings.

One detector per module, registered with @detector; `engine.run_month` runs them all,
controls the false-discovery rate across every test made for the month, and `rank.py`
orders what is left.
"""
