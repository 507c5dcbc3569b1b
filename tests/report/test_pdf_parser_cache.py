"""The PDF's HTML parser (tinyhtml5, under WeasyPrint) finds its "characters until" patterns
again once smi.report.pdf fixes the cache's keys, and parses the page exactly as before."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from smi.report import pdf

weasyprint = pytest.importorskip("weasyprint")
inputstream = pytest.importorskip("tinyhtml5.inputstream")

PAGE = """<!doctype html><html lang="cy"><head><title>Adroddiad</title><style>p { color: #222 }</style></head>
<body><h1 id="top" class="a b">Crynodeb &amp; ffigurau</h1><p title='dyfynnu "hyn"'>Ymgysylltu: 1,234 &lt;&gt;</p>
<figure><svg width="20" height="10" viewBox="0 0 20 10"><path d="M0,0L10,10Z" fill="#4c6e91"/></svg></figure>
<table><tr><td data-x=1>un</td><td>dau</td></tr></table></body></html>"""


def test_the_parser_reuses_its_patterns_and_parses_the_same_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inputstream, "characters_until_regex", {})
    before = ET.tostring(weasyprint.HTML(string=PAGE).etree_element)
    # tinyhtml5's own cache: stored under the compiled pattern, so never found again
    assert all(isinstance(k[0], type(inputstream.re.compile(""))) for k in inputstream.characters_until_regex)

    pdf._fix_parser_cache()
    after = ET.tostring(weasyprint.HTML(string=PAGE).etree_element)
    assert after == before
    cache = inputstream.characters_until_regex
    assert isinstance(cache, pdf._RegexCache) and cache  # the parser went through it
    kept = dict(cache)
    weasyprint.HTML(string=PAGE)
    assert dict(cache) == kept  # the second parse built no pattern: every lookup was found
    assert all(isinstance(k[0], frozenset | str | tuple) for k in cache)  # the characters, not a pattern
