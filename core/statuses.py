"""Status vocabularies, each with words, an icon and a colour-blind-safe colour, so a
status is never shown by colour alone. Colours are from the Okabe-Ito palette."""

from __future__ import annotations

from dataclasses import dataclass

from core.progress import STATUS_LABELS

OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
    "black": "#000000",
}


@dataclass(frozen=True)
class StatusStyle:
    code: str
    label: str
    icon: str  # a Material Symbols name, shown by Streamlit as :material/<name>:
    colour: str  # hex, for charts
    badge_colour: str  # one of Streamlit's badge colours


ACTION_STATUSES: dict[str, StatusStyle] = {
    s.code: s
    for s in (
        StatusStyle(
            "not_started", "Not started", "radio_button_unchecked", OKABE_ITO["grey"], "gray"
        ),
        StatusStyle("on_track", "On track", "check_circle", OKABE_ITO["bluish_green"], "green"),
        StatusStyle("at_risk", "At risk", "warning", OKABE_ITO["orange"], "orange"),
        StatusStyle("off_track", "Off track", "error", OKABE_ITO["vermillion"], "red"),
        StatusStyle("complete", "Complete", "task_alt", OKABE_ITO["blue"], "blue"),
    )
}

PROGRESS_STATUSES: dict[str, StatusStyle] = {
    s.code: s
    for s in (
        StatusStyle(
            "target_achieved",
            STATUS_LABELS["target_achieved"],
            "task_alt",
            OKABE_ITO["blue"],
            "blue",
        ),
        StatusStyle(
            "substantial_progress",
            "Substantial progress",
            "trending_up",
            OKABE_ITO["bluish_green"],
            "green",
        ),
        StatusStyle(
            "moderate_progress",
            "Moderate progress",
            "trending_flat",
            OKABE_ITO["sky_blue"],
            "violet",
        ),
        StatusStyle(
            "limited_progress",
            STATUS_LABELS["limited_progress"],
            "warning",
            OKABE_ITO["orange"],
            "orange",
        ),
        StatusStyle(
            "deterioration",
            STATUS_LABELS["deterioration"],
            "trending_down",
            OKABE_ITO["vermillion"],
            "red",
        ),
        StatusStyle(
            "not_available", STATUS_LABELS["not_available"], "help", OKABE_ITO["grey"], "gray"
        ),
    )
}


#: A community engagement project's status (see db.projects).
PROJECT_STATUSES: dict[str, StatusStyle] = {
    s.code: s
    for s in (
        StatusStyle("planned", "Planned", "event_upcoming", OKABE_ITO["grey"], "gray"),
        StatusStyle("active", "Active", "play_circle", OKABE_ITO["bluish_green"], "green"),
        StatusStyle("completed", "Completed", "task_alt", OKABE_ITO["blue"], "blue"),
        StatusStyle("paused", "Paused", "pause_circle", OKABE_ITO["orange"], "orange"),
    )
}

#: Whether Rethink has met the plan's commitment of three community projects (across
#: the whole organisation, not in each region).
COMMITMENT_STATUSES: dict[str, StatusStyle] = {
    s.code: s
    for s in (
        StatusStyle("met", "Commitment met", "check_circle", OKABE_ITO["bluish_green"], "green"),
        StatusStyle("below", "Below three", "warning", OKABE_ITO["orange"], "orange"),
    )
}

#: Whether a region has reached the aim for community projects it set itself.
AIM_STATUSES: dict[str, StatusStyle] = {
    s.code: s
    for s in (
        StatusStyle("met", "Own aim met", "check_circle", OKABE_ITO["bluish_green"], "green"),
        StatusStyle("below", "Below its own aim", "warning", OKABE_ITO["orange"], "orange"),
    )
}


#: Where feedback comes from ("You said, we did").
FEEDBACK_SOURCES: tuple[str, ...] = (
    "Service user",
    "Carer",
    "Expert by Experience",
    "Lived Experience Advisory Board",
    "Carers Advisory Board",
    "Regional Forum",
    "Partner organisation",
)

#: The stages of a piece of feedback, from received to closed.
FEEDBACK_STATUSES: dict[str, StatusStyle] = {
    s.code: s
    for s in (
        StatusStyle("received", "Received", "inbox", OKABE_ITO["grey"], "gray"),
        StatusStyle("in_progress", "In progress", "pending", OKABE_ITO["orange"], "orange"),
        StatusStyle("responded", "Responded", "mark_chat_read", OKABE_ITO["bluish_green"], "green"),
        StatusStyle("closed", "Closed", "task_alt", OKABE_ITO["blue"], "blue"),
    )
}
