"""A top post's image in the report, from an X archive's `data/tweets_media/`.

No real archive we hold carries tweets_media/ (the X archives in the shared data come without
their media), so the archive here is synthetic, built in the test in X's layout: tweets.js
(`window.YTD.tweets.part0 = [...]`), account.js, manifest.js, and each photo as
`tweets_media/<tweet id>-<last path part of media_url_https>`.

Five tweets of November 2024, by hand: A (id 101, 10 + 2 = 12 engagements) has a 4 x 3 red
PNG with alt text; B (102, 8 engagements) has no media; C (103, 6) names a photo whose file
is text, not an image; D (104, 4) names a photo whose file is 5 MB + 1 byte; E (105, 2) has a
2 x 2 GIF and no alt text. So the top posts are A to E, A and E show an image (E with the
report's own words for one), and the import warns that 2 media files were not kept.
"""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image

from smi.images import MAX_BYTES

RED = (200, 30, 30)
ALT = "A red square on the charity's stall"


def _tweet(tid: str, day: int, likes: int, rts: int, media: str | None = None, alt: str | None = None) -> dict:
    t: dict = {"id_str": tid, "created_at": f"Tue Nov {day:02d} 10:00:00 +0000 2024",
               "full_text": f"Tweet {tid} about our work", "favorite_count": str(likes),
               "retweet_count": str(rts), "lang": "en",
               "entities": {"hashtags": [], "user_mentions": [], "urls": []}}
    if media:
        m = {"type": "photo", "media_url_https": f"https://pbs.twimg.com/media/{media}"}
        if alt:
            m["ext_alt_text"] = alt
        t["extended_entities"] = {"media": [m]}
    return {"tweet": t}


def _archive(root: Path) -> Path:
    data = root / "data"
    (data / "tweets_media").mkdir(parents=True)
    tweets = [_tweet("101", 5, 10, 2, "RedSq_01.png", ALT), _tweet("102", 6, 6, 2),
              _tweet("103", 7, 5, 1, "NotImg.jpg"), _tweet("104", 8, 3, 1, "Huge.png"),
              _tweet("105", 9, 2, 0, "NoAlt.gif")]
    (data / "tweets.js").write_text("window.YTD.tweets.part0 = " + json.dumps(tweets, indent=2), encoding="utf-8")
    (data / "account.js").write_text('window.YTD.account.part0 = [{"account": {"username": "ourcharity", '
                                     '"accountId": "42", "accountDisplayName": "Our Charity"}}]', encoding="utf-8")
    (data / "manifest.js").write_text('window.__THAR_CONFIG = {"userInfo": {"userName": "ourcharity"}, '
                                      '"archiveInfo": {"generationDate": "2024-12-02T10:00:00.000Z"}}',
                                      encoding="utf-8")
    buf = io.BytesIO()
    Image.new("RGB", (4, 3), RED).save(buf, "PNG")
    (data / "tweets_media" / "101-RedSq_01.png").write_bytes(buf.getvalue())
    Image.new("RGB", (2, 2), (20, 40, 220)).save(data / "tweets_media" / "105-NoAlt.gif", "GIF")
    (data / "tweets_media" / "103-NotImg.jpg").write_bytes(b"<html>not a picture</html>")
    (data / "tweets_media" / "104-Huge.png").write_bytes(buf.getvalue()[:16] + b"\0" * (MAX_BYTES + 1 - 16))
    return data


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    from typer.testing import CliRunner

    from smi.cli import app

    root = tmp_path_factory.mktemp("images")
    ws = root / "ws"
    runner = CliRunner()
    run = lambda *a: runner.invoke(app, [str(x) for x in a], catch_exceptions=False)  # noqa: E731
    assert run("init", ws, "--name", "Our Charity", "--timezone", "UTC").exit_code == 0
    r = run("import", "--no-enrich", _archive(root), "-w", ws)
    assert r.exit_code == 0, r.output
    out = run("report", "--month", "2024-11", "--format", "html,md,pdf", "-w", ws)
    assert out.exit_code == 0, out.output
    out = run("report", "--month", "2024-11", "--format", "html", "--lang", "cy", "-w", ws)
    assert out.exit_code == 0, out.output
    return ws, r.output


def _thumbs(html: str) -> dict[str, list[tuple[str, str, str, str]]]:
    """Each top-post row's <img class="thumb"> as (type, base64, alt, file), by post key."""
    rows = re.findall(r'<tr data-post="([^"]+)">(.*?)</tr>', html, re.S)
    return {key: re.findall(r'<img class="thumb" src="data:image/(\w+);base64,([A-Za-z0-9+/=]+)" '
                            r'alt="([^"]*)" data-file="([^"]*)">', body) for key, body in rows}


def test_the_top_post_shows_its_own_image_and_alt_text(imported):
    ws, _ = imported
    html = (ws / "reports" / "2024-11" / "report.html").read_text(encoding="utf-8")
    thumbs = _thumbs(html)
    assert list(thumbs) == ["x:101", "x:102", "x:103", "x:104", "x:105"]  # by engagements: 12, 8, 6, 4, 2
    assert [len(v) for v in thumbs.values()] == [1, 0, 0, 0, 1]
    kind, data, alt, file = thumbs["x:101"][0]
    assert kind == "jpeg"  # a photo without transparency is embedded as a JPEG
    assert file == "101-RedSq_01.png"
    assert alt == "A red square on the charity&#39;s stall"  # HTML-escaped apostrophe
    img = Image.open(io.BytesIO(base64.b64decode(data)))
    assert img.size == (4, 3)  # smaller than a thumbnail: kept at its size
    assert all(abs(a - b) <= 8 for a, b in zip(img.convert("RGB").getpixel((1, 1)), RED, strict=True))
    assert html.count("<img ") == 2  # nothing fetched, nothing else embedded
    assert thumbs["x:105"][0][2:] == ("Image attached to the post", "105-NoAlt.gif")  # no alt text given
    md = (ws / "reports" / "2024-11" / "report.md").read_text(encoding="utf-8")
    # Markdown names the file (its _ escaped), for that post only
    assert md.count(r"(image: 101-RedSq\_01.png)") == 1 and "NotImg" not in md and "Huge" not in md


def test_the_pdf_carries_the_one_image(imported):
    pdfplumber = pytest.importorskip("pdfplumber")
    ws, _ = imported
    with pdfplumber.open(ws / "reports" / "2024-11" / "report.pdf") as pdf:
        sizes = [(round(i["srcsize"][0]), round(i["srcsize"][1])) for p in pdf.pages for i in p.images]
    assert sizes == [(4, 3), (2, 2)]


def test_the_welsh_edition_says_image_attached_in_welsh(imported):
    ws, _ = imported
    html = (ws / "reports" / "2024-11" / "report.cy.html").read_text(encoding="utf-8")
    thumbs = _thumbs(html)
    assert thumbs["x:101"][0][2] == "A red square on the charity&#39;s stall"  # the post's own words, as written
    assert thumbs["x:105"][0][2] == "Delwedd ynghlwm wrth y postiad"


def test_bad_media_files_are_skipped_with_a_counted_warning(imported):
    ws, output = imported
    text = " ".join(output.split())
    assert "2 media files in tweets_media/ not kept for the report" in text
    assert "103-NotImg.jpg (not a JPEG, PNG, GIF or WebP image)" in text and "104-Huge.png (over 5 MB)" in text
    kept = sorted(p.name.split("-", 1)[1] for p in (ws / "archive").glob("*/*") if "tweets_media" not in p.name
                  and p.name.split("-", 1)[1].startswith("10"))
    assert kept == ["101-RedSq_01.png", "105-NoAlt.gif"]


def test_thumbnails_are_small_and_bounded(tmp_path):
    """Independent of the import: a wide photo is shrunk to THUMB_PX on its longer side; an
    image claiming more than MAX_PIXELS (8000 x 6000 = 48 M, a small file) and a file that is
    not an image give none; a post whose extra names no media is returned unchanged."""
    from smi.images import THUMB_PX, thumbnail, with_images

    Image.new("RGB", (800, 400), RED).save(tmp_path / "wide.png")
    Image.new("1", (8000, 6000)).save(tmp_path / "huge.png")
    (tmp_path / "fake.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"junk" * 10)
    src = thumbnail(tmp_path / "wide.png")
    assert src is not None
    img = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
    assert img.size == (THUMB_PX, THUMB_PX // 2)
    assert thumbnail(tmp_path / "huge.png") is None and thumbnail(tmp_path / "fake.png") is None
    post = {"post_key": "x:1", "excerpt": "hello"}
    assert with_images(tmp_path, [post], {"x:1": '{"platform_lang": "en"}'}) == [post]
