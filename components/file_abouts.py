"""What each download that is not a metric's figures says about itself (issue 15).

A metric's files get theirs from :func:`core.export_about.metric_about` and
:func:`components.downloads.for_viewer`; the other tables (accounts, reference lists,
import templates and their problems, the local plan, feedback, community projects, a
forum meeting's tables, the annual report's tables, the audit log) get theirs here, one
function each: what the table is, the region, period and filters it covers, the
disclosure rule applied (or that it holds no counts of people) and who is entitled to see
it (:func:`components.downloads.for_page`: the roles the permission rules show it to).
The extraction time is added when a file is made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from components.downloads import for_page
from core.audit_format import kind_words
from core.export_about import EXACT_RULE, NOT_PEOPLE_RULE, ExportAbout, disclosure_words
from core.meetings import people_reached_rule
from core.permissions import Action
from core.statuses import ACTION_STATUSES, FEEDBACK_STATUSES
from services.context import RequestContext

#: The period of a list that is kept up to date rather than recorded by period.
AS_IT_STANDS = "As it stands when extracted (see Extracted)."
#: The source of what the dashboard itself keeps.
DASHBOARD = "The AMHE dashboard: what its users recorded in it."
#: The disclosure words of a table that names people (accounts): no counts, but personal data.
PERSONAL_DATA = (
    NOT_PEOPLE_RULE + " It names people and their email addresses (personal data): keep it "
    "safe and only as long as it is needed."
)


def _day(value: date) -> str:
    return f"{value:%-d %B %Y}"


def _filters(pairs: Iterable[tuple[str, Sequence[str] | str | None]]) -> str:
    """``Filters: Status: Responded; Theme: Coproduction`` (``No filters`` when none)."""
    chosen = []
    for name, values in pairs:
        if isinstance(values, str):
            values = [values] if values else []
        if values:
            chosen.append(f"{name}: {', '.join(str(v) for v in values)}")
    return "Filters: " + "; ".join(chosen) + "." if chosen else "No filters: every row."


# -- Administration -------------------------------------------------------------------


def _administration(ctx: RequestContext, about: ExportAbout) -> ExportAbout:
    return for_page(ctx, about, action=Action.VIEW_ADMINISTRATION, page="Administration")


def accounts(ctx: RequestContext) -> ExportAbout:
    return _administration(
        ctx,
        ExportAbout(
            title="Accounts of the AMHE dashboard",
            definition="Every account: username, name, email, role, region (regional leads "
            "and Regional Forum members), whether it is active, and whether a new password "
            "is needed at the next sign-in. No password is in it.",
            source="The dashboard's accounts, kept by administrators.",
            period=AS_IT_STANDS,
            disclosure=PERSONAL_DATA,
        ),
    )


def areas(ctx: RequestContext) -> ExportAbout:
    return _administration(
        ctx,
        ExportAbout(
            title="Areas (integrated care boards and local areas) of every region",
            definition="The areas inside each region, their kind, and whether each is still "
            "in use (an area no longer in use keeps its history).",
            source="The dashboard's reference lists, kept by administrators.",
            period=AS_IT_STANDS,
        ),
    )


def groups(ctx: RequestContext, characteristic: str) -> ExportAbout:
    return _administration(
        ctx,
        ExportAbout(
            title=f"Groups of the characteristic {characteristic}",
            definition="The groups figures can be broken down by for this characteristic, "
            "in their order, and which of them means the answer is missing.",
            source="The dashboard's reference lists, kept by administrators.",
            period=AS_IT_STANDS,
        ),
    )


# -- Import values (and the equity imports) ------------------------------------------------


def import_template(
    ctx: RequestContext,
    *,
    what: str,
    region_name: str | None,
    period: str,
    page: str = "Import values",
    action: Action = Action.VIEW_IMPORT_VALUES,
) -> ExportAbout:
    """A template to fill in and upload: ``what`` it imports (``metric values``)."""
    where = f" for {region_name}" if region_name else ""
    return for_page(
        ctx,
        ExportAbout(
            title=f"Template for importing {what}{where}",
            definition="Fill in one figure to a row and keep the heading row as it is; only "
            "the first sheet of a workbook is read, so this About sheet is never imported.",
            source="The dashboard's definitions (codes and groups); the figures are left blank.",
            period=period,
            disclosure=NOT_PEOPLE_RULE,
        ),
        action=action,
        page=page,
        region_name=region_name,
    )


def import_problems(template: ExportAbout, file_name: str) -> ExportAbout:
    """The problems found in an uploaded file (the template's About, retitled)."""
    return replace(
        template,
        title=f"Problems found in {file_name}: {template.title.lower()}",
        definition="Each problem the check found, by the file's row and column. Nothing was "
        "saved: fix them in the file and upload it again.",
        source=f"The uploaded file {file_name}, checked by the dashboard.",
        disclosure="None needed: it quotes only what the uploaded file holds.",
    )


def import_preview(template: ExportAbout, file_name: str) -> ExportAbout:
    """The rows of a clean uploaded file, before they are saved."""
    return replace(
        template,
        title=f"Rows of {file_name}, checked and ready to save: {template.title.lower()}",
        definition="The file's rows as the dashboard read them, before they are saved.",
        source=f"The uploaded file {file_name}, checked by the dashboard.",
        disclosure=EXACT_RULE,
    )


def metric_codes(ctx: RequestContext, region_name: str) -> ExportAbout:
    return for_page(
        ctx,
        ExportAbout(
            title=f"Metric codes and groups for {region_name}",
            definition="The codes to use in an import's metric_code column, with each "
            "metric's characteristic and its groups.",
            source="The dashboard's metric definitions.",
            period=AS_IT_STANDS,
        ),
        action=Action.VIEW_IMPORT_VALUES,
        page="Import values",
        region_name=region_name,
    )


# -- A region's plan, feedback and projects ---------------------------------------------


def _region(ctx: RequestContext, about: ExportAbout, page: str, region_name: str, **kw: Any):
    return for_page(ctx, about, action=Action.VIEW_REGION, page=page, region_name=region_name, **kw)


def local_plan(ctx: RequestContext, setting: Any, filters: Any) -> ExportAbout:
    """The actions the Local plan shows (``services.plan.PlanSetting``, ``ActionFilters``)."""
    themes, areas_ = setting.theme_names, setting.area_names
    status_words = [ACTION_STATUSES[s].label for s in filters.statuses if s in ACTION_STATUSES]
    return _region(
        ctx,
        ExportAbout(
            title=f"Local plan of {setting.region_name}: its actions",
            definition="Each action of the region's plan shown on the page: its code, "
            "action area, themes, owner, due date, status, days overdue, and its progress "
            "updates (how many, and the latest). It holds no figures about people.",
            source=DASHBOARD,
            period=f"As it stands on {_day(setting.today)}.",
            notes=(
                _filters(
                    [
                        ("Theme", [themes.get(int(t), str(t)) for t in filters.theme_ids]),
                        (
                            "Action area",
                            [areas_.get(int(a), str(a)) for a in filters.action_area_ids],
                        ),
                        ("Status", status_words),
                        ("Owner", list(filters.owners)),
                        ("Overdue only", "yes" if filters.overdue_only else ""),
                    ]
                ),
            ),
        ),
        "Local plan",
        setting.region_name,
    )


def feedback_list(
    ctx: RequestContext,
    region_name: str,
    *,
    statuses: Sequence[str] | None,
    themes: Sequence[str] | None,
    sources: Sequence[str] | None,
    today: date,
) -> ExportAbout:
    return _region(
        ctx,
        ExportAbout(
            title=f'Feedback for {region_name}: "You said, we did"',
            definition="Each piece of feedback received: when, from whom (the kind of "
            "source, never a name), its theme, what was said, its status and what was done.",
            source=DASHBOARD,
            period=f"Everything received up to {_day(today)}.",
            notes=(
                _filters(
                    [
                        ("Status", [FEEDBACK_STATUSES[s].label for s in statuses or ()]),
                        ("Theme", list(themes or ())),
                        ("Source", list(sources or ())),
                    ]
                ),
            ),
        ),
        "Feedback",
        region_name,
    )


def feedback_by_region(ctx: RequestContext, today: date) -> ExportAbout:
    return for_page(
        ctx,
        ExportAbout(
            title="Feedback in every region: received, answered, waiting and time to respond",
            definition="For each region, the pieces of feedback received, answered and still "
            "waiting, and the time to respond. Pieces of feedback are not counts of people.",
            source=DASHBOARD,
            period=f"Everything received up to {_day(today)}.",
        ),
        action=Action.VIEW_ALL_REGIONS,
        page="Feedback",
    )


#: What a row of a community projects table holds.
PROJECT_ROWS = (
    "Each place-based community engagement project: its status, place, dates, people "
    "reached, partners, communities engaged, themes, outcomes and next steps."
)


def projects(ctx: RequestContext, region_name: str | None, exact: Iterable[bool]) -> ExportAbout:
    """Community projects of one region, or (None) of every region; ``exact``: for each
    row, whether its people reached is exact (``services.projects.as_seen``)."""
    exact = [bool(e) for e in exact]
    if all(exact):
        rule = EXACT_RULE
    else:
        rule = people_reached_rule(ctx.threshold)
        if any(exact):
            rule += " They are exact for the region whose exact figures you may see."
    about = ExportAbout(
        title=f"Community projects of {region_name or 'every region'}",
        definition=PROJECT_ROWS,
        source=DASHBOARD,
        period=AS_IT_STANDS,
        disclosure=rule,
    )
    if region_name is None:
        return for_page(ctx, about, action=Action.VIEW_ALL_REGIONS, page="Community projects")
    return _region(ctx, about, "Community projects", region_name)


def projects_by_region(ctx: RequestContext) -> ExportAbout:
    return for_page(
        ctx,
        ExportAbout(
            title="Community projects by region, against each region's aim and the plan's "
            "commitment",
            definition="For each region, its projects by status, those that count (active or "
            "completed) and its own aim; then all regions together against the plan's "
            "commitment. These are counts of projects, not of people.",
            source=DASHBOARD,
            period=AS_IT_STANDS,
        ),
        action=Action.VIEW_ALL_REGIONS,
        page="Community projects",
    )


# -- A forum meeting ----------------------------------------------------------------------


def meeting(
    ctx: RequestContext,
    figures: Any,
    title: str,
    definition: str,
    *,
    since: bool = False,
    people: bool = False,
) -> ExportAbout:
    """One of a Forum meeting's tables (``services.meetings.MeetingFigures``): ``since``,
    it covers the days since the last meeting; ``people``, it holds counts of people
    (under disclosure control for a viewer whose figures are controlled)."""
    region, when = figures.region_name, _day(figures.meeting_date)
    return _region(
        ctx,
        ExportAbout(
            title=f"{title}: {region} Regional Forum, meeting of {when}",
            definition=definition,
            source=DASHBOARD,
            period=f"{_day(figures.window.since.date())} to {when}" if since else AS_IT_STANDS,
        ),
        "Forum meeting",
        region,
        people=people,
        suppressed=bool(figures.controlled),
    )


# -- The annual report and the audit log -------------------------------------------------


def annual_report_table(
    ctx: RequestContext, report: Any, caption: str, period: str, note: str = ""
) -> ExportAbout:
    """A table of the annual report (``reports.annual_report.AnnualReport``), as the
    report publishes it: always under disclosure control."""
    demo = "Synthetic demo data: made-up figures that must not be published." if report.demo else ""
    return for_page(
        ctx,
        ExportAbout(
            title=f"{report.title}, {report.scope_name}: {caption}",
            definition=note,
            source="The AMHE dashboard's figures for the year, as the annual report shows them.",
            period=period,
            disclosure=disclosure_words(suppressed=True, threshold=report.threshold),
            notes=(
                "The figures are those of the public report, under disclosure control.",
                demo,
            ),
        ),
        action=Action.VIEW_ALL_REGIONS,
        page="Annual report",
    )


def audit_log(
    ctx: RequestContext,
    query: Any,
    *,
    region_names: Mapping[int, str],
    person: str,
    limit: int,
) -> ExportAbout:
    """The audit log's downloads (``services.audit.LogQuery``): every change matching the
    filters, up to ``limit``. Only national roles may open the page, and they see every
    region's figures exactly, so nothing in it is hidden."""
    return for_page(
        ctx,
        ExportAbout(
            title="Audit log: every change matching the filters, newest first",
            definition="Each change made through the dashboard: when (UTC), who by name, the "
            "region, the record, what was done, from what to what, and why. At most the "
            f"newest {limit:,} changes.",
            source="The dashboard's audit log (every registered write).",
            period=f"{query.since:%Y-%m-%d} to {query.until:%Y-%m-%d} (UTC days, both included).",
            disclosure=disclosure_words(suppressed=False, threshold=ctx.threshold),
            notes=(
                _filters(
                    [
                        ("Region", [region_names.get(r, str(r)) for r in query.region_ids or ()]),
                        ("Kind of record", [kind_words(k) for k in query.entity_types or ()]),
                        ("Person", person),
                        ("Search", f'"{query.search}"' if query.search else ""),
                    ]
                ),
            ),
        ),
        action=Action.VIEW_AUDIT_LOG,
        page="Audit log",
    )
