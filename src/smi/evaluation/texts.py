"""The evaluation world's words: its own sentences, comments, questions and unaddressed
topics, written for it (not the demo's phrase bank).

Posts are made of sentences about a community hub's activities; a Welsh sentence and its
English counterpart share an index, so a bilingual post is the Welsh sentences, a blank
line, then the same sentences in English. Questions and comments from the audience use the
posts' own vocabulary, so no word is a blind spot unless one is planted (TOPICS).
"""

from __future__ import annotations

ORGANISATION = "Hwb Cymunedol Dyffryn Teifi"

EN = (
    "Our repair café is open again this Saturday morning, bring your broken lamps and bikes.",
    "The community choir is looking for new voices, no experience needed.",
    "Thank you to every volunteer who helped at the spring market last weekend.",
    "The coding club for young people starts again on Tuesday evening in the main hall.",
    "Join the walking group on Sunday for a gentle five mile route along the river.",
    "New books have arrived in the community library, come and borrow one today.",
    "We are recruiting volunteers for the summer festival, sign up at the front desk.",
    "The food share table is full of fresh vegetables from the allotment this week.",
    "Tickets for the autumn concert are now on sale at the hub.",
    "Our digital help sessions can show you how to video call your family.",
    "The allotment group planted forty fruit trees on the hill behind the hub.",
    "A big thank you to the local bakery for supporting our coffee morning.",
)

CY = (
    "Mae'r caffi trwsio ar agor eto fore Sadwrn, dewch â'ch lampau a'ch beiciau sydd wedi torri.",
    "Mae côr y gymuned yn chwilio am leisiau newydd, does dim angen profiad.",
    "Diolch i bob gwirfoddolwr a helpodd yn y farchnad wanwyn y penwythnos diwethaf.",
    "Mae'r clwb codio i bobl ifanc yn dechrau eto nos Fawrth yn y brif neuadd.",
    "Ymunwch â'r grŵp cerdded ddydd Sul am daith hamddenol o bum milltir ar hyd yr afon.",
    "Mae llyfrau newydd wedi cyrraedd llyfrgell y gymuned, dewch i fenthyg un heddiw.",
    "Rydym yn chwilio am wirfoddolwyr ar gyfer gŵyl yr haf, cofrestrwch wrth y ddesg flaen.",
    "Mae'r bwrdd rhannu bwyd yn llawn llysiau ffres o'r rhandir yr wythnos hon.",
    "Mae tocynnau ar gyfer cyngerdd yr hydref ar werth yn yr hwb nawr.",
    "Gall ein sesiynau help digidol ddangos i chi sut i wneud galwad fideo gyda'ch teulu.",
    "Plannodd grŵp y rhandir ddeugain o goed ffrwythau ar y bryn y tu ôl i'r hwb.",
    "Diolch yn fawr i'r becws lleol am gefnogi ein bore coffi.",
)

COMMENTS = (
    "Brilliant morning, thank you all!",
    "Looking forward to this one.",
    "Lovely to see so many people there.",
    "My kids loved the coding club last week.",
    "Such a friendly choir, highly recommend.",
    "Great work everyone at the hub.",
    "Gwych, diolch yn fawr!",
    "Edrych ymlaen yn fawr at hyn.",
    "Bore hyfryd yn yr hwb heddiw.",
    "Da iawn bawb, llongyfarchiadau.",
)

QUESTIONS = (
    "Is the repair café open this Saturday morning?",
    "Is experience needed for the community choir?",
    "Is the coding club for young people on Tuesday evening?",
    "Is the walking group route along the river this Sunday?",
    "Can I borrow books from the community library today?",
    "Where do I sign up to volunteer for the festival?",
    "Are tickets for the autumn concert on sale now?",
    "Can the digital help sessions show me a video call?",
    "Are the fresh vegetables on the food share table from the allotment?",
    "Ydy'r caffi trwsio ar agor fore Sadwrn?",
    "Ydy'r clwb codio i bobl ifanc nos Fawrth?",
    "Ydych chi'n chwilio am wirfoddolwyr ar gyfer gŵyl yr haf?",
    "Oes tocynnau ar werth ar gyfer y cyngerdd?",
)

REPLIES = (
    "Thanks for asking, all the details are on the poster at the hub.",
    "Yes, you are very welcome, see you there.",
    "Diolch am ofyn, croeso i chi ymuno.",
    "Good question, we have sent you a message with the details.",
)

# Audience topics the organisation never writes about: the word a finding must name, and
# questions that use it. Apart from that word, no content word is in two of a topic's
# questions or in the other texts, so only the topic word rises.
TOPICS: dict[str, tuple[str, ...]] = {
    "wheelchair": (
        "Is your building wheelchair friendly?",
        "Wheelchair access at the entrance please?",
        "Could someone using a wheelchair manage the stairs?",
        "Do you lend a wheelchair to visitors?",
    ),
    "parking": (
        "Is parking easy nearby?",
        "Parking for disabled drivers at all?",
        "Where should we leave cars, is there parking?",
        "Does the parking cost anything?",
    ),
    "refund": (
        "Could I have a refund please?",
        "Refund policy written anywhere online?",
        "My friend cannot come, is a refund possible?",
        "When will my refund arrive?",
    ),
    "allergens": (
        "Are allergens listed anywhere?",
        "Allergens information for nut allergy sufferers?",
        "Could you label allergens clearly?",
        "Who checks allergens in donated bakes?",
    ),
}

FUNCTION_WORDS = frozenset({
    "a", "all", "an", "any", "are", "at", "be", "can", "could", "do", "does", "for", "have", "how", "i", "in",
    "is", "it", "my", "of", "on", "or", "please", "should", "the", "there", "to", "we", "what", "when", "where",
    "who", "will", "with", "you", "your",
})


def topic_words(topic: str) -> tuple[str, ...]:
    """The content words of a topic's questions other than the topic word itself: a finding
    naming one states the same planted questions (matching's `also`)."""
    import re

    words = {w for q in TOPICS[topic] for w in re.findall(r"[^\W\d_]{3,}", q.lower())}
    return tuple(sorted(words - FUNCTION_WORDS - {topic}))
