"""What needs whom, in words: the attention items, the reminder email and the SMTP
settings."""

from __future__ import annotations

from datetime import date

import pytest

from core.quarterly import recent_quarters
from core.reminders import (
    FEEDBACK_PAGE,
    MEETING_PAGE,
    METRICS_PAGE,
    PLAN_PAGE,
    SETTING_NAME,
    SIGN_OFF_PAGE,
    AttentionItem,
    Kind,
    MailSettingsError,
    RegionFacts,
    SendSummary,
    attention_items,
    email_for,
    forum_items,
    lead_items,
    national_items,
    parse_smtp_url,
    quarters_due,
    send_error,
)

# 20 August 2026: Q1 2026/27 (April to June) ended on 30 June and is due on 11 August
# (six weeks later), so it is overdue; the three quarters before it are long overdue.
TODAY = date(2026, 8, 20)
Q1 = date(2026, 4, 1)
Q4 = date(2026, 1, 1)
Q3 = date(2025, 10, 1)
Q2 = date(2025, 7, 1)
SIGNED = {Q1: "signed_off", Q4: "signed_off", Q3: "signed_off", Q2: "signed_off"}


def facts(**kwargs) -> RegionFacts:
    return RegionFacts(1, "London", **kwargs)


def sentences(items: list[AttentionItem]) -> list[str]:
    return [i.sentence for i in items]


def test_recent_quarters_are_the_four_checked():
    assert recent_quarters(TODAY, 4) == [Q1, Q4, Q3, Q2]


def test_quarters_with_no_review_are_due_or_overdue_by_the_date():
    early = date(2026, 7, 20)  # Q1 ended; due on 11 August, so only due
    due, overdue = quarters_due(facts(reviews={Q4: "signed_off"}), early, 6)
    assert due == [Q1]
    assert overdue == [Q2, Q3]
    due, overdue = quarters_due(facts(reviews=SIGNED), TODAY, 6)
    assert (due, overdue) == ([], [])


def test_a_lead_with_everything_signed_off_and_nothing_waiting_has_nothing():
    assert lead_items(facts(reviews=SIGNED), TODAY, 6) == []


def test_a_lead_hears_about_overdue_and_due_quarters():
    items = lead_items(
        facts(reviews={Q4: "signed_off", Q3: "signed_off", Q2: "submitted"}), TODAY, 6
    )
    assert sentences(items) == [
        "The figures for Q1 2026/27 are overdue: they were due on 11 August 2026. Submit "
        "the quarter."
    ]
    assert items[0].kind == Kind.QUARTER_OVERDUE and items[0].page == SIGN_OFF_PAGE
    items = lead_items(
        facts(reviews={Q4: "signed_off", Q3: "signed_off", Q2: "signed_off"}), date(2026, 7, 3), 6
    )
    assert sentences(items) == [
        "The figures for Q1 2026/27 are due by 11 August 2026. Submit the quarter."
    ]
    assert items[0].kind == Kind.QUARTER_DUE


def test_the_due_weeks_setting_moves_the_due_date():
    reviews = {Q4: "signed_off", Q3: "signed_off", Q2: "signed_off"}
    assert lead_items(facts(reviews=reviews), TODAY, 8)[0].kind == Kind.QUARTER_DUE
    assert "25 August 2026" in lead_items(facts(reviews=reviews), TODAY, 8)[0].sentence


def test_a_lead_hears_about_questions_and_reopened_quarters():
    reviews = dict(SIGNED) | {Q1: "questions", Q4: "reopened"}
    items = lead_items(facts(reviews=reviews, open_questions={Q1: 2}), TODAY, 6)
    assert sentences(items) == [
        "2 questions from the Regional Forum about Q1 2026/27 are waiting for your answer. "
        "Answer them, then submit the quarter again.",
        "Q4 2025/26 was reopened. Submit it again once its figures are corrected.",
    ]
    assert [i.kind for i in items] == [Kind.QUARTER_QUESTIONS, Kind.QUARTER_REOPENED]
    assert items[0].count == 2
    answered = lead_items(facts(reviews=dict(SIGNED) | {Q1: "questions"}), TODAY, 6)
    assert sentences(answered) == [
        "The Regional Forum's questions about Q1 2026/27 are answered. Submit the quarter again."
    ]


def test_a_lead_hears_about_actions_feedback_agenda_and_comments():
    items = lead_items(
        facts(
            reviews=SIGNED,
            overdue_actions=3,
            feedback_waiting=2,
            oldest_feedback_days=45,
            agenda_waiting=1,
            comments_waiting={"plan_action": 1, "metric": 2},
        ),
        TODAY,
        6,
    )
    assert sentences(items) == [
        "3 actions in the local plan are overdue. Update their progress or due date.",
        "2 pieces of feedback have waited more than 30 days for a response (the oldest 45 days).",
        "1 item proposed for the Regional Forum's agenda is waiting for an answer.",
        "1 comment on actions in the local plan is waiting for an answer.",
        "2 comments on metrics are waiting for an answer.",
    ]
    assert [i.page for i in items] == [
        PLAN_PAGE,
        FEEDBACK_PAGE,
        MEETING_PAGE,
        PLAN_PAGE,
        METRICS_PAGE,
    ]
    assert [i.count for i in items] == [3, 2, 1, 1, 2]
    one = lead_items(
        facts(reviews=SIGNED, overdue_actions=1, feedback_waiting=1, oldest_feedback_days=31),
        TODAY,
        6,
    )
    assert sentences(one) == [
        "1 action in the local plan is overdue. Update its progress or due date.",
        "1 piece of feedback has waited more than 30 days for a response (31 days).",
    ]


def test_a_forum_member_hears_only_about_quarters_waiting_for_sign_off():
    region = facts(
        reviews={Q1: "submitted", Q4: "questions", Q3: "signed_off"},
        overdue_actions=4,
        feedback_waiting=3,
    )
    items = forum_items(region)
    assert sentences(items) == [
        "Q1 2026/27 has been submitted and is waiting for the Regional Forum to review and "
        "sign it off."
    ]
    assert items[0].kind == Kind.SIGN_OFF_WAITING and items[0].page == SIGN_OFF_PAGE
    assert forum_items(facts(reviews=SIGNED)) == []


def test_national_roles_get_one_line_per_region_with_anything():
    london = RegionFacts(1, "London", {Q4: "signed_off", Q3: "submitted", Q2: "signed_off"})
    north = RegionFacts(2, "North West", dict(SIGNED), overdue_actions=9)
    east = RegionFacts(
        3, "East", {Q1: "submitted", Q4: "submitted", Q3: "signed_off", Q2: "signed_off"}
    )
    items = national_items([london, north, east], TODAY, 6)
    assert sentences(items) == [
        "East: 2 quarters waiting for the Regional Forum's sign-off (Q4 2025/26 and Q1 2026/27).",
        "London: 1 quarter overdue (Q1 2026/27); 1 quarter waiting for the Regional "
        "Forum's sign-off (Q3 2025/26).",
    ]
    assert [i.count for i in items] == [2, 2]
    assert {i.page for i in items} == {SIGN_OFF_PAGE}


def test_attention_items_picks_by_role_and_region():
    london = RegionFacts(1, "London", {Q1: "submitted"}, overdue_actions=1)
    regions = {1: london}
    assert [i.kind for i in attention_items("forum_member", 1, regions, TODAY, 6)] == [
        Kind.SIGN_OFF_WAITING
    ]
    lead = attention_items("regional_lead", 1, regions, TODAY, 6)
    assert Kind.ACTIONS_OVERDUE in [i.kind for i in lead]
    assert Kind.SIGN_OFF_WAITING not in [i.kind for i in lead]
    assert attention_items("regional_lead", 2, regions, TODAY, 6) == []
    assert attention_items("forum_member", None, regions, TODAY, 6) == []
    for role in ("admin", "national_lead"):
        assert [i.kind for i in attention_items(role, None, regions, TODAY, 6)] == [
            Kind.REGION_QUARTERS
        ]


def test_the_email_lists_each_item_and_its_page():
    items = [
        AttentionItem(
            Kind.ACTIONS_OVERDUE, "2 actions in the local plan are overdue.", PLAN_PAGE, 2
        ),
        AttentionItem(Kind.SIGN_OFF_WAITING, "Q1 2026/27 has been submitted.", SIGN_OFF_PAGE),
    ]
    email = email_for("Sam Lee", items, TODAY)
    assert email.subject == "AMHE dashboard: 2 things need you"
    assert email.body.startswith("Hello Sam Lee,\n\nOn 20 August 2026, these need your attention")
    assert "- 2 actions in the local plan are overdue.\n  Go to: Local plan\n" in email.body
    assert "- Q1 2026/27 has been submitted.\n  Go to: Quarterly sign-off\n" in email.body
    assert SETTING_NAME in email.body
    one = email_for("", items[:1], TODAY)
    assert one.subject == "AMHE dashboard: 1 thing needs you"
    assert one.body.startswith("Hello,\n\nOn 20 August 2026, this needs your attention")


@pytest.mark.parametrize(
    ("url", "security", "host", "port", "user"),
    [
        ("smtp://127.0.0.1:8025", "plain", "127.0.0.1", 8025, ""),
        ("smtp://mail.example.org", "plain", "mail.example.org", 25, ""),
        ("smtps://amhe:s%40cret@mail.example.org:465", "ssl", "mail.example.org", 465, "amhe"),
        ("smtps://amhe:pw@mail.example.org", "ssl", "mail.example.org", 465, "amhe"),
        ("smtp+starttls://amhe:pw@mail.example.org", "starttls", "mail.example.org", 587, "amhe"),
        ("  SMTP://Mail.Example.org:2525/  ", "plain", "mail.example.org", 2525, ""),
    ],
)
def test_smtp_urls_are_read(url, security, host, port, user):
    server = parse_smtp_url(url, "AMHE dashboard <amhe@example.org>")
    assert (server.security, server.host, server.port, server.username) == (
        security,
        host,
        port,
        user,
    )
    assert server.sender == "AMHE dashboard <amhe@example.org>"
    assert "pw" not in server.described and "cret" not in server.described
    assert "pw" not in repr(server)


def test_the_password_is_unquoted():
    assert parse_smtp_url("smtps://a:s%40c%3Aret@h:465", "a@example.org").password == "s@c:ret"


@pytest.mark.parametrize(
    ("url", "mail_from", "message"),
    [
        ("", "a@example.org", "AMHE_SMTP_URL is empty"),
        ("http://mail.example.org", "a@example.org", "must start with smtp://"),
        ("mail.example.org:25", "a@example.org", "must start with smtp://"),
        ("smtp://", "a@example.org", "names no mail server"),
        ("smtp://mail.example.org:port", "a@example.org", "port that is not a number"),
        ("smtp://mail.example.org:99999", "a@example.org", "port that is not a number"),
        ("smtp://mail.example.org/inbox", "a@example.org", "nothing after the port"),
        ("smtps://amhe@mail.example.org", "a@example.org", "no password"),
        ("smtp://mail.example.org", "", "AMHE_MAIL_FROM is empty"),
        ("smtp://mail.example.org", "not an address", "must be an email address"),
        ("smtp://mail.example.org", "Team <nobody>", "must be an email address"),
    ],
)
def test_wrong_smtp_settings_say_what_to_fix(url, mail_from, message):
    with pytest.raises(MailSettingsError, match=message):
        parse_smtp_url(url, mail_from)


def test_the_summary_and_the_error_in_words():
    assert SendSummary(3, 2, 1).sentence() == (
        "Sent 3 reminder emails (2 people had nothing due; 1 already sent today)."
    )
    assert SendSummary(1, 1, 0).sentence() == (
        "Sent 1 reminder email (1 person had nothing due; 0 already sent today)."
    )
    refused = SendSummary(0, 0, 0, ("x@example.org",)).sentence()
    assert "refused x@example.org" in refused
    server = parse_smtp_url("smtps://u:secret@mail.example.org:465", "a@example.org")
    error = str(send_error(server, "the connection was refused", 2))
    assert "smtps://mail.example.org:465" in error
    assert "the 2 people not sent to" in error and "next run sends them" in error
    assert "secret" not in error
