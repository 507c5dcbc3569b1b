"""Conversation and service metrics against hand calculations.

Synthetic conversations (tests/fixtures/metrics_service, Europe/London; see its README):

  item  asked (UTC)              first org reply (UTC)          all hours   business hours
  q3    Fri 12 Jan 18:30 (GMT)   Mon 15 Jan 10:00 (r3)          3,810 min   60 (Mon 09:00-10:00)
  q6    Tue 16 Jan 09:00         Tue 16 Jan 09:20 (post p6)        20          20
  q4    Sat 20 Jan 14:00         never (not a question)
  q5    Tue 12 Mar 12:00         never ("@theatr pam ...": Welsh question word)
  q1    Fri 29 Mar 16:00 GMT     Mon  1 Apr 08:30 = 09:30 BST   3,870       90 (Fri 16-17, Mon 09-09:30)
  q2    Fri 25 Oct 15:30 = 16:30 BST  Mon 28 Oct 09:15 GMT     3,945       45 (Fri 16:30-17, Mon 09-09:15)

q3's later reply r3b (11:00) is not its first; the Mastodon reply m3 (19:00 on the 12th)
names q3 but is on another platform, so it does not answer the X item. All hours is real
elapsed time: q1 spans the spring change, so it is 64.5 h, not the 65.5 h of wall clock.
"""

from __future__ import annotations

import csv
import html
import statistics
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import ibis
import pytest

from smi.importer import run_import
from smi.metrics import Period, get
from smi.metrics.business_hours import business_seconds
from smi.metrics.service import is_question
from smi.profile import BusinessHours
from smi.workspace import Workspace

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "metrics_service"
TWCS = ("twcs-sample-first5000", "twcs_first5000.csv")
YEAR = Period.between("2024-01-01", "2024-12-31", "Europe/London")


def build(path: Path, source: Path, timezone: str) -> Workspace:
    ws = Workspace.create(path, name="Service", timezone=timezone)
    report = run_import(ws, [source])
    assert not report.failed, [str(r.error) for r in report.failed]
    return ws


def values(ws: Workspace, name: str, period: Period, by: tuple[str, ...] = (), hours=None):
    rows = get(name).build(ws.store.ibis(), period, by, business_hours=hours).to_pyarrow().to_pylist()
    if not by:
        [row] = rows
        return row["value"]
    return {r[by[0]]: r["value"] for r in rows}


@pytest.fixture(scope="module")
def london(tmp_path_factory):
    ws = build(tmp_path_factory.mktemp("svc") / "ws", FIXTURE, "Europe/London")
    yield ws
    ws.close()


# -- synthetic conversations -------------------------------------------------------------------
def test_counts_and_response_rate(london):
    assert values(london, "inbound_interactions", YEAR) == 6  # q1-q6
    assert values(london, "inbound_questions", YEAR) == 5  # all but q4
    assert values(london, "unanswered_questions", YEAR) == 1  # q5
    assert values(london, "response_rate", YEAR) == pytest.approx(4 / 6)  # q1, q2, q3, q6
    assert values(london, "response_rate", YEAR, ("month",)) == pytest.approx(
        {"2024-01": 2 / 3, "2024-03": 1 / 2, "2024-10": 1.0})
    assert values(london, "response_rate", YEAR, ("platform",)) == pytest.approx({"x": 3 / 5, "facebook": 1.0})


def test_first_response_times_over_all_hours_are_real_elapsed_time(london):
    # [20, 3810, 3870, 3945]: median (3810 + 3870) / 2; p90 at rank 0.9 * 3 = 2.7:
    # 3870 + 0.7 * (3945 - 3870) = 3922.5.
    assert values(london, "first_response_minutes_median", YEAR) == pytest.approx(3840)
    assert values(london, "first_response_minutes_p90", YEAR) == pytest.approx(3922.5)
    by_month = values(london, "first_response_minutes_median", YEAR, ("month",))
    # March: q1 alone, across the spring change: 64.5 h = 3,870 min (wall clock says 3,930).
    # October: q2 alone, across the autumn change: 65.75 h = 3,945 min (wall clock: 3,885).
    assert by_month == pytest.approx({"2024-01": (3810 + 20) / 2, "2024-03": 3870, "2024-10": 3945})


def test_first_response_times_in_business_hours(london):
    # [20, 45, 60, 90]: median 52.5; p90 = 60 + 0.7 * 30 = 81.
    assert values(london, "first_response_minutes_median_business", YEAR) == pytest.approx(52.5)
    assert values(london, "first_response_minutes_p90_business", YEAR) == pytest.approx(81)
    by_month = values(london, "first_response_minutes_median_business", YEAR, ("month",))
    # January: the Friday-evening question counts from Monday 09:00 (60) and q6 20 -> 40.
    assert by_month == pytest.approx({"2024-01": 40, "2024-03": 90, "2024-10": 45})


def test_business_hours_come_from_the_profile(london):
    # Monday to Saturday, 10:00-18:00 (as the demo theatre's profile says). q1: Fri 16:00-18:00
    # (120) + Sat 10:00-18:00 (480) + Mon 09:30 BST is before 10:00 (0) = 600. q2: Fri 16:30-18:00
    # BST (90) + Sat (480) + Mon 09:15 (0) = 570. January: q3 Sat 13 Jan (480) + Mon 10:00 (0)
    # = 480; q6 Tue 09:00-09:20 is before opening: 0 -> median 240.
    hours = BusinessHours(days=["mon", "tue", "wed", "thu", "fri", "sat"], start="10:00", end="18:00")
    by_month = values(london, "first_response_minutes_median_business", YEAR, ("month",), hours)
    assert by_month == pytest.approx({"2024-01": 240, "2024-03": 600, "2024-10": 570})


def test_business_hours_follow_the_workspace_time_zone(tmp_path):
    # The same data in a UTC workspace: q1's reply at 08:30 UTC is before Monday 09:00, so
    # q1 waited only Friday 16:00-17:00 (60); q2 asked at 15:30 waits 90 + 15 = 105.
    ws = build(tmp_path / "utc", FIXTURE, "UTC")
    year = Period.between("2024-01-01", "2024-12-31", "UTC")
    by_month = values(ws, "first_response_minutes_median_business", year, ("month",))
    assert by_month == pytest.approx({"2024-01": 40, "2024-03": 60, "2024-10": 105})
    assert values(ws, "first_response_minutes_median", year, ("month",))["2024-03"] == pytest.approx(3870)
    ws.close()


def test_question_counts_are_not_available_without_text(tmp_path):
    src = tmp_path / "in" / "interactions.csv"
    src.parent.mkdir()
    src.write_text(
        "platform,interaction_id,created_at,kind,from_organisation\n"
        "x,a1,2024-05-02T10:00:00Z,mention,false\n", encoding="utf-8")
    ws = build(tmp_path / "ws", src.parent, "UTC")
    may = Period.month("2024-05", "UTC")
    assert values(ws, "inbound_interactions", may) == 1
    assert values(ws, "inbound_questions", may) is None
    assert values(ws, "unanswered_questions", may) is None
    assert values(ws, "response_rate", may) == 0.0  # known: nobody answered it
    assert values(ws, "first_response_minutes_median", may) is None
    ws.close()


@pytest.mark.parametrize(("text", "question"), [
    ("When do you open?", True),
    ("@theatr @cyngor how do I get there", True),
    ("Can you help", True),
    ("Can't wait!", False),
    ("Whatever happens, great show", False),
    ("Sut mae cyrraedd y theatr", True),
    ("Pryd mae'r sioe", True),
    ("A oes lle i gadair olwyn", True),
    ("A lovely evening", False),
    ("Diolch yn fawr", False),
    ("Oes tocynnau ar ôl", True),
    ("Is", False),  # a verb with no subject after it asks nothing
    ("Ydy'r caffi ar agor", True),  # Welsh 'r after the question word
    ("Don't miss it", False),  # an English apostrophe ends no question word
    ("#help ble mae'r maes parcio", True),
    ("What a fantastic cast.", False),  # the demo's comment: an exclamation
    ("How lovely!", False),
    ("How much are tickets", True),
    ("When you get the last ticket 🎉", False),
    ("When will you open", True),
    ("Ydy, diolch", False),  # Welsh "yes"
    ("Oes tocynnau ar ôl", True),
    ("AI is changing theatre", False),
    ("Ai chi yw'r trefnydd", True),
    ("Be careful on the stairs", False),
    ("Be ti'n feddwl", True),
    ("Fedri di ddim parcio yno", False),  # verb, subject, ddim: a negative statement
    ("Wnewch chi anfon y manylion", True),
    ("See https://example.org/a?b=1 for details", False),  # a link's ? asks nothing
    ("Loved it! Where can I buy the programme", True),  # a later sentence asks
    ("What a night. Where do I leave feedback", True),
])
def test_question_rule(london, text, question):
    t = ibis.memtable({"text": [text]})
    got = london.store.ibis().to_pyarrow(t.select(q=is_question(t.text))).to_pylist()
    assert got == [{"q": question}]


# -- business hours, independent of the metric ------------------------------------------------
def test_business_seconds_agree_with_walking_the_days(london, walk_business_minutes):
    # 300 pseudo-random pairs over 2024 in Europe/London (both clock changes), with unusual
    # hours: Tuesday to Saturday, 10:30 to 14:45.
    import random

    rng = random.Random(4)
    tz = ZoneInfo("Europe/London")
    base = datetime(2024, 1, 1, tzinfo=ZoneInfo("UTC"))
    pairs = []
    for _ in range(300):
        a = base + timedelta(minutes=rng.randrange(0, 366 * 24 * 60))
        b = a + timedelta(minutes=rng.choice([rng.randrange(0, 600), rng.randrange(0, 20_000)]))
        pairs.append((a, b))
    hours = BusinessHours(days=["tue", "wed", "thu", "fri", "sat"], start="10:30", end="14:45")
    t = ibis.memtable({"a": [p[0] for p in pairs], "b": [p[1] for p in pairs]})
    got = london.store.ibis().to_pyarrow(t.select(m=business_seconds(t.a, t.b, hours) / 60))
    want = [walk_business_minutes(a, b, tz, {1, 2, 3, 4, 5}, time(10, 30), time(14, 45)) for a, b in pairs]
    assert got.column("m").to_pylist() == pytest.approx(want)
    assert sum(w > 0 for w in want) > 100  # the sample exercises the open hours


# -- the real customer-service sample ----------------------------------------------------------
# The question rule written again from the module docstring, with str methods on words
# (not the metric's regular expressions); its word tables are compared with the module's below.
OPEN = {"who", "whom", "whose", "why", "which", "what", "pwy", "pam", "sut", "beth", "ble",
        "sawl", "pa", "pryd", "onid"}
OPEN_EXCEPT = {"what": ["a", "an"], "pwy": ["bynnag", "a ŵyr", "a wyr"], "beth": ["bynnag"],
               "pa": ["bynnag", "beth bynnag"], "pryd": ["o"]}
AUX = {"is", "are", "am", "was", "were", "can", "could", "do", "does", "did", "will", "would",
       "should", "shall", "has", "have", "may", "might", "ydy", "ydi", "ydw", "ydych", "ydyn",
       "ydan", "ydach", "dach", "yw", "ydyw", "wyt", "oes", "allwch", "allech", "alli", "elli",
       "gallwch", "fedrwch", "fedri", "fedrech", "wnewch", "wnei", "wnaethoch", "wnest", "fyddwch",
       "fyddi", "fyddech", "fyddet", "gaf", "ga", "gawn", "gawsoch", "gest", "welsoch", "glywsoch",
       "oeddech", "oeddet", "hoffech", "hoffet"}
WELSH_AUX = AUX - {"is", "are", "am", "was", "were", "can", "could", "do", "does", "did", "will",
                   "would", "should", "shall", "has", "have", "may", "might"}
SUBJ_EN = {"i", "you", "u", "ya", "yall", "y'all", "yous", "we", "they", "he", "she", "it", "there",
           "this", "that", "these", "those", "anyone", "anybody", "someone", "somebody", "everyone",
           "my", "your", "ur", "our", "their", "his", "her", "its", "the", "any", "all"}
SUBJ = SUBJ_EN | {"ti", "di", "chdi", "chi", "ni", "nhw", "hi", "o", "fo", "e", "fe", "na", "'na",
                  "yna", "gen", "gyda", "gan", "ganddo", "ganddi", "ganddoch", "ganddyn", "modd",
                  "rhywun", "rhywbeth", "unrhyw", "angen", "raid", "rhaid", "hyn", "hwn", "hon",
                  "hynny", "dy", "eich", "ein", "fy", "ei", "pawb", "y", "yr"}
HOW = {"much", "many", "long", "far", "often", "soon", "old", "big", "come", "about", "to", "else",
       "exactly", "on", "late", "early"}
CY_NEXT = {"mae", "ma", "sy", "sydd", "yw", "ydy", "ydi", "ydw", "ydych", "ydyn", "ydan", "dach",
           "dan", "wyt", "ti", "chi", "oedd", "fydd", "fyddai", "wnaeth", "wnest", "wnaethoch", "am",
           "i", "di", "alla", "allwn", "galla", "ga", "cei", "cewch", "gawn", "gostiodd", "o", "fi",
           "hi", "fe", "fo", "e", "nhw", "ni", "dyma", "dyna", "hwn", "hon", "hyn", "un", "rhywun",
           "felly", "y", "yr"}
PARTICLE = {"oes", "yw", "ydy", "ydi", "ydych", "ydyn", "ydw", "oedd", "oeddech", "oeddet", "fydd",
            "fyddwch", "fyddai", "fyddech", "fyddet", "allwch", "allech", "allai", "allaf", "wyt",
            "ddylwn", "ddylai", "ddylen", "ddylech", "wnewch", "wnaiff", "wnaeth", "gaf", "gawn",
            "gai", "ellir", "gafodd", "welsoch", "glywsoch", "hoffech", "hoffet"}
LEAD = {"hi", "hey", "hello", "helo", "haia", "shwmae", "s'mae", "please", "pls", "plz", "so", "but",
        "and", "ok", "okay"}
ENDS = " ,.!:;…?？؟)"
SUFFIXES = ("'n", "'r", "'s", "'re", "'d", "'ll")


def _split_word(w: str) -> tuple[str, str, str]:
    """(word, suffix such as 'r, what follows it)."""
    for whole in ("y'all", "'na", "s'mae"):
        if w.startswith(whole) and (len(w) == len(whole) or w[len(whole)] in ENDS):
            return whole, "", w[len(whole):]
    i = 0
    while i < len(w) and w[i] not in ENDS and w[i] != "'":
        i += 1
    word, rest = w[:i], w[i:]
    for suf in sorted(SUFFIXES, key=len, reverse=True):
        if rest.startswith(suf) and (len(rest) == len(suf) or rest[len(suf)] in ENDS):
            return word, suf, rest[len(suf):]
    return word, "", rest


def _sentence_question(words: list[str]) -> bool:
    while words and (words[0][0] in "@#,!:;." or words[0].rstrip(",!:;.") in LEAD):
        words = words[1:]
    if not words:
        return False
    w1, suf1, rest1 = _split_word(words[0])
    if w1 in ("be", "lle", "faint", "ai") and rest1 == "'":  # be' (beth, elided) and a word
        rest1 = ""
    if rest1 and rest1[0] not in ENDS:  # "can't": an apostrophe that is no suffix
        return False
    w2, _, rest2 = _split_word(words[1]) if len(words) > 1 else ("", "", "")
    whole2 = w2 if not rest2 or rest2[0] in ENDS else ""
    following = " ".join(words[1:])
    if w1 in OPEN:
        return suf1 != "" or rest1 != "" or not any(
            following == e or (following.startswith(e) and following[len(e)] in ENDS)
            for e in OPEN_EXCEPT.get(w1, []))
    if w1 in ("how", "when", "where") and suf1 in ("'s", "'re", "'d", "'ll"):
        return True
    if rest1:  # punctuation after the first word: only an open question word asks
        return False
    if w1 in ("when", "where") and whole2 in AUX:
        return True
    if w1 == "how" and whole2 in (AUX - WELSH_AUX) | SUBJ_EN | HOW:
        return True
    if w1 in ("be", "lle", "faint", "ai") and (suf1 in ("'r", "'n") or whole2 in CY_NEXT):
        return True
    if w1 == "oes" and not suf1 and w2:
        return not (w2 in ("y", "yr") and whole2)
    if w1 in AUX and suf1 in ("'r", "'n"):
        return True
    if w1 in AUX and whole2 in SUBJ:
        third = words[2] if len(words) > 2 else ""
        return not (w1 in WELSH_AUX and third.rstrip(ENDS) == "ddim")
    return w1 == "a" and whole2 in PARTICLE


def hand_question(text: str) -> bool:
    low = text.lower().replace("’", "'")
    for link in ("https://", "http://", "www."):
        while link in low:  # a link runs to the next space or line break
            i = low.index(link)
            j = i
            while j < len(low) and not low[j].isspace():
                j += 1
            low = low[:i] + low[j:]
    if any(m in low for m in "?？؟"):
        return True
    sentences = [""]
    for ch in low:
        if ch in ".!…\n":
            sentences.append("")
        else:
            sentences[-1] += ch
    return any(_sentence_question(s.split()) for s in sentences)


def test_twcs_sample_against_a_hand_calculation(tmp_path, real, walk_business_minutes):
    """First brand reply to each customer tweet, from the CSV with the csv module; business
    hours Monday-Friday 09:00-17:00 in America/New_York (the sample crosses the 5 November
    2017 clock change)."""
    path = real(*TWCS)
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by_id = {r["tweet_id"]: r for r in rows}

    def t(s: str) -> datetime:
        return datetime.strptime(s, "%a %b %d %H:%M:%S %z %Y")

    customers = [r for r in rows if r["inbound"] == "True"]
    first: dict[str, datetime] = {}
    for r in rows:
        p = by_id.get(r["in_response_to_tweet_id"])
        if r["inbound"] == "False" and p is not None and p["inbound"] == "True":
            when = t(r["created_at"])
            if when >= t(p["created_at"]):
                first[p["tweet_id"]] = min(first.get(p["tweet_id"], when), when)
    waits = [(first[k] - t(by_id[k]["created_at"])).total_seconds() / 60 for k in first]
    tz = ZoneInfo("America/New_York")
    business = [walk_business_minutes(t(by_id[k]["created_at"]), first[k], tz, {0, 1, 2, 3, 4},
                                      time(9), time(17)) for k in first]
    questions = [r for r in customers if hand_question(html.unescape(r["text"]))]
    unanswered = [r for r in questions if r["tweet_id"] not in first]
    assert (len(customers), len(first)) == (2778, 2083)
    assert round(statistics.median(waits), 4) == 11.5333  # as tests/sources found from the store
    # The sample is mostly Tuesday 31 October 2017 after 17:00 in New York: only 405 of the
    # 2,083 first replies took any business time, so the business median is 0.
    assert sum(b > 0 for b in business) == 405 and statistics.median(business) == 0
    # 776 and 142 under the rule before, which counted "What a …" and "When you …" openings.
    assert (len(questions), len(unanswered)) == (756, 135)

    ws = build(tmp_path / "ws", path, "America/New_York")
    span = Period.between(date(2011, 1, 1), date(2017, 12, 31), "America/New_York")
    assert values(ws, "inbound_interactions", span) == 2778
    assert values(ws, "response_rate", span) == pytest.approx(2083 / 2778)
    assert values(ws, "first_response_minutes_median", span) == pytest.approx(statistics.median(waits))
    p90 = statistics.quantiles(waits, n=10, method="inclusive")[8]
    assert round(p90, 4) == 380.1833
    assert round(statistics.quantiles(business, n=10, method="inclusive")[8], 4) == 133.1133
    assert values(ws, "first_response_minutes_p90", span) == pytest.approx(p90)
    assert values(ws, "first_response_minutes_median_business", span) == pytest.approx(
        statistics.median(business))
    assert values(ws, "first_response_minutes_p90_business", span) == pytest.approx(
        statistics.quantiles(business, n=10, method="inclusive")[8])
    assert values(ws, "inbound_questions", span) == len(questions)
    assert values(ws, "unanswered_questions", span) == len(unanswered)
    ws.close()


def test_question_words_match_the_metric_module():
    from smi.metrics import service as m

    assert set(m.OPEN_WORDS["en"]) | set(m.OPEN_WORDS["cy"]) == OPEN
    assert {k: list(v) for k, v in m.OPEN_EXCEPTIONS.items()} == OPEN_EXCEPT
    assert set(m.AUXILIARIES["en"]) | set(m.AUXILIARIES["cy"]) == AUX
    assert set(m.AUXILIARIES["cy"]) == WELSH_AUX
    assert set(m.SUBJECTS["en"]) | set(m.SUBJECTS["cy"]) == SUBJ and set(m.SUBJECTS["en"]) == SUBJ_EN
    assert set(m.HOW_NEXT) == HOW and set(m.WELSH_VERBS_NEXT) == CY_NEXT
    assert set(m.WELSH_PARTICLE_VERBS) == PARTICLE and set(m.LEAD_WORDS) == LEAD


@pytest.mark.parametrize(("text", "question"), [
    ("What a fantastic cast.", False), ("What time is it", True), ("Great. How do I book", True),
    ("@a @b is there parking", True), ("Will do!", False), ("Oes, mae digon", False),
    ("Pwy bynnag sy'n dod", False), ("Where's my order", True), ("Can't wait", False),
])
def test_the_hand_rule_reads_the_docstring_cases(text, question):
    assert hand_question(text) is question
