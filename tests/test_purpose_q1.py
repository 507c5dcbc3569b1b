"""Purposes from people, labels, rules and the model; Q1 by purpose; `smi label`; the
purposes detector. Synthetic canonical CSVs written here (every expected number is counted
by hand in the comments)."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from smi.importer import run_import
from smi.monthly import Month, run_month
from smi.purposes import apply_purposes, label
from smi.store import purposes as records
from smi.workspace import Workspace

PROFILE = """
[[accounts]]
platform = "x"
handle = "@theatr"
[[accounts]]
platform = "facebook"
handle = "theatr"

[purposes.promote]
words = ["tickets"]
[purposes.collaborate]
words = ["partners", "volunteers"]
"""


def _write(path: Path, name: str, header: list[str], rows: list[list[object]]) -> None:
    with open(path / name, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def _workspace(tmp: Path, posts: list[list[object]], effort: list[list[object]], extra: str = "") -> Workspace:
    ws = Workspace.create(tmp / "ws", name="Purposes", timezone="UTC")
    ws.close()
    with open(tmp / "ws" / "workspace.toml", "a", encoding="utf-8") as f:
        f.write(PROFILE + extra)
    ws = Workspace.open(tmp / "ws")
    ws.store.sync_profile(ws.profile)
    data = tmp / "data"
    data.mkdir()
    _write(data, "posts.csv", ["platform", "post_id", "account", "published_at", "kind", "text", "labels",
                               "reactions", "observed_at"], posts)
    files = [data / "posts.csv"]
    if effort:
        _write(data, "effort.csv", ["person", "date", "minutes", "platform", "activity", "note"], effort)
        files.append(data / "effort.csv")
    report = run_import(ws, files)
    assert not report.failed, [str(r.error) for r in report.failed]
    return ws


OBS = "2026-04-02T00:00:00Z"


# -- sources: person > label > rule > model; a person's label is never overwritten -----------------
def test_sources_and_a_persons_label_wins(tmp_path):
    posts = [
        ["x", "1", "@theatr", "2026-03-02T10:00:00Z", "original", "Tickets on sale", "", 10, OBS],  # rule
        ["x", "2", "@theatr", "2026-03-02T11:00:00Z", "original", "hello", "collaborate", 1, OBS],  # label
        ["x", "3", "@theatr", "2026-03-02T12:00:00Z", "original", "Tickets again", "", 1, OBS],  # person
        ["x", "4", "@theatr", "2026-03-02T13:00:00Z", "original", "a sunny day", "", 1, OBS],  # nothing
    ]
    with _workspace(tmp_path, posts, []) as ws:
        key = ws.store.rows("SELECT post_key FROM posts WHERE native_id = '3'")[0]["post_key"]
        label(ws, key, "serve customers", "tester")
        apply_purposes(ws)
        got = {r["native_id"]: (r["purpose"], r["purpose_source"]) for r in ws.store.rows(
            "SELECT native_id, purpose, purpose_source FROM posts")}
        assert got == {"1": ("promote", "rule"), "2": ("collaborate", "label"),
                       "3": ("serve customers", "person"), "4": ("other", "none")}
        # the label survives a second apply and a re-label replaces it (one row per post)
        label(ws, key, "develop products", "tester")
        apply_purposes(ws)
        assert ws.store.rows("SELECT purpose FROM posts WHERE post_key = ?", [key])[0]["purpose"] == "develop products"
        assert records.person_labels(ws.store) == {("posts", key): "develop products"}


def _model_world(pairs: int) -> list[list[object]]:
    """`pairs` posts labelled "promote" in the data (about shows) and as many "collaborate"
    (about partners), in words the rules do not list; then unlabelled posts: u1 like the
    promote ones, u2 like the collaborate ones, h1 for a person's label, r1 a rule decides."""
    posts = []
    for i in range(pairs):
        posts.append(["x", f"p{i}", "@theatr", f"2026-03-{i % 28 + 1:02d}T10:00:00Z", "original",
                      f"Our new show opens soon, seats selling fast {i}", "promote", 5, OBS])
        posts.append(["x", f"c{i}", "@theatr", f"2026-03-{i % 28 + 1:02d}T11:00:00Z", "original",
                      f"Working together with our friends at the arts centre {i}", "collaborate", 5, OBS])
    posts += [
        ["x", "u1", "@theatr", "2026-03-10T10:00:00Z", "original", "New show opens, seats selling", "", 1, OBS],
        ["x", "u2", "@theatr", "2026-03-10T11:00:00Z", "original", "Working with friends at the arts centre", "", 1, OBS],
        ["x", "h1", "@theatr", "2026-03-10T12:00:00Z", "original", "A quiet afternoon in the office", "", 1, OBS],
        ["x", "r1", "@theatr", "2026-03-10T13:00:00Z", "original", "Tickets", "", 1, OBS],
    ]
    return posts


def test_the_model_fills_only_what_nothing_else_decides(tmp_path):
    # 32 data labels + 1 person's label = 33 (>= 30: accuracy is measured; the two kinds of
    # text share no words, so it beats the most common purpose and the model is used). It must
    # give u1 and u2 a purpose with a confidence, and never touch the person's label, the data
    # labels or the rule's post.
    with _workspace(tmp_path, _model_world(16), []) as ws:
        h1 = ws.store.rows("SELECT post_key FROM posts WHERE native_id = 'h1'")[0]["post_key"]
        label(ws, h1, "other")
        result = apply_purposes(ws)
        assert result.model_examples == 33
        got = {r["native_id"]: r for r in ws.store.rows(
            "SELECT native_id, purpose, purpose_source, purpose_confidence FROM posts")}
        assert (got["h1"]["purpose"], got["h1"]["purpose_source"], got["h1"]["purpose_confidence"]) == (
            "other", "person", None)
        assert (got["r1"]["purpose"], got["r1"]["purpose_source"]) == ("promote", "rule")
        assert all(got[f"c{i}"]["purpose_source"] == "label" for i in range(16))
        for k, want in (("u1", "promote"), ("u2", "collaborate")):
            assert got[k]["purpose_source"] == "model", got[k]
            assert got[k]["purpose"] == want
            assert 0.5 <= got[k]["purpose_confidence"] <= 1.0


def test_the_model_gives_no_purpose_before_its_accuracy_is_known(tmp_path):
    # 12 data labels + 1 person's: under 30, so accuracy cannot be measured and the model,
    # though it could be trained, gives nothing: u1 and u2 stay "other", decided by nothing
    with _workspace(tmp_path, _model_world(6), []) as ws:
        h1 = ws.store.rows("SELECT post_key FROM posts WHERE native_id = 'h1'")[0]["post_key"]
        label(ws, h1, "other")
        result = apply_purposes(ws)
        assert result.model_examples == 0
        assert "13 labelled examples, 30 needed" in result.summary()
        got = {r["native_id"]: (r["purpose"], r["purpose_source"]) for r in ws.store.rows(
            "SELECT native_id, purpose, purpose_source FROM posts")}
        assert got["u1"] == got["u2"] == ("other", "none")


def test_least_sure_puts_the_ambiguous_post_first_and_leaves_out_what_rules_decide(tmp_path):
    from smi.purpose_model import least_sure

    posts = []
    for i in range(6):  # labels in the data; no rule word ("tickets", "partners", "volunteers")
        posts.append(["x", f"p{i}", "@theatr", f"2026-03-0{i + 2}T10:00:00Z", "original",
                      f"Seats selling fast for the new show {i}", "promote", 5, OBS])
        posts.append(["x", f"c{i}", "@theatr", f"2026-03-0{i + 2}T11:00:00Z", "original",
                      f"Working together with friends at the arts centre {i}", "collaborate", 5, OBS])
    posts += [
        ["x", "a", "@theatr", "2026-03-10T10:00:00Z", "original", "Seats selling fast for the new show", "", 1, OBS],
        ["x", "b", "@theatr", "2026-03-10T11:00:00Z", "original", "Working together with friends at the arts centre",
         "", 1, OBS],
        # half of each: the model can only be unsure of it
        ["x", "c", "@theatr", "2026-03-10T12:00:00Z", "original", "Seats selling fast, working together with friends",
         "", 1, OBS],
        ["x", "d", "@theatr", "2026-03-10T13:00:00Z", "original", "Tickets now", "", 1, OBS],  # a rule decides
    ]
    with _workspace(tmp_path, posts, []) as ws:
        got = least_sure(ws, 10)
        texts = [g["text"] for g in got]
        assert len(got) == 3 and texts[0] == "Seats selling fast, working together with friends"
        assert set(texts[1:]) == {"Seats selling fast for the new show",
                                  "Working together with friends at the arts centre"}
        assert got[0]["confidence"] < min(g["confidence"] for g in got[1:])
        assert {g["guess"] for g in got[1:]} == {"promote", "collaborate"}


# -- Q1 by purpose, hand counted ------------------------------------------------------------------
Q1_POSTS = [
    ["x", "1", "@theatr", "2026-03-02T10:00:00Z", "original", "Tickets one", "", 10, OBS],
    ["x", "2", "@theatr", "2026-03-03T10:00:00Z", "original", "Tickets two", "", 20, OBS],
    ["x", "3", "@theatr", "2026-03-04T10:00:00Z", "original", "Tickets three", "", 30, OBS],
    ["x", "4", "@theatr", "2026-03-05T10:00:00Z", "original", "With our partners", "", 5, OBS],
]
Q1_EFFORT = [
    ["Ceri", "2026-03-02", 120, "x", "create", ""],  # split 3:1 -> promote 90, collaborate 30 min
    ["Ceri", "2026-03-03", 60, "x", "engage", ""],  # no interactions: by posts -> 45 / 15
    ["Ceri", "2026-03-04", 30, "x", "monitor", ""],  # not attributed
    ["Dai", "2026-03-05", 60, "facebook", "create", "calls with volunteers"],  # the note: collaborate 60
    ["Dai", "2026-03-06", 30, "facebook", "create", ""],  # no facebook posts that week: not attributed
]
Q1_GOALS = """
[[goals]]
name = "Sell"
purpose = "promote"
[[goals.kpis]]
metric = "posts"
target = 1
"""


def test_q1_hours_shares_and_goals_in_the_month(tmp_path):
    # Week of Monday 2 March 2026 (UTC). Official x posts: 3 promote (10, 20, 30 reactions),
    # 1 collaborate (5). No facebook posts.
    with _workspace(tmp_path, Q1_POSTS, Q1_EFFORT, Q1_GOALS) as ws:
        apply_purposes(ws)
        m = run_month(ws, "2026-03", findings=False, use_cache=False)
        q = Month.from_json(m.to_json()).purposes  # it survives JSON
        rows = {r["purpose"]: r for r in q["rows"]}
        # hours: promote 90 + 45 = 135 min = 2.25 h; collaborate 30 + 15 + 60 = 105 min = 1.75 h;
        # 60 min not attributed; 5 h logged in all
        assert q["hours"] == pytest.approx(5.0)
        assert q["hours_attributed"] == pytest.approx(4.0)
        assert rows["promote"]["hours"] == pytest.approx(2.25)
        assert rows["collaborate"]["hours"] == pytest.approx(1.75)
        assert rows["promote"]["share_of_hours"] == pytest.approx(2.25 / 4)
        assert rows["promote"]["posts"] == 3 and rows["collaborate"]["posts"] == 1
        assert rows["promote"]["share_of_posts"] == pytest.approx(0.75)
        # engagements 60 and 5 of 65; per hour 60 / 2.25 and 5 / 1.75
        assert rows["promote"]["share_of_engagements"] == pytest.approx(60 / 65)
        assert rows["promote"]["engagements_per_hour"] == pytest.approx(60 / 2.25)
        assert rows["collaborate"]["engagements_per_hour"] == pytest.approx(5 / 1.75)
        assert rows["serve customers"]["posts"] == 0 and rows["serve customers"]["hours"] == 0
        # the one KPI (4 posts >= 1) is met, on the promote goal
        assert rows["promote"]["goals"] == {"met": 1}
        assert q["sources"] == {"rule": 4}
        assert q["model"]["enough"] is False


def test_q1_section_in_both_languages(tmp_path):
    from smi.report.i18n import Words
    from smi.report.markdown import render_markdown
    from smi.report.model import model_from_month
    from smi.report.render import render_html

    extra = Q1_GOALS.replace("[[goals]]", "[purposes.serve]\nwords = [\"refund\"]\npriority = 1\nshare = 0.4\n\n[[goals]]")
    with _workspace(tmp_path, Q1_POSTS, Q1_EFFORT, extra) as ws:
        apply_purposes(ws)
        m = run_month(ws, "2026-03", findings=False, use_cache=False)
    m.with_findings = True  # the question sections are shown with the findings (none here)
    # the numbers as counted in test_q1_hours_shares_and_goals_in_the_month: promote 3 of 4
    # posts (75%), 2.25 of 4 attributed hours (56%), 60 of 65 engagements (92%), 26.7 an hour
    en = render_markdown(model_from_month(m), Words("en"))
    assert "| promote | – | 75% | 56% | 92% | 26.7 | 1 met |" in en
    assert ("Priority 1, serve customers: 0% of the posts (you want 40%), 0% of the staff hours given to a "
            "purpose and 0% of the engagements.") in en
    assert "4 of the 5 staff hours logged are given to a purpose" in en
    assert "not enough labels (0 labelled, 30 needed)" in en
    cy = render_markdown(model_from_month(m, Words("cy")), Words("cy"))
    assert "| hyrwyddo | – | 75% | 56% | 92% | 26.7 | 1 wedi'i gyrraedd |" in cy
    assert "Blaenoriaeth 1, gwasanaethu cwsmeriaid: 0% o'r postiadau (rydych am 40%)" in cy
    assert "Rhoddir 4 o'r 5 awr staff" in cy
    html = render_html(model_from_month(m, Words("cy")), Words("cy"))
    assert '<th scope="row">hyrwyddo</th><td class="n">–</td><td class="n">75%</td>' in html
    assert "<h3>Dibenion</h3>" in html
    import json

    from smi.report.jsondoc import render_json

    data = json.loads(render_json(model_from_month(m)))
    promote = next(r for r in data["purposes"]["rows"] if r["purpose"] == "promote")
    assert (promote["posts"], promote["hours"], promote["engagements"]) == (3, 2.25, 60.0)


# -- smi label --------------------------------------------------------------------------------------
def test_smi_label_from_stdin(tmp_path):
    posts = [["x", str(i), "@theatr", f"2026-03-0{i + 1}T10:00:00Z", "original", f"post number {i}", "", 1, OBS]
             for i in range(5)]
    with _workspace(tmp_path, posts, []):
        pass
    from smi.cli import app

    runner = CliRunner()
    # a wrong key is asked again; 1 = promote, s = skip, q = quit
    r = runner.invoke(app, ["label", "--n", "3", "-w", str(tmp_path / "ws")], input="x\n1\ns\nq\n",
                      catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "'x' is not a key" in r.output
    assert "labelled 1 of 3 posts (promote 1), skipped 1, stopped early" in r.output
    assert "not enough labels" in r.output
    with Workspace.open(tmp_path / "ws") as ws:
        labels = records.person_labels(ws.store)
        assert list(labels.values()) == ["promote"]
        [(_table, key)] = labels
        first = ws.store.rows("SELECT text, purpose, purpose_source FROM posts WHERE post_key = ?", [key])[0]
        assert (first["purpose"], first["purpose_source"]) == ("promote", "person")  # applied at once
        assert f"x 2026-03-0{int(first['text'][-1]) + 1}: {first['text']}" in r.output  # the post it was shown


# -- accuracy on held-back labels -------------------------------------------------------------------
LABELLED = Path(__file__).resolve().parent / "fixtures" / "purposes" / "labelled.csv"


def test_classifier_accuracy_on_a_held_out_split():
    """tests/fixtures/purposes/labelled.csv: 100 short posts written by hand for this test
    (not taken from any source) for a Welsh-English theatre, 24 promote, 22 serve customers,
    22 develop products, 22 collaborate and 12 other, about half in each language, each
    labelled when written. 25% held back (seed 0, stratified). Measured when written: 60%
    (15 of 25) at seed 0, 48-72% over seeds 0-4, against 20% for the most common purpose; the
    bar (45%, and 25 points over that baseline) leaves room for the spread over splits."""
    from smi.purpose_model import evaluate_examples

    with open(LABELLED, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 100
    e = evaluate_examples([r["text"] for r in rows], [r["purpose"] for r in rows], len(rows))
    assert (e.train, e.test) == (75, 25)
    assert e.accuracy >= 0.45
    assert e.accuracy >= e.baseline + 0.25
    assert "25 held-back labels" in e.words()


def test_smi_label_evaluate_reads_the_peoples_labels_from_the_store(tmp_path):
    """The labelled set as posts of a workspace, each labelled by a person: `smi label
    --evaluate` says what evaluate_examples says of the CSV (tested above), and the rules
    (none of their words is in these texts except "tickets", "partners", "volunteers") do not
    change what the model learns from."""
    from smi.purpose_model import evaluate_examples

    with open(LABELLED, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    posts = [["x", str(i), "@theatr", f"2026-03-{i % 28 + 1:02d}T10:00:00Z", "original", r["text"], "", 1, OBS]
             for i, r in enumerate(rows)]
    with _workspace(tmp_path, posts, []) as ws:
        keys = {r["native_id"]: r["post_key"] for r in ws.store.rows("SELECT native_id, post_key FROM posts")}
        for i, r in enumerate(rows):
            label(ws, keys[str(i)], r["purpose"], "tester")
    # the workspace orders its examples by key ("x:0", "x:1", "x:10", …): the same order here
    ordered = [rows[i] for i in sorted(range(len(rows)), key=lambda i: keys[str(i)])]
    want = evaluate_examples([r["text"] for r in ordered], [r["purpose"] for r in ordered], len(rows))
    from smi.cli import app

    out = CliRunner().invoke(app, ["label", "--evaluate", "-w", str(tmp_path / "ws")], catch_exceptions=False).output
    assert (f"model accuracy {want.accuracy:.0%} on 25 held-back labels ({want.correct} right; trained on 75; "
            "100 of the 100 labels by people)") in " ".join(out.split())


def test_not_enough_labels_below_the_minimum():
    from smi.purpose_model import MIN_EVAL, evaluate_examples

    with open(LABELLED, encoding="utf-8") as f:
        every_third = list(csv.DictReader(f))[::3]  # 34 rows, every purpose among them
    rows = every_third[: MIN_EVAL - 1]
    e = evaluate_examples([r["text"] for r in rows], [r["purpose"] for r in rows], 0)
    assert not e.enough and e.accuracy is None
    assert e.words().startswith(f"not enough labels to measure the model's accuracy: {MIN_EVAL - 1} labelled")
    rows = every_third[:MIN_EVAL]  # one more: it is measured
    e = evaluate_examples([r["text"] for r in rows], [r["purpose"] for r in rows], 0)
    assert e.enough and e.test == round(MIN_EVAL * 0.25 + 0.49)


# -- the detector -----------------------------------------------------------------------------------
def _weekly(first: date, weeks: int, month_collab: bool = True) -> tuple[list[list[object]], list[list[object]]]:
    """Every Wednesday from `first`: 3 promote posts on x (100 reactions each) and 3
    collaborate posts on facebook (5 each); staff log 2 h create on x, 4 h on facebook.
    Weekly rates: promote 300 / 2 = 150 an hour, collaborate 15 / 4 = 3.75 an hour."""
    posts, effort = [], []
    for w in range(weeks):
        d = first + timedelta(days=7 * w)
        in_month = d >= date(2026, 3, 1)
        for j in range(3):
            posts.append(["x", f"p{w}-{j}", "@theatr", f"{d}T1{j}:00:00Z", "original", "Tickets now", "", 100, OBS])
            if month_collab or not in_month:
                posts.append(["facebook", f"c{w}-{j}", "theatr", f"{d}T1{j}:30:00Z", "original", "Our partners", "",
                              5, OBS])
            else:  # the month: the collaborate posts become promote posts
                posts.append(["facebook", f"c{w}-{j}", "theatr", f"{d}T1{j}:30:00Z", "original", "Tickets", "",
                              5, OBS])
        effort.append(["Ceri", str(d), 120, "x", "create", ""])
        effort.append(["Dai", str(d), 240, "facebook", "create", ""])
    return posts, effort


def test_detector_purpose_with_far_more_hours_than_results(tmp_path):
    from smi.insights.engine import run_month as findings

    # Wednesdays 3 Dec 2025 to 25 Mar 2026: 17 weeks, all inside March and its three months before
    posts, effort = _weekly(date(2025, 12, 3), 17)
    with _workspace(tmp_path, posts, effort) as ws:
        apply_purposes(ws)
        got = {f.subject["value"]: f for f in findings(ws, "2026-03", only=["purposes"])}
        # collaborate: 3.75 an hour every week against the other purpose's 150: ratio 0.025
        c = got["collaborate"]
        assert c.direction == "lower" and c.question == "Q1"
        assert c.effect.value == pytest.approx(0.025)
        assert c.n == 17
        # promote returns 40 times as much an hour: the mirror of the same fact, not a finding of its own
        assert set(got) == {"collaborate"}
        # plain words, counted by hand: collaborate 17 weeks x 4 h = 68 of 102 h (promote 17 x 2 = 34);
        # engagements 17 x 3 x 5 = 255 of 5,355 (promote 17 x 3 x 100 = 5,100); promote 300 / 2 = 150 an hour
        assert "(68 of 102 hours)" in c.summary and "(255 of 5,355)" in c.summary
        assert "×" not in c.summary and "CI" not in c.summary  # the exact ratio stays in effect/ci
        assert "68 staff hours" in c.recommendation and "move some of the time to promote (150 " in c.recommendation
        # the Welsh edition says the purpose in Welsh, softened after "i" (cydweithio -> gydweithio)
        from smi.messages import render
        from smi.report.i18n import Words

        cy = Words("cy")
        said = render(c.messages["recommendation"], cy.t, cy.locale)
        assert "i gydweithio" in said and "i hyrwyddo (150 " in said


def test_detector_priority_purpose_neglected(tmp_path):
    from smi.insights.engine import run_month as findings

    # Baseline (Dec-Feb): 13 weeks of 3 promote + 3 collaborate posts: collaborate 39 of 78.
    # March (4 Wednesdays): the collaborate posts turn into promote posts: 0 of 24.
    posts, _effort = _weekly(date(2025, 12, 3), 17, month_collab=False)
    extra = "priority = 1\n"  # appended to [purposes.collaborate], the last table of PROFILE
    with _workspace(tmp_path, posts, [], extra) as ws:
        apply_purposes(ws)
        got = [f for f in findings(ws, "2026-03", only=["purposes"]) if f.metric == "share_of_posts_by_purpose"]
        assert [f.subject["value"] for f in got] == ["collaborate"]
        assert got[0].effect.value == 0.0
        assert got[0].n == 24
        assert "0 of the 24" in got[0].summary and "50% over the three months before (39 of 78)" in got[0].summary
        # the next step counts it: 50% of March's 24 posts would be 12, against 0
        assert "would have held about 12, against the 0 there were" in got[0].recommendation


def test_detector_says_nothing_without_a_priority_drop(tmp_path):
    from smi.insights.engine import run_month as findings

    posts, _ = _weekly(date(2025, 12, 3), 17)  # collaborate 50% in the baseline and in March
    with _workspace(tmp_path, posts, [], "priority = 1\n") as ws:
        apply_purposes(ws)
        assert [f for f in findings(ws, "2026-03", only=["purposes"])] == []



# -- real data: a Mastodon archive (no engagement counts) -------------------------------------------
def test_q1_on_a_mastodon_archive_counts_originals_and_says_not_available(tmp_path, real, cli):
    import json
    from collections import Counter

    folder = real("mastodon-archive-dealingwith")
    ws = tmp_path / "ws"
    cli("init", ws, "--name", "m", "--timezone", "UTC")
    cli("import", "--no-enrich", "-w", ws, folder)
    with open(ws / "workspace.toml", "a", encoding="utf-8") as f:
        f.write('\n[purposes.promote]\nhashtags = ["caturday", "cats"]\npriority = 1\n'
                '[purposes.collaborate]\nhandles = ["mastodon:@mcg@social.lol"]\n')
    cli("purposes", "apply", "-w", ws)
    # independent, from outbox.json alone: the Create objects published in June 2024 that reply
    # to nothing (originals: what `posts` counts; boosts and replies are not posts), by the rule
    items = json.loads((folder / "outbox.json").read_text(encoding="utf-8"))["orderedItems"]
    want: Counter = Counter()
    for it in items:
        obj = it["object"] if isinstance(it["object"], dict) else {}
        if it["type"] != "Create" or not it["published"].startswith("2024-06") or obj.get("inReplyTo"):
            continue
        tags = obj.get("tag") or []
        if any(t.get("type") == "Mention" and t.get("href") == "https://social.lol/users/mcg" for t in tags):
            want["collaborate"] += 1
        elif any(t.get("type") == "Hashtag" and t["name"].lower() in ("#caturday", "#cats") for t in tags):
            want["promote"] += 1
        else:
            want["other"] += 1
    assert sum(want.values()) == 50  # as counted by a one-off script over the outbox, by month and type
    with Workspace.open(ws) as w:
        q = run_month(w, "2024-06", findings=False, use_cache=False).purposes
    got = Counter({r["purpose"]: r["posts"] for r in q["rows"] if r["posts"]})
    assert got == want
    assert q["posts"] == 50
    # an archive gives no engagement counts: not available, never 0
    assert q["engagements"] is None
    assert all(r["engagements"] is None and r["engagements_per_hour"] is None for r in q["rows"])
    assert q["hours"] == 0 and q["priorities"] == ["promote"]
    assert q["sources"] == {s: n for s, n in (("rule", want["promote"] + want["collaborate"]),
                                               ("none", want["other"])) if n}
    # `smi purposes show` says the model's accuracy cannot be measured yet, and why
    doc = json.loads(cli("purposes", "show", "--month", "2024-06", "--format", "json", "-w", ws).stdout)
    assert (doc["model"]["enough"], doc["model"]["labels"], doc["model"]["accuracy"]) == (False, 0, None)
    shown = cli("purposes", "show", "--month", "2024-06", "-w", ws).stdout
    assert "not enough labels to measure the model's accuracy: 0 labelled" in " ".join(shown.split())
