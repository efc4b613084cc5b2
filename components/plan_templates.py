"""The national template actions (national leads and administrators): their table, the
confirmation of their themes, the organisation-wide mark and their wording (Local plan
page)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.outcome import forgetting, run_write, show_outcome
from components.plan_forms import (
    OPEN_KEYS,
    due_date_input,
    themes_input,
    update_form,
)
from core.formatting import escape_markdown as plain
from core.plan_words import (
    DESCRIPTION_MAX,
    OWNER_MAX,
    TITLE_MAX,
    action_label,
    action_labels,
)
from services import plan as plan_service
from services.context import RequestContext
from services.plan import PlanSetting


def confirmation_state(setting: PlanSetting) -> None:
    confirmation = setting.confirmation
    if confirmation.complete:
        st.success(
            "A national lead has confirmed the themes of every national action.",
            icon=":material/verified:",
        )
    else:
        st.warning(
            f"Themes confirmed for {confirmation.confirmed} of {confirmation.total} national "
            "actions. The others are still the themes proposed from each action's text "
            "(the plan's key icons were lost when it was turned into text): pick an "
            "action, check its themes against the plan, correct them if needed and "
            "confirm them.",
            icon=":material/rule:",
        )


def templates_table(templates: pd.DataFrame) -> None:
    st.dataframe(
        pd.DataFrame(
            {
                "Action": [
                    action_label(c, t)
                    for c, t in zip(templates["code"], templates["title"], strict=True)
                ],
                "Themes": [", ".join(t) for t in templates["themes"]],
                "Themes confirmed": [
                    "Not yet" if pd.isna(at) else f"{at:%d %b %Y} by {by}"
                    for at, by in zip(
                        templates["themes_confirmed_at"],
                        templates["themes_confirmed_by"],
                        strict=True,
                    )
                ],
                "Organisation-wide": ["Yes" if w else "" for w in templates["organisation_wide"]],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def template_section(ctx: RequestContext, setting: PlanSetting) -> None:
    st.header("National template actions", anchor=False)
    st.caption(
        "The national plan's actions. Regions adopt most of them; organisation-wide ones "
        "are kept here once, for the whole organisation. Changes to the wording do not "
        "alter the copies regions have already adopted and adapted."
    )
    show_outcome("template")
    templates = setting.national_actions
    if templates.empty:
        st.write("There are no national template actions yet.")
        return
    confirmation_state(setting)
    templates_table(templates)
    ids = templates["id"].astype(int).tolist()
    labels = action_labels(templates["id"], templates["code"], templates["title"])
    template_id = st.selectbox(
        "National template action", ids, format_func=labels.get, key="plan-template"
    )
    template = templates[templates["id"] == template_id].iloc[0]
    kept = st.session_state.get("plan-open-template")
    if not kept or kept[0] != template_id:
        kept = (template_id, int(template["version"]))
        st.session_state["plan-open-template"] = kept
    loaded = kept[1]
    wide = bool(template["organisation_wide"])
    theme_form(ctx, template, loaded, setting)
    organisation_wide_form(ctx, template, loaded)
    if wide:
        update_form(ctx, template, loaded, setting)
    wording_form(ctx, template, loaded, setting)


def wording_form(
    ctx: RequestContext, template: pd.Series, loaded: int, setting: PlanSetting
) -> None:
    """A national action's title and description (and, organisation-wide, its owner and
    due date)."""
    wide = bool(template["organisation_wide"])
    template_id = int(template["id"])
    st.subheader("Wording" + (", owner and due date" if wide else ""), anchor=False)
    extra = {}
    with st.form(f"plan-template-form-{template_id}-{loaded}"):
        title = st.text_input("Title", value=template["title"], max_chars=TITLE_MAX)
        description = st.text_area(
            "Description", value=template["description"], max_chars=DESCRIPTION_MAX
        )
        if wide:
            extra["owner"] = st.text_input("Owner", value=template["owner"], max_chars=OWNER_MAX)
            extra["due_date"] = due_date_input(
                setting, template["due_date"] if pd.notna(template["due_date"]) else None
            )
        reason = st.text_input("Why are you making this change? (optional)", max_chars=500)
        submitted = st.form_submit_button("Save template", type="primary", icon=":material/save:")
    if not submitted:
        return
    run_write(
        forgetting(plan_service.update_template, "plan-open-template"),
        ctx,
        template_id,
        loaded,
        title=title,
        description=description,
        reason=reason,
        **extra,
        success=f"Saved the national template action '{title.strip()}'.",
        where="template",
    )


def theme_form(ctx: RequestContext, template: pd.Series, loaded: int, setting: PlanSetting) -> None:
    """Confirm (or correct, then confirm) the themes a national action serves."""
    st.subheader("Themes", anchor=False)
    show_outcome("themes")
    if pd.isna(template["themes_confirmed_at"]):
        st.markdown(
            "These themes were **proposed** from the action's text and are not yet "
            "confirmed. Check them against the plan, correct them if needed, then confirm."
        )
    else:
        st.markdown(
            f"Confirmed by {plain(template['themes_confirmed_by'])} on "
            f"{template['themes_confirmed_at']:%d %b %Y}. Change them and confirm again if "
            "they are not right."
        )
    with st.form(f"plan-themes-form-{template['id']}-{loaded}"):
        chosen = themes_input(setting, list(template["theme_ids"]))
        reason = st.text_input("Why? (optional, shown in the history)", max_chars=500)
        submitted = st.form_submit_button(
            "Confirm these themes", type="primary", icon=":material/verified:"
        )
    if not submitted:
        return
    run_write(
        forgetting(plan_service.confirm_action_themes, *OPEN_KEYS),
        ctx,
        int(template["id"]),
        loaded,
        chosen,
        reason=reason,
        success=f"Confirmed the themes of '{template['title']}'. Regions' copies that still "
        "had the proposed themes now have these.",
        where="themes",
    )


def copies_caption(copies: list[str], *, wide: bool) -> None:
    st.caption(
        f"{len(copies)} region{'s' if len(copies) != 1 else ''} "
        f"{'have' if len(copies) != 1 else 'has'} a copy of it "
        f"({plain(', '.join(copies))}). "
        + (
            "Those copies are kept with their history but are not part of the regions' "
            "plans while it is organisation-wide; taking the mark off brings them back."
            if wide
            else "Marking it organisation-wide keeps those copies with their history "
            "but takes them out of the regions' plans and counts."
        )
    )


def organisation_wide_form(ctx: RequestContext, template: pd.Series, loaded: int) -> None:
    """Mark a national action as kept once for the whole organisation, or unmark it."""
    st.subheader("Organisation-wide", anchor=False)
    show_outcome("wide")
    wide = bool(template["organisation_wide"])
    copies = plan_service.regions_with_copies(ctx, int(template["id"]))
    if wide:
        st.write(
            "Kept once for the whole organisation by national leads, and shown read-only "
            "in every region's plan."
        )
    else:
        st.write("Regions adopt this action into their own plans.")
    if copies:
        copies_caption(copies, wide=wide)
    with st.form(f"plan-wide-form-{template['id']}-{loaded}"):
        reason = st.text_input("Why? (optional, shown in the history)", max_chars=500)
        submitted = st.form_submit_button(
            "Let regions adopt it instead" if wide else "Keep it once for the organisation",
            icon=":material/public:",
        )
    if not submitted:
        return
    run_write(
        forgetting(plan_service.set_organisation_wide, *OPEN_KEYS),
        ctx,
        int(template["id"]),
        loaded,
        not wide,
        reason=reason,
        success=f"'{template['title']}' is "
        + ("now adopted by regions." if wide else "now kept once for the whole organisation."),
        where="wide",
    )
