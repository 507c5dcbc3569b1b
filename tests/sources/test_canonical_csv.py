"""The canonical CSV format: exact counts on our fixtures, NULLs, time zones, validation,
idempotent re-import, and a property test that any input is imported or refused cleanly."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from smi.errors import SmiError, SourceError
from smi.importer import run_import
from smi.sources import ImportContext, ImportOptions, Unit, expand
from smi.sources.canonical_csv import SPECS, CanonicalCsv
from smi.workspace import Workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "canonical_csv"


def _rows(ws_path: Path, sql: str) -> list[dict]:
    with Workspace.open(ws_path) as ws:
        return ws.store.rows(sql)


def _snapshot(ws_path: Path) -> dict:
    with Workspace.open(ws_path) as ws:
        return ws.store.snapshot()


def _import(ws_path: Path, *paths: Path):
    with Workspace.open(ws_path) as ws:
        return run_import(ws, list(paths))


def test_the_four_files_import_with_exact_counts_and_sums(make_ws, cli):
    ws = make_ws("UTC")
    cli("import", FIXTURES, "-w", ws)
    counts = _rows(ws, "SELECT (SELECT count(*) FROM posts) posts, (SELECT count(*) FROM post_metrics) snaps, "
                       "(SELECT count(*) FROM interactions) interactions, (SELECT count(*) FROM audience_daily) audience_days, "
                       "(SELECT count(*) FROM effort) effort, (SELECT count(*) FROM accounts) accounts")[0]
    assert counts == {"posts": 5, "snaps": 5, "interactions": 6, "audience_days": 4, "effort": 6, "accounts": 3}
    sums = _rows(ws, "SELECT sum(impressions) imp, sum(reactions) re, sum(video_views) vv FROM post_metrics")[0]
    assert sums == {"imp": 1200 + 3400 + 800 + 120 + 5000, "re": 140 + 410 + 25 + 2, "vv": 2900 + 1200}
    aud = _rows(ws, "SELECT sum(followers) f, sum(gained) g, sum(lost) l, sum(visits) v FROM audience_daily")[0]
    assert aud == {"f": 10200 + 10231 + 10260 + 5400, "g": 35 + 41 + 3, "l": 4 + 12 + 7, "v": 310 + 295}
    assert _rows(ws, "SELECT sum(minutes) m FROM effort")[0]["m"] == 90 + 15 + 15 + 45 + 30 + 20.5
    accounts = [r["account_id"] for r in _rows(ws, "SELECT account_id FROM accounts ORDER BY 1")]
    assert accounts == ["facebook:ourtheatre", "instagram:ourtheatre", "x:ourtheatre"]
    post = _rows(ws, "SELECT * FROM posts WHERE post_key = 'instagram:ig-1001'")[0]
    assert post["account_id"] == "instagram:ourtheatre"
    assert post["kind"] == "original" and post["format"] == "image" and post["language"] == "en"
    assert post["labels"] == ["summer season", "tickets"]
    assert post["hashtags"] == ["theatre", "summer"]
    assert post["links"] == ["https://example.org/tickets"]
    reply = _rows(ws, "SELECT * FROM interactions WHERE interaction_key = 'instagram:c-2'")[0]
    assert reply["post_key"] == "instagram:ig-1001" and reply["in_reply_to"] == "c-1"
    assert reply["from_organisation"] is True and reply["kind"] == "reply"
    review = _rows(ws, "SELECT * FROM interactions WHERE interaction_key = 'facebook:r-1'")[0]
    assert review["text"] == 'Lovely panto, "5 stars"\nwould come again'
    assert review["from_organisation"] is False
    assert _rows(ws, "SELECT from_organisation FROM interactions WHERE native_id = 'm-1'")[0]["from_organisation"] is None
    effort = _rows(ws, "SELECT platform, activity FROM effort WHERE minutes = 30")[0]
    assert effort == {"platform": None, "activity": "plan"}
    assert _rows(ws, "SELECT activity FROM effort WHERE minutes = 20.5")[0]["activity"] == "other"


def test_a_blank_metric_is_null_never_zero(make_ws, cli):
    ws = make_ws("UTC")
    cli("import", FIXTURES, "-w", ws)
    fb = _rows(ws, "SELECT * FROM post_metrics WHERE post_key = 'facebook:fb-555'")[0]
    assert fb["impressions"] == 5000 and fb["video_views"] == 1200
    assert fb["reach"] is None and fb["reactions"] is None and fb["comments"] is None
    x = _rows(ws, "SELECT * FROM post_metrics WHERE post_key = 'x:1790000000000000002'")[0]
    assert x["comments"] == 0 and x["clicks"] == 0 and x["reach"] is None
    day = _rows(ws, "SELECT * FROM audience_daily WHERE date = DATE '2026-07-02'")[0]
    assert day["followers"] == 10231 and day["gained"] is None and day["lost"] is None


def test_a_time_without_offset_is_in_the_workspace_time_zone(make_ws, cli):
    ws = make_ws("Europe/London")
    cli("import", FIXTURES / "posts.csv", FIXTURES / "interactions.csv", "-w", ws)

    def utc(key: str, table: str = "posts", col: str = "published_at", keycol: str = "post_key") -> datetime:
        return _rows(ws, f"SELECT {col} t FROM {table} WHERE {keycol} = ?".replace("?", f"'{key}'"))[0]["t"].astimezone(UTC)

    assert utc("instagram:ig-1001") == datetime(2026, 7, 3, 17, 30, tzinfo=UTC)  # BST, UTC+1
    assert utc("instagram:ig-1002") == datetime(2026, 12, 5, 10, 0, tzinfo=UTC)  # GMT
    assert utc("x:1790000000000000001") == datetime(2026, 7, 4, 8, 15, tzinfo=UTC)  # Z
    assert utc("x:1790000000000000002") == datetime(2026, 7, 4, 8, 0, tzinfo=UTC)  # +01:00
    assert utc("facebook:r-1", "interactions", "created_at", "interaction_key") == datetime(2026, 12, 24, 23, 59, 59, tzinfo=UTC)
    assert utc("instagram:c-1", "interactions", "created_at", "interaction_key") == datetime(2026, 7, 3, 18, 2, tzinfo=UTC)
    obs = _rows(ws, "SELECT observed_at t FROM post_metrics WHERE post_key = 'facebook:fb-555'")[0]["t"]
    assert obs.astimezone(UTC) == datetime(2026, 2, 1, 0, 0, tzinfo=UTC)  # a date alone: midnight, GMT


def test_unknown_columns_are_kept_in_extra_with_a_warning(make_ws):
    ws = make_ws("UTC")
    report = _import(ws, FIXTURES / "posts.csv", FIXTURES / "interactions.csv")
    warnings = [w for r in report.results for w in r.warnings]
    assert any("campaign_code" in w and "kept" in w for w in warnings)
    assert any("sentiment_note" in w for w in warnings)
    extra = _rows(ws, "SELECT extra FROM posts WHERE post_key = 'instagram:ig-1001'")[0]["extra"]
    assert json.loads(extra) == {"author": "Ceri Jones", "campaign_code": "SUMMER26"}
    assert json.loads(_rows(ws, "SELECT extra FROM posts WHERE native_id = 'ig-1002'")[0]["extra"]) == {"author": "Ceri Jones"}
    c1 = _rows(ws, "SELECT extra FROM interactions WHERE native_id = 'c-1'")[0]["extra"]
    assert json.loads(c1) == {"sentiment_note": "question"}
    assert _rows(ws, "SELECT extra FROM interactions WHERE native_id = 'c-2'")[0]["extra"] is None


def test_reimport_and_a_changed_copy_change_nothing(make_ws, cli, status, tmp_path):
    ws = make_ws("Europe/London")
    cli("import", FIXTURES, "-w", ws, "--observed-at", "2026-12-31T12:00:00Z")
    first = status(ws)
    before = _snapshot(ws)
    assert first["platforms"]["instagram"]["posts"] == 2 and first["effort_entries"] == 6
    cli("import", FIXTURES, "-w", ws, "--observed-at", "2026-12-31T12:00:00Z")
    assert _snapshot(ws) == before
    # The same rows in files with other bytes (a new hash): merged, not added twice.
    copy = tmp_path / "copy"
    shutil.copytree(FIXTURES, copy)
    for f in copy.iterdir():
        f.write_text(f.read_text() + "\n")
    cli("import", copy, "-w", ws, "--observed-at", "2026-12-31T12:00:00Z")
    second = status(ws)
    assert {k: v for k, v in second.items() if k != "imports"} == {k: v for k, v in first.items() if k != "imports"}
    assert _rows(ws, "SELECT count(*) n FROM post_metrics")[0]["n"] == 5


def _posts(n: int, bad_at: int | None = None, bad: str = "12k") -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["platform", "post_id", "published_at", "impressions"])
    for i in range(n):
        w.writerow(["x", str(i), "2026-07-01T10:00:00Z", bad if i == bad_at else str(i)])
    return out.getvalue()


def test_a_bad_row_near_the_end_fails_the_file_and_changes_nothing(make_ws, cli, tmp_path):
    ws = make_ws("UTC")
    cli("import", FIXTURES / "audience.csv", "-w", ws)
    before = _snapshot(ws)
    f = tmp_path / "posts.csv"
    f.write_text(_posts(300, bad_at=298))
    result = cli("import", f, "-w", ws, ok=False)
    assert result.exit_code == 1
    assert f"{f}, line 300, field 'impressions': '12k' is not a number" in result.output
    assert "fix:" in result.output
    assert _snapshot(ws) == before


def _error(ws: Path, tmp_path: Path, name: str, data: bytes) -> SourceError:
    f = tmp_path / name
    f.write_bytes(data)
    report = _import(ws, f)
    assert len(report.results) == 1 and report.results[0].status == "failed"
    err = report.results[0].error
    assert isinstance(err, SourceError), err
    return err


@pytest.mark.parametrize(
    ("name", "data", "record", "field", "says"),
    [
        ("posts.csv", b"platform,post_id,published_at\nx,1,2026-07-01\ntwiter,2,2026-07-01\n",
         "line 3", "platform", "x, mastodon, bluesky, facebook, instagram"),
        ("posts.csv", b"platform,post_id,published_at,kind\nx,1,2026-07-01,boost\n",
         "line 2", "kind", "original, reply, repost, quote"),
        ("posts.csv", b"platform,post_id,published_at,format\nx,1,2026-07-01,gif\n",
         "line 2", "format", "text, image, video"),
        ("effort.csv", b"person,date,minutes,activity\nA,2026-07-01,5,design\n",
         "line 2", "activity", "create, engage, monitor, plan, report, learn, other"),
        ("interactions.csv", b"platform,interaction_id,created_at\nx,1,yesterday\n",
         "line 2", "created_at", "ISO 8601"),
        ("interactions.csv", b"platform,interaction_id,created_at\nx,1,2026-07-01T10:00:00Z\nx,,2026-07-01\n",
         "line 3", "interaction_id", "is empty"),
        ("audience.csv", b"platform,account,date,followers\nx,@a,2026-07-01,1 200\n",
         "line 2", "followers", "whole number"),
        ("audience.csv", b"platform,account,date\nx,@a,01/07/2026\n", "line 2", "date", "2026-10-03"),
        ("effort.csv", b"person,date\nA,2026-07-01\n", "line 1 (header)", "minutes", "minutes"),
        ("posts.csv", b"platform,post_id,published_at,text\nx,1,2026-07-01,ok\nx,2,2026-07-01,caf\xe9\n",
         "line 3", None, "UTF-8"),
        ("posts.csv", b"platform,post_id,published_at\nx,1,2026-07-01\nx,2,2026-07-01,extra\n",
         "line 3", None, "3 cells"),
    ],
)
def test_validation_names_file_line_field_expected_and_fix(make_ws, tmp_path, name, data, record, field, says):
    ws = make_ws("UTC")
    before = _snapshot(ws)
    err = _error(ws, tmp_path, name, data)
    assert err.file.endswith(name)
    assert err.record == record
    assert err.field == field
    assert says in str(err)
    assert err.fix
    assert _snapshot(ws) == before


def test_a_name_prefix_is_allowed_and_other_csv_names_are_not_ours(make_ws, tmp_path):
    ws = make_ws("UTC")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "2026-10-effort.csv").write_text("person,date,minutes\nA,2026-10-01,15\n")
    (tmp_path / "in" / "notes.csv").write_text("person,date,minutes\nA,2026-10-01,15\n")
    report = _import(ws, tmp_path / "in")
    assert [r.status for r in report.results] == ["imported"]
    assert [Path(s).name for s in report.skipped] == ["notes.csv"]
    assert _rows(ws, "SELECT sum(minutes) m FROM effort")[0]["m"] == 15


# -- property test: any input is imported or refused with an SmiError ------------------------

_CELLS = st.one_of(
    st.sampled_from(["", " ", "x", "instagram", "Twitter", "mastodon", "1", "0", "-3", "12k", "1e3",
                     "2026-07-01", "2026-07-01T10:00:00Z", "2026-07-01 10:00", "2026-03-29 01:30",
                     "2026-13-45", "true", "no", "reply", "image", "create", "a;b; ;c", "@Us",
                     "at://bsky", "NaN", "inf", "9" * 25]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.text(alphabet='",\n\r; \\\t\x00é\u2028', max_size=6),
)


_TIMES = ["2026-07-01T10:00:00Z", "2026-07-01 10:00", "2026-10-25 01:30", "2026-03-29 01:30",
          "2026-07-01", "2026-07-01T10:00:00.5+05:30"]
_PLAUSIBLE = {
    "platform": st.sampled_from(["x", "Instagram", " mastodon ", "twitter", "bsky"]),
    "published_at": st.sampled_from(_TIMES), "created_at": st.sampled_from(_TIMES),
    "observed_at": st.sampled_from(_TIMES),
    "date": st.sampled_from(["2026-07-01", "2027-01-31"]),
    "minutes": st.sampled_from(["15", "1.5", "0", ""]),
    "kind": st.sampled_from(["original", "reply", "comment", "mention", ""]),
    "format": st.sampled_from(["image", "Video", ""]),
    "activity": st.sampled_from(["create", "Engage", ""]),
    "from_organisation": st.sampled_from(["true", "FALSE", ""]),
    "account": st.sampled_from(["@Us", "us@example.social", "at://us.bsky.social"]),
    "labels": st.sampled_from(["a;b; ;c", ";", ""]),
}
_COUNT = st.one_of(st.integers(0, 10**9).map(str), st.just(""))


def _plausible(col: str) -> st.SearchStrategy[str]:
    if col in _PLAUSIBLE:
        return _PLAUSIBLE[col]
    if col in ("impressions", "reach", "views", "reactions", "comments", "shares", "saves", "clicks",
               "video_views", "followers", "gained", "lost", "visits", "watch_time_seconds"):
        return _COUNT
    return st.text(max_size=10)


@st.composite
def _csv_files(draw: st.DrawFn) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(sorted(SPECS)))
    spec = SPECS[kind]
    header = draw(st.lists(st.sampled_from([*spec.known, "extra col", "Platform", ""]), max_size=8, unique=True))
    if draw(st.sampled_from([True, True, True, False])):
        header = [*spec.required, *(h for h in header if h not in spec.required)]
    style = draw(st.sampled_from(["csv", "csv", "csv", "raw", "bytes"]))
    if style == "bytes":
        return f"{kind}.csv", draw(st.binary(max_size=200))
    rows = []
    for _ in range(draw(st.integers(0, 5))):
        row = [draw(_CELLS if draw(st.sampled_from(range(10))) == 0 else _plausible(c)) for c in header]
        if draw(st.sampled_from(range(20))) == 0:
            row = row[:-1] if draw(st.booleans()) else [*row, "x"]
        rows.append(row)
    if style == "csv":
        out = io.StringIO()
        w = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
        w.writerow(header)
        w.writerows(rows)
        text = out.getvalue()
    else:
        text = "\n".join(",".join(r) for r in [header, *rows])
    prefix = draw(st.sampled_from(["", "\ufeff"]))
    return f"{kind}.csv", (prefix + text).encode("utf-8", errors="surrogatepass")


@pytest.fixture(scope="module")
def prop_ws(tmp_path_factory):
    root = tmp_path_factory.mktemp("prop") / "ws"
    ws = Workspace.create(root, name="Prop", timezone="Europe/London")
    yield ws
    ws.close()


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=_csv_files())
def test_any_input_imports_or_raises_an_smi_error(prop_ws, tmp_path_factory, case):
    name, data = case
    folder = tmp_path_factory.mktemp("case")
    path = folder / name
    path.write_bytes(data)
    (file,) = expand([path])
    unit = Unit(CanonicalCsv(), [file], file.name)
    writer = prop_ws.store.writer(source="canonical_csv", name=file.name, unit_hash=f"prop-{id(data)}", files=[])
    options = ImportOptions(timezone="Europe/London", observed_at=datetime(2026, 8, 1, tzinfo=UTC))
    ctx = ImportContext(writer, options)
    before = _counts(prop_ws)
    try:
        with writer:
            CanonicalCsv().read(unit, ctx)
            ctx.flush()
            writer.commit()
    except SmiError as e:
        event("refused")
        # a refusal names the file and leaves the store exactly as it was
        assert name in str(e), str(e)
        assert _counts(prop_ws) == before
        return
    event("imported")
    # an import adds rows only to its own table, and no more rows than the file has lines
    lines = [ln for ln in data.decode("utf-8", errors="replace").splitlines() if ln.strip()]
    added = {t: n - before[t] for t, n in _counts(prop_ws).items()}
    table = {"posts": "posts", "interactions": "interactions", "audience": "audience_daily", "effort": "effort"}
    own = table[kind_of(name)]
    assert 0 <= added[own] <= max(len(lines) - 1, 0), (added, len(lines))
    assert all(v == 0 for t, v in added.items() if t not in (own, "post_metrics", "accounts", "imports")), added


def kind_of(name: str) -> str:
    return name.removesuffix(".csv")


def _counts(ws) -> dict[str, int]:
    tables = ("posts", "post_metrics", "interactions", "audience_daily", "effort", "accounts")
    return {t: ws.store.rows(f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in tables}


def test_a_blank_published_at_keeps_the_post_undated(make_ws, cli, status, tmp_path):
    """`smi export csv` writes an undated post (a YouTube video Studio gave no publish time)
    with a blank published_at; importing that file must keep it, not fail the file."""
    ws = make_ws("UTC")
    (tmp_path / "posts.csv").write_text("platform,post_id,published_at,views\n"
                                        "youtube,a1,2026-07-01,10\nyoutube,b2,,5\nyoutube,c3,,7\n")
    res = cli("import", tmp_path / "posts.csv", "-w", ws)
    assert "2 posts with a blank published_at kept as undated" in res.output
    assert status(ws)["undated_posts"] == {"youtube": 2}
    got = _rows(ws, "SELECT native_id, published_at IS NULL AS undated, views FROM posts "
                    "JOIN post_metrics USING (post_key) ORDER BY 1")
    assert got == [{"native_id": "a1", "undated": False, "views": 10},
                   {"native_id": "b2", "undated": True, "views": 5},
                   {"native_id": "c3", "undated": True, "views": 7}]
