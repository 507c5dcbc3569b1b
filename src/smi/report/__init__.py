"""The monthly report: HTML, PDF, Markdown and JSON, in English or Welsh."""

from __future__ import annotations

from smi.report.render import FORMATS, render_html, write_report

__all__ = ["FORMATS", "render_html", "write_report"]
