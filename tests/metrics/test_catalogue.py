"""The contract every registered metric keeps, the generated docs, the Python API and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smi.canonical import SCHEMAS
from smi.errors import SmiError
from smi.importer import run_import
from smi.metrics import REGISTRY, Period, get, load_all
from smi.metrics.availability import PLATFORM_COLUMNS, held, platforms_for
from smi.metrics.docs import render
from smi.metrics.tables import DIMENSIONS, GRAINS, TableCache
from smi.sources import load_all as load_sources
from smi.workspace import Workspace

REPO = Path(__file__).resolve().parents[2]
CATALOGUE = load_all()
NAMES = sorted(CATALOGUE)
# Store columns that are not in the canonical import schemas (filled from the profile).
PROFILE_COLUMNS = {"people": {"person", "cost_per_hour", "role", "team"},
                   "accounts": {"person", "is_official"}}
MARCH = Period.month("2024-03", "Europe/London")


def _columns(table: str) -> set[str]:
    pseudo = {"replies", "reposts"} if table == "posts" else set()  # can the exports hold such posts at all
    return set(SCHEMAS[table].names if table in SCHEMAS else ()) | PROFILE_COLUMNS.get(table, set()) | pseudo


@pytest.fixture(scope="module")
def empty(tmp_path_factory):
    ws = Workspace.create(tmp_path_factory.mktemp("empty") / "ws", name="Empty", timezone="Europe/London")
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def bare_posts(tmp_path_factory):
    """Posts with no numbers at all: every metric that needs a number must say not available."""
    root = tmp_path_factory.mktemp("bare")
    (root / "posts.csv").write_text(
        "platform,post_id,account,published_at,kind,format,text,labels\n"
        "x,1,@us,2024-03-04T10:00:00Z,original,text,Hello,spring\n"
        "x,2,@us,2024-03-05T10:00:00Z,reply,text,Thanks,\n"
        "x,3,@us,2024-03-05T11:00:00Z,repost,text,RT @partner: news,\n"
        "facebook,f1,page,2024-03-06T12:00:00Z,original,image,Photos,spring;open day\n",
        encoding="utf-8",
    )
    ws = Workspace.create(root / "ws", name="Bare", timezone="Europe/London")
    report = run_import(ws, [root / "posts.csv"])
    assert not report.failed
    yield ws
    ws.close()


@pytest.mark.parametrize("name", NAMES)
def test_every_metric_is_described_and_reads_real_columns(name):
    m = REGISTRY[name]
    assert m.name == name and m.family
    assert m.description.strip() and m.formula.strip() and m.unit.strip()
    assert m.inputs and m.requires
    for item in {*m.inputs, *(i for group in m.requires for i in group)}:
        table, column = item.split(".", 1)
        assert column in _columns(table), item
    assert m.grain in GRAINS
    assert "platform" in m.by and set(m.by) <= set(GRAINS[m.grain].dims)
    assert set(m.by) <= set(DIMENSIONS)
    assert m.higher_is_better in (True, False, None)


HAS_ONLY_POSTS = {"posts.kind", "posts.format", "posts.account_id", "posts.text", "posts.labels"}


def totals(con, dims: tuple[str, ...] = ()) -> dict[str, list[dict]]:
    """Every metric, whole period (or by `dims`), in one query: {name: [{key, value}]},
    values as text so they union."""
    import ibis

    parts = []
    for m in CATALOGUE.values():
        t = m.build(con, MARCH, dims)
        key = t[dims[0]].cast("string") if dims else ibis.literal("")
        parts.append(t.select(name=ibis.literal(m.name), key=key, value=t.value.cast("string")))
    out: dict[str, list[dict]] = {n: [] for n in CATALOGUE}
    for r in ibis.union(*parts).to_pyarrow().to_pylist():
        out[r["name"]].append(r)
    return out


def test_every_metric_runs_on_an_empty_workspace(empty):
    con = TableCache(empty.store.ibis())
    whole = totals(con)
    for name, rows in whole.items():
        # No import covers March 2024: every metric, counts included, is not available (NULL),
        # never 0 (a count is 0 only over a period some import covers).
        assert len(rows) == 1, name
        v = rows[0]["value"]
        assert v is None, f"{name} is {v} on an empty workspace"
    assert all(rows == [] for rows in totals(con, ("platform",)).values())


def test_not_available_is_null_never_zero(bare_posts):
    con = TableCache(bare_posts.store.ibis())
    for dims in ((), ("platform",)):
        for name, rows in totals(con, dims).items():
            m = CATALOGUE[name]
            if not m.available(HAS_ONLY_POSTS) and not m.count:
                assert all(r["value"] is None for r in rows), f"{name} is not NULL without its inputs: {rows}"


def every_dimension(m, con, platforms=None) -> list[dict]:
    """The metric broken down by each of its dimensions in turn, and by none, in one query:
    rows of (dim, key, value) with key and value as text."""
    import ibis

    parts = []
    for dims in [(), *((d,) for d in m.by), ("platform", "month")]:
        t = m.build(con, MARCH, dims, platforms=platforms)
        assert t.columns == (*dims, "value")
        key = t[dims[0]].cast("string") if dims else ibis.literal("")
        parts.append(t.select(dim=ibis.literal("+".join(dims)), key=key, value=t.value.cast("string")))
    return ibis.union(*parts).to_pyarrow().to_pylist()


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_every_dimension_of_every_metric(empty, bare_posts, name):
    m = REGISTRY[name]
    # Empty: the one row of the whole-period total comes back (and a count by month lists
    # the period's month), every value not available: no import covers March 2024.
    rows = every_dimension(m, TableCache(empty.store.ibis()), platforms=["x"])
    months = [{"dim": "month", "key": "2024-03", "value": None}] if m.count and "month" in m.by else []
    assert sorted(rows, key=lambda r: r["dim"]) == [{"dim": "", "key": "", "value": None}, *months]
    # Posts without numbers: each breakdown runs, and stays NULL where the inputs are missing.
    rows = every_dimension(m, TableCache(bare_posts.store.ibis()))
    assert sum(r["dim"] == "" for r in rows) == 1
    if m.grain == "posts" and not m.only:  # the only grain with rows here (no LinkedIn posts)
        assert {r["dim"] for r in rows} >= {"platform", "month", "platform+month"}
    if not m.available(HAS_ONLY_POSTS) and not m.count:
        assert all(r["value"] is None for r in rows), f"{name} is not NULL without its inputs: {rows}"


def test_dimensions_on_bare_posts(bare_posts):
    con = bare_posts.store.ibis()

    def by(*dims: str) -> dict:
        rows = get("posts").build(con, MARCH, dims).to_pyarrow().to_pylist()
        return {tuple(r[d] for d in dims): r["value"] for r in rows}

    # Two originals (x 1, facebook f1); the reply is not a post.
    assert by("label") == {("spring",): 2, ("open day",): 1}
    assert by("format") == {("text",): 1, ("image",): 1}
    assert by("kind") == {("original",): 2}
    assert by("weekday") == {(1,): 1, (3,): 1}  # Monday 4 March, Wednesday 6 March
    assert by("hour") == {(10,): 1, (12,): 1}  # GMT in March before the change: local = UTC
    assert {str(k[0]) for k in by("week")} == {"2024-03-04"}
    assert by("account_id") == {("x:us",): 1, ("facebook:page",): 1}
    # nobody declared: the accounts an own export (here a canonical CSV) brings are official
    assert by("person") == {("official",): 2}
    assert get("replies").build(con, MARCH, ("platform",), platforms="x").to_pyarrow().to_pylist() == [
        {"platform": "x", "value": 1}]


def test_unknown_metric_and_dimension_say_what_to_do():
    with pytest.raises(SmiError, match="no metric called 'postz'") as e:
        get("postz")
    assert "posts" in (e.value.fix or "")
    with pytest.raises(SmiError, match="cannot be grouped by hour") as e:
        get("followers").build(None, MARCH, ("hour",))
    assert "month" in (e.value.fix or "")


def test_rates_come_as_ratio_of_sums_and_mean_of_ratios():
    for den in ("impressions", "reach", "followers"):
        assert f"engagement_rate_{den}" in CATALOGUE and f"engagement_rate_{den}_mean" in CATALOGUE
    for name in ("posts_per_week", "share_original", "share_reply", "share_repost", "reach", "views",
                 "net_follower_growth", "follower_growth_rate", "conversation_rate",
                 "amplification_rate", "applause_rate", "click_through_rate", "video_view_rate",
                 "saves_rate"):
        assert name in CATALOGUE, name


# -- availability ---------------------------------------------------------------------------------
def test_availability_table_agrees_with_the_sources():
    sources = load_sources()
    for platform, (cols, names) in PLATFORM_COLUMNS.items():
        provided: set[str] = set()
        for n in names:
            assert sources[n].platform == platform, n
            provided |= set(sources[n].provides)
        for c in cols:
            table, column = c.split(".", 1)
            assert table in provided, f"{platform}: {c} but its sources fill no {table}"
            assert column in _columns(table), c


def test_availability_by_hand():
    # X archives give likes and retweets, never impressions: no engagement rate by impressions.
    er = CATALOGUE["engagement_rate_impressions"]
    assert "x" not in platforms_for(er) and "facebook" in platforms_for(er)
    assert "linkedin" in platforms_for(er) and "instagram" in platforms_for(er)
    assert platforms_for(CATALOGUE["saves_rate"]) == ["instagram"]
    assert "x" in platforms_for(CATALOGUE["engagements"])
    assert not CATALOGUE["click_through_rate"].available(held("instagram"))
    assert platforms_for(CATALOGUE["followers"]) == ["x", "mastodon", "tiktok"]  # TikTok: FollowerHistory.csv


# -- docs -----------------------------------------------------------------------------------------
def test_docs_metrics_md_is_current():
    page = (REPO / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert page == render(), "docs/metrics.md is stale: run `python -m smi.metrics.docs`"
    for name in NAMES:
        assert f"### {name}\n" in page


# -- Python API and CLI ---------------------------------------------------------------------------
SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "sample_org"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("api") / "ws"
    ws = Workspace.create(path, name="Sample Org", timezone="UTC")
    assert not run_import(ws, [SAMPLE]).failed
    ws.close()
    return path


def test_python_api(sample):
    import smi

    ws = smi.open(str(sample))
    # facebook March: f1 (20 + 5 + 5) + f2 (none) over f1's 1,000 impressions (f2 has no
    # engagements, so its 500 impressions are left out) = 0.03.
    df = ws.metric("engagement_rate_impressions", by=["platform"], month="2024-03")
    assert list(df.columns) == ["platform", "value"]
    got = dict(zip(df.platform, df.value, strict=True))
    assert got["facebook"] == pytest.approx(0.03)
    assert df.attrs["formula"].startswith("sum(engagements) / sum(impressions)")
    assert ws.metric("posts", month="2024-03")["value"].tolist() == [7]
    x = ws.metric("posts", by="platform", from_="2024-03-01", to="2024-03-15", platform="x")
    assert x.to_dict("records") == [{"platform": "x", "value": 3}]  # x 101 (2nd), 107 (10th), 102 (15th)
    cat = ws.metrics()
    assert {"name", "description", "formula", "unit"} <= set(cat.columns)
    assert len(cat) == len(CATALOGUE)
    ws.close()


def test_cli_metric_and_metrics(sample, cli):
    res = cli("metric", "engagements", "--by", "platform", "--month", "2024-03", "-w", sample)
    assert "formula:" in res.output and "reactions + comments + shares + saves" in " ".join(res.output.split())
    data = json.loads(cli("metric", "engagements", "--by", "platform", "--month", "2024-03",
                          "--format", "json", "-w", sample).stdout)
    assert {r["platform"]: r["value"] for r in data["rows"]} == {"facebook": 30, "mastodon": 12, "x": 21}
    assert data["formula"] == CATALOGUE["engagements"].formula
    csv_out = cli("metric", "impressions", "--by", "platform", "--month", "2024-03", "--platform", "facebook,x",
                  "--format", "csv", "-w", sample).stdout.splitlines()
    assert csv_out[0] == "platform,metric,value,unit,formula"
    assert csv_out[1].startswith("facebook,impressions,1500,impressions,")
    assert csv_out[2].startswith("x,impressions,,impressions,")  # not available: blank, not 0
    bad = cli("metric", "posts", "--by", "colour", "--month", "2024-03", "-w", sample, ok=False)
    assert bad.exit_code == 1 and "cannot be grouped by colour" in bad.output
    listing = cli("metrics", "--json").stdout
    assert {c["name"] for c in json.loads(listing)} == set(CATALOGUE)
    assert cli("metrics", "--markdown").stdout == render()
