"""Every catalogue metric's display name and how its value reads, for people.

The catalogue names metrics for code (`first_response_minutes_median_business`); reports
show the `label` ("Median first response, business hours") and write the value the way
its `display` says: a count, a decimal, a percentage, "× times", minutes, hours or money
(the profile's currency). Labels are English msgids: the report's catalogue
(src/smi/report/locale) translates them. A contract test checks every metric has one.
"""

from __future__ import annotations


def N_(message: str) -> str:  # marks a msgid for extraction (smi.report.i18n.N_)
    return message


# How a value reads: count 1,234 · decimal 3.5 · percent 0.4% (a 0–1 share or rate) ·
# times ×1.7 (a ratio of two like things) · minutes · hours · currency £1,682.70.
DISPLAYS = ("count", "decimal", "percent", "times", "minutes", "hours", "currency")

# name -> (label msgid, display)
LABELS: dict[str, tuple[str, str]] = {
    "published": (N_("Everything published"), "count"),
    "posts": (N_("Posts"), "count"),
    "posts_per_week": (N_("Posts a week"), "decimal"),
    "replies": (N_("Replies"), "count"),
    "reposts": (N_("Reposts"), "count"),
    "share_original": (N_("Share that are posts"), "percent"),
    "share_reply": (N_("Share that are replies"), "percent"),
    "share_repost": (N_("Share that are reposts"), "percent"),
    "impressions": (N_("Impressions"), "count"),
    "reach": (N_("Reach"), "count"),
    "impressions_per_post": (N_("Impressions a post"), "decimal"),
    "page_impressions": (N_("Page impressions"), "count"),
    "views": (N_("Views"), "count"),
    "engagements": (N_("Engagements"), "count"),
    "engagements_per_post": (N_("Engagements a post"), "decimal"),
    "engagement_rate_impressions": (N_("Engagement rate (by impressions)"), "percent"),
    "engagement_rate_impressions_mean": (N_("Engagement rate (by impressions, average post)"), "percent"),
    "engagement_rate_reach": (N_("Engagement rate (by reach)"), "percent"),
    "engagement_rate_reach_mean": (N_("Engagement rate (by reach, average post)"), "percent"),
    "engagement_rate_followers": (N_("Engagement rate (by followers)"), "percent"),
    "engagement_rate_followers_mean": (N_("Engagement rate (by followers, average post)"), "percent"),
    "conversation_rate": (N_("Comments a post"), "decimal"),
    "conversation_rate_followers": (N_("Comments per follower"), "percent"),
    "amplification_rate": (N_("Shares a post"), "decimal"),
    "amplification_rate_followers": (N_("Shares per follower"), "percent"),
    "applause_rate": (N_("Reactions a post"), "decimal"),
    "applause_rate_followers": (N_("Reactions per follower"), "percent"),
    "click_through_rate": (N_("Click-through rate"), "percent"),
    "video_view_rate": (N_("Video view rate"), "percent"),
    "saves_rate": (N_("Saves per person reached"), "percent"),
    "linkedin_engagement_rate": (N_("LinkedIn engagement rate"), "percent"),
    "linkedin_engagement_rate_mean": (N_("LinkedIn engagement rate (average post)"), "percent"),
    "followers": (N_("Followers"), "count"),
    "net_follower_growth": (N_("Net new followers"), "count"),
    "followers_gained": (N_("Followers gained"), "count"),
    "followers_lost": (N_("Followers lost"), "count"),
    "follower_growth_rate": (N_("Follower growth"), "percent"),
    "inbound_interactions": (N_("Inbound interactions"), "count"),
    "inbound_questions": (N_("Inbound questions"), "count"),
    "response_rate": (N_("Response rate"), "percent"),
    "unanswered_questions": (N_("Unanswered questions"), "count"),
    "first_response_minutes_median": (N_("Typical first response time"), "minutes"),
    "first_response_minutes_median_business": (N_("Typical first response time (business hours)"), "minutes"),
    "first_response_minutes_p90": (N_("Slowest first responses (9 in 10 faster)"), "minutes"),
    "first_response_minutes_p90_business": (N_("Slowest first responses, business hours (9 in 10 faster)"), "minutes"),
    "answered_outside_business_hours": (N_("Answers outside business hours"), "percent"),
    "question_conversations": (N_("Conversations with a question"), "count"),
    "answered_question_conversations": (N_("Conversations with a question answered"), "count"),
    "staff_hours": (N_("Staff hours"), "hours"),
    "staff_cost": (N_("Staff cost"), "currency"),
    "staff_cost_coverage": (N_("Share of hours with a cost"), "percent"),
    "engagements_per_staff_hour": (N_("Engagements per staff hour"), "decimal"),
    "posts_per_staff_hour": (N_("Posts per staff hour"), "decimal"),
    "hours_share": (N_("Share of staff hours"), "percent"),
    "engagements_share": (N_("Share of engagements"), "percent"),
    "engagements_share_vs_hours_share": (N_("Engagements for the time spent"), "times"),
    "reach_per_post": (N_("Reach a post"), "decimal"),
    "engagements_per_post_vs_official": (N_("Engagements a post against the official accounts"), "times"),
    "reach_per_post_vs_official": (N_("Reach a post against the official accounts"), "times"),
    "posts_share_welsh": (N_("Posts in Welsh"), "percent"),
    "engagements_share_welsh": (N_("Engagements on posts in Welsh"), "percent"),
    "posts_share_english": (N_("Posts in English"), "percent"),
    "engagements_share_english": (N_("Engagements on posts in English"), "percent"),
    "posts_share_bilingual": (N_("Bilingual posts"), "percent"),
    "engagements_share_bilingual": (N_("Engagements on bilingual posts"), "percent"),
    "posts_share_language_unknown": (N_("Posts in no known language"), "percent"),
    "engagements_share_language_unknown": (N_("Engagements on posts in no known language"), "percent"),
    "returning_viewer_share": (N_("Returning viewers"), "percent"),
    "account_video_views": (N_("Video views (whole account)"), "count"),
}


def label(name: str) -> str:
    """The metric's English display name (its id, readably, if it has none)."""
    return LABELS[name][0] if name in LABELS else name.replace("_", " ").capitalize()


def display(name: str) -> str:
    """How the metric's value reads (one of DISPLAYS); "decimal" if unknown."""
    return LABELS[name][1] if name in LABELS else "decimal"
