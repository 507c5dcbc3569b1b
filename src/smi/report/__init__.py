"""The monthly report: HTML now (PDF, Markdown, JSON and Welsh to follow)."""

from __future__ import annotations

from smi.report.render import render_html, write_report

__all__ = ["render_html", "write_report"]
