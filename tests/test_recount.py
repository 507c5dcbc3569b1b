"""A re-runnable recount: headline figures counted again from the raw real exports, with json
and pandas only (no smi code: this module imports nothing from smi), against what
`smi metric NAME --format json` says through the CLI on a workspace built from the same
files by `smi import`. Every mismatch is listed at once, so a run shows all that moved.

What is recounted, and how (the workspace is UTC, so a month is the UTC month):

- Mastodon archive (outbox.json, json; the last `orderedItems` key holds the items):
  `published` = Create activities of a post type (Note, Question, Article, Page) + Announce
  (boosts), distinct ids, by the month of the object's `published` (else the activity's);
  `posts` = those Creates whose object has no `inReplyTo`.
- X archive @RTIatMLA (data/tweet.js, json after the `window.YTD…=` prefix): `published` =
  every tweet by the month of `created_at`; `posts` = tweets that neither start with "RT @"
  nor carry `in_reply_to_status_id_str` (originals and quotes).
- LinkedIn: `page_impressions` = the daily `Impressions (total)` of the Women in AI USA
  content CSV (pandas), in all and by month; `impressions` = the `Impressions` of the
  Ethioware .xls sheet `All posts` (pandas with xlrd, header on the second row).
- Facebook page: `followers_gained` = the daily values of page-level-metrics/Follows.csv
  (UTF-16, `sep=,` line and a title line before the header), in all and by month.
"""

from __future__ import annotations

import json
import warnings
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.shared]

MASTODON = "mastodon-archive-dealingwith"
X = "x-archive-rtiatmla"
LI_CSV = ("linkedin-page-womeninai-usa", "women_in_ai_usa_clean.csv")
LI_XLS = ("linkedin-page-ethioware", "Linkedin 1 year stat.xls")
FB = "meta-facebook-page-pcmerchandise"
POST_TYPES = ("Note", "Question", "Article", "Page")


# -- the recount: json and pandas only ----------------------------------------------------------
def _iso_month(text: str) -> str:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).strftime("%Y-%m")


def mastodon_months(folder: Path) -> tuple[Counter, Counter]:
    """(published by month, posts by month)."""
    items = json.loads((folder / "outbox.json").read_text(encoding="utf-8"))["orderedItems"]
    published: dict[str, str] = {}
    posts: dict[str, str] = {}
    for a in items:
        if a.get("type") == "Announce":
            published[a["id"]] = _iso_month(a["published"])
        elif a.get("type") == "Create" and isinstance(a.get("object"), dict) and a["object"].get("type") in POST_TYPES:
            o = a["object"]
            month = _iso_month(o.get("published") or a["published"])
            published[o.get("id") or a["id"]] = month
            if not o.get("inReplyTo"):
                posts[o.get("id") or a["id"]] = month
    return Counter(published.values()), Counter(posts.values())


def x_months(folder: Path) -> tuple[Counter, Counter]:
    text = (folder / "data" / "tweet.js").read_text(encoding="utf-8")
    tweets = {t["tweet"]["id_str"]: t["tweet"] for t in json.loads(text[text.index("["):])}

    def month(t: dict) -> str:
        return datetime.strptime(t["created_at"], "%a %b %d %H:%M:%S %z %Y").astimezone(UTC).strftime("%Y-%m")

    published = Counter(month(t) for t in tweets.values())
    posts = Counter(month(t) for t in tweets.values()
                    if not t["full_text"].startswith("RT @") and not t.get("in_reply_to_status_id_str"))
    return published, posts


def linkedin_page_impressions(path: Path) -> tuple[int, dict[str, int], str, str]:
    import pandas as pd

    d = pd.read_csv(path)
    by_month = d.groupby(d["Date"].str[:7])["Impressions (total)"].sum()
    return (int(d["Impressions (total)"].sum()), {m: int(v) for m, v in by_month.items()},
            d["Date"].min(), d["Date"].max())


def linkedin_post_impressions(path: Path) -> tuple[int, str, str]:
    import pandas as pd

    with warnings.catch_warnings():  # pandas 3 reads .xls through xlrd still, with a warning
        warnings.filterwarnings("ignore", message="The xlrd engine is deprecated")
        d = pd.read_excel(path, sheet_name="All posts", header=1, engine="xlrd")
    days = pd.to_datetime(d["Created date"], format="%m/%d/%Y")
    return int(d["Impressions"].sum()), days.min().date().isoformat(), days.max().date().isoformat()


def facebook_follows(path: Path) -> tuple[int, dict[str, int], str, str]:
    import pandas as pd

    d = pd.read_csv(path, encoding="utf-16", skiprows=2)
    d = d.dropna(subset=["Date"])
    months = d["Date"].str[:7]
    by_month = d.groupby(months)["Primary"].sum()
    return (int(d["Primary"].sum()), {m: int(v) for m, v in by_month.items()},
            d["Date"].min()[:10], d["Date"].max()[:10])


def month_range(first: str, last: str) -> list[str]:
    out, (y, m) = [], (int(first[:4]), int(first[5:7]))
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def month_end(month: str) -> str:
    y, m = int(month[:4]), int(month[5:7])
    nxt = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1).isoformat()


# -- the check ------------------------------------------------------------------------------------
def test_headline_figures_recount_from_the_raw_files(real, tmp_path, cli):
    ws = tmp_path / "ws"
    cli("init", ws, "--name", "Recount", "--timezone", "UTC")
    # the Facebook page-level file names no Page: with the post export, which does
    fb = (real(FB, "page-level-metrics", "Follows.csv"), real(FB, "organic-posts"))
    for paths, account in (((real(MASTODON),), None), ((real(X),), None), ((real(*LI_CSV),), "linkedin:@womeninaiusa"),
                           ((real(*LI_XLS),), "linkedin:@ethioware"), (fb, None)):
        cli("import", "--no-enrich", "-w", ws, *paths, *(("--account", account) if account else ()))

    def metric(name: str, first: str, last: str, platform: str, by_month: bool = False,
               account: str | None = None) -> dict | int | None:
        """The metric's value (by month: {month: value}); with `account`, that account's only."""
        args = ["metric", name, "--from", first, "--to", last, "--platform", platform, "--format", "json", "-w", ws]
        by = [*(("--by", "month") if by_month else ()), *(("--by", "account") if account else ())]
        rows = json.loads(cli(*args, *by).stdout)["rows"]
        if account:
            rows = [r for r in rows if r["account_id"] == account]
        return {r["month"]: r["value"] for r in rows} if by_month else rows[0]["value"]

    wrong: list[str] = []

    def same(what: str, recounted: object, smi: object) -> None:
        if recounted != smi:
            wrong.append(f"{what}: recounted {recounted}, smi {smi}")

    # Mastodon and X: posts of every kind and originals (+ quotes) per month, over the months
    # from the first to the last post (a month without posts is 0)
    for platform, (published, posts) in (("mastodon", mastodon_months(real(MASTODON))), ("x", x_months(real(X)))):
        months = month_range(min(published), max(published))
        first, last = f"{months[0]}-01", month_end(months[-1])
        same(f"{platform} published by month", {m: published.get(m, 0) for m in months},
             metric("published", first, last, platform, by_month=True))
        same(f"{platform} posts by month", {m: posts.get(m, 0) for m in months},
             metric("posts", first, last, platform, by_month=True))

    total, by_month, first, last = linkedin_page_impressions(real(*LI_CSV))
    # the two LinkedIn pages' days overlap: each page's own figure
    women, ethioware = "linkedin:womeninaiusa", "linkedin:ethioware"
    same("linkedin page impressions (Women in AI USA)", total,
         metric("page_impressions", first, last, "linkedin", account=women))
    same("linkedin page impressions by month", by_month,
         metric("page_impressions", first, last, "linkedin", by_month=True, account=women))
    total, first, last = linkedin_post_impressions(real(*LI_XLS))
    same("linkedin post impressions (Ethioware)", total,
         metric("impressions", first, last, "linkedin", account=ethioware))

    total, by_month, first, last = facebook_follows(real(FB, "page-level-metrics", "Follows.csv"))
    same("facebook followers gained", total, metric("followers_gained", first, last, "facebook"))
    same("facebook followers gained by month", by_month,
         metric("followers_gained", first, last, "facebook", by_month=True))

    assert not wrong, "recount mismatches:\n" + "\n".join(wrong)
    # the recount is not vacuous: the figures the recount found
    assert (sum(mastodon_months(real(MASTODON))[0].values()), sum(x_months(real(X))[0].values()), total) == (1586, 70, 631)
