"""The PDF's speed-ups keep the PDF as it was: the HTML parser under WeasyPrint (tinyhtml5) finds
its "characters until" patterns again once smi.report.pdf fixes the cache's keys, and parses the page
exactly as before; charts lifted out of the page are laid out and drawn as before."""

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


CHART_PAGE = """<!doctype html><html><head><style>
figure svg { max-width: 100%; height: auto; display: block; } figure.small svg { max-width: 40mm; }
</style></head><body><p>Before</p>
<figure class="small"><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Chart: a &amp; b" width="200" height="100" viewBox="0 0 200 100">
<rect x="0" y="0" width="120" height="40" fill="#4c6e91"/><text x="5" y="80" font-size="12">Facebook: 49%</text></svg></figure>
<figure><svg xmlns="http://www.w3.org/2000/svg" width="300" height="50"><path d="M0,0L300,50" stroke="black"/></svg></figure>
<p>After</p></body></html>"""


def _boxes(html: str) -> list[tuple[str, float, float, float, float]]:
    out = []
    for page in weasyprint.HTML(string=html).render().pages:
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            out.append((type(box).__name__, round(box.position_x, 3), round(box.position_y, 3),
                        round(box.width, 3), round(box.height, 3)))
            stack.extend(getattr(box, "children", []))
    return out


def test_charts_lifted_out_of_the_page_are_laid_out_and_drawn_as_before() -> None:
    assert pdf._install_svg_handler()
    lifted, keys = pdf._lift_svgs(CHART_PAGE)
    try:
        assert len(keys) == 2
        assert "<rect" not in lifted and "<path" not in lifted  # the marks left the page...
        assert lifted.count('data-smi-svg="') == 2 and 'aria-label="Chart: a &amp; b"' in lifted  # ...the element stayed
        # the same boxes in the same places and sizes (the CSS sized the same <svg> elements)
        assert _boxes(lifted) == _boxes(CHART_PAGE)
        drawn = pdf._lifted[keys[0]]
        assert [c.tag.split("}")[1] for c in drawn] == ["rect", "text"]  # what WeasyPrint will draw
    finally:
        for k in keys:
            pdf._lifted.pop(k, None)


def test_a_drawing_elementtree_cannot_read_stays_in_the_page() -> None:
    page = '<figure><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>a&nbsp;b</text></svg></figure>'
    assert pdf._lift_svgs(page) == (page, [])


def test_writing_the_pdf_forgets_the_lifted_charts(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = pdf.write_pdf(CHART_PAGE, tmp_path / "r.pdf")
    assert out.read_bytes().startswith(b"%PDF") and not pdf._lifted
