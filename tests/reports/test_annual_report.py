"""The annual public report: its content, disclosure control, HTML escaping and the PDF."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pypdf
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.disclosure import percent_of, percentage_note, percentage_places, rule_text
from core.formatting import format_value
from db.models import CommunityProject, EquityCount, FeedbackItem, Metric, MetricValue, Region
from reports.annual_report import (
    DEMO_NOTICE,
    AnnualReport,
    Table,
    build_report,
    default_year,
    render_html,
    render_pdf,
    report_years,
)

TODAY = date(2026, 11, 26)
YEAR = 2025  # 2025/26: 1 April 2025 to 31 March 2026
SECTION_TITLES = (
    "About this report",
    "Theme statuses",
    "National core metrics",
    "Community projects",
    "Feedback: you said, we did",
    "Equity by ethnicity",
)
REGION_HEADINGS = (
    "Theme statuses",
    "Metrics",
    "Community projects",
    "Feedback: you said, we did",
    "Equity by ethnicity",
)


def region_id(session: Session, code: str) -> int:
    return session.scalar(select(Region.id).where(Region.code == code))


def report_for(engine, region_code: str | None = None, **kwargs) -> AnnualReport:
    with Session(engine) as session:
        rid = region_id(session, region_code) if region_code else None
        return build_report(session, YEAR, rid, today=TODAY, **kwargs)


def table(report: AnnualReport, key: str) -> pd.DataFrame:
    found = [t for t in report.tables() if t.key == key]
    assert found, f"no table {key}; tables: {[t.key for t in report.tables()]}"
    return found[0].frame


def section(report: AnnualReport, key: str):
    return next(s for s in report.sections if s.key == key)


def headings(sec) -> list[str]:
    """The section's own headings (level 3; the SPC and equity headings sit below)."""
    return [b.text for b in sec.blocks if b.kind == "heading" and b.level == 3]


def paragraphs(sec) -> str:
    return " ".join(b.text for b in sec.blocks if b.kind == "paragraph")


# ---------------------------------------------------------------- content (demo data)


def test_national_report_has_every_section_and_a_section_per_region(demo_engine):
    report = report_for(demo_engine, demo=True)
    titles = [s.title for s in report.sections]
    assert titles[: len(SECTION_TITLES)] == list(SECTION_TITLES)
    with Session(demo_engine) as session:
        names = session.scalars(select(Region.name).where(Region.active.is_(True))).all()
    assert sorted(titles[len(SECTION_TITLES) :]) == sorted(names)
    for sec in report.sections[len(SECTION_TITLES) :]:
        assert headings(sec)[:5] == list(REGION_HEADINGS)
    html = render_html(report)
    for title in titles:
        assert f"<h2>{title}</h2>" in html
    assert rule_text(5) in html
    assert DEMO_NOTICE in html
    assert "2025/26" in report.title
    assert "1 April 2025 to 31 March 2026" in html


def test_region_report_has_only_that_region(demo_engine):
    report = report_for(demo_engine, "london")
    assert [s.title for s in report.sections] == ["About this report", "London"]
    assert headings(report.sections[1])[:5] == list(REGION_HEADINGS)
    assert report.file_stem == "amhe-annual-report-2025-26-london"
    html = render_html(report)
    assert "North East and Yorkshire" not in html
    assert DEMO_NOTICE not in html  # not demo mode


def test_statuses_are_in_words_and_metrics_stop_at_the_year_end(demo_engine):
    report = report_for(demo_engine)
    grid = table(report, "national-theme-grid")
    words = {
        "Target achieved",
        "Substantial progress",
        "Moderate progress",
        "Limited progress",
        "Deterioration",
        "Not enough data yet",
    }
    assert set(grid.drop(columns="Region").to_numpy().ravel()) <= words
    metrics = table(report, "region-london-metrics")
    # The demo has values up to Q2 2026/27; the 2025/26 report stops at Q4 2025/26.
    assert set(metrics["Latest period in the year"]) == {"Q4 2025/26"}
    assert set(metrics["Status at year end"]) <= words
    national = table(report, "national-metrics")
    assert set(national["Latest period in the year"]) == {"Q4 2025/26"}
    assert national["Change over the year"].str.len().gt(0).all()


def test_equity_figures_have_intervals_and_regional_counts_are_rounded(demo_engine):
    report = report_for(demo_engine)
    national = table(report, "national-equity-people_supported")
    shares = national["Share of people supported (%) (95% CI)"]
    ratios = national["Representation ratio (95% CI)"]
    assert shares.str.fullmatch(r"[\d.,]+ \([\d.,]+ to [\d.,]+\)").all()
    assert ratios.str.fullmatch(r"[\d.,]+ \([\d.,]+ to [\d.,]+\)").all()
    assert national["Significant difference"].isin(["Yes, higher", "Yes, lower", "No"]).all()
    regional = table(report, "region-london-equity-people_supported")
    counts = [v for v in regional["People supported"] if v not in ("", "*")]
    assert counts and all(isinstance(v, int) and v % 5 == 0 for v in counts)


def test_report_years_and_default_year(demo_engine):
    with Session(demo_engine) as session:
        years = report_years(session, TODAY)
    assert years[0] == 2026 and 2025 in years
    assert years == sorted(years, reverse=True)
    assert default_year(years, TODAY) == 2025
    assert default_year([2026], TODAY) == 2026


# ------------------------------------------------------------------ escaping


def test_html_escapes_text_people_typed(demo_engine):
    with Session(demo_engine) as session:
        london = region_id(session, "london")
        session.add(
            CommunityProject(
                region_id=london,
                title="<script>alert(1)</script>",
                place='"><img src=x onerror=alert(2)>',
                status="active",
                start_date=date(2025, 6, 1),
                people_reached=12,
            )
        )
        session.execute(update(Region).where(Region.id == london).values(name="London <b>bold</b>"))
        session.commit()
    report = report_for(demo_engine)
    html = render_html(report)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<b>bold</b>" not in html
    assert "London &lt;b&gt;bold&lt;/b&gt;" in html


# ------------------------------------------------------------ disclosure control


def add_projects(engine, people: list[int]) -> None:
    with Session(engine) as session:
        london = region_id(session, "london")
        for n in people:
            session.add(
                CommunityProject(
                    region_id=london,
                    title=f"Project {n:02d}",
                    status="active",
                    start_date=date(2025, 5, 1),
                    people_reached=n,
                )
            )
        session.commit()


def test_people_reached_suppressed_at_each_boundary_and_national_unrounded(engine):
    add_projects(engine, [0, 4, 5, 7, 8])
    report = report_for(engine)
    london = table(report, "region-london-projects")
    assert london["Project"].tolist() == [f"Project {n:02d}" for n in (0, 4, 5, 7, 8)]
    assert london["People reached"].tolist() == ["*", "*", 5, 5, 10]
    by_region = table(report, "national-projects").set_index("Region")
    assert by_region.loc["London", "People reached"] == 25  # 24, rounded
    assert by_region.loc["North West", "People reached"] == "Not recorded"
    assert by_region.loc["National (all regions)", "People reached"] == 24  # exact
    assert "reaching 24 people" in paragraphs(section(report, "projects"))
    assert "People reached: 25." in paragraphs(section(report, "region-london"))


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [(5, ["*", "*", 5, 5, 10]), (8, ["*", "*", "*", "*", 10])],
)
def test_threshold_is_configurable_and_stated(engine, threshold, expected):
    add_projects(engine, [0, 4, 5, 7, 8])
    report = report_for(engine, "london", threshold=threshold)
    assert table(report, "region-london-projects")["People reached"].tolist() == expected
    assert rule_text(threshold) in render_html(report)


def add_metric_values(
    engine, code: str, values: dict[date, tuple[float, float | None, float | None]]
):
    with Session(engine) as session:
        london = region_id(session, "london")
        metric = session.scalar(select(Metric).where(Metric.code == code))
        for day, (value, numerator, denominator) in values.items():
            session.add(
                MetricValue(
                    metric_id=metric.id,
                    region_id=london,
                    period_start=day,
                    value=value,
                    numerator=numerator,
                    denominator=denominator,
                )
            )
        session.commit()
        return metric.name


def test_regional_count_metrics_are_suppressed_and_national_figures_exact(
    engine, illustrative_metrics
):
    name = add_metric_values(
        engine,
        "CL02",  # community members reached: a count of people
        {date(2025, 1, 1): (4, None, None), date(2026, 1, 1): (7, None, None)},
    )
    report = report_for(engine)
    london = table(report, "region-london-metrics").set_index("Metric")
    assert london.loc[name, "Latest value"] == "5"
    assert london.loc[name, "Change over the year"] == "*"  # last year's 4 is not shown
    national = table(report, "national-metrics").set_index("Metric")
    assert national.loc[name, "National figure"] == "7"
    assert national.loc[name, "Change over the year"] == "+3"


def test_regional_percentage_hidden_when_numerator_is_small(engine, illustrative_metrics):
    name = add_metric_values(
        engine,
        "CA01",
        {date(2025, 1, 1): (40.0, 40, 100), date(2026, 1, 1): (4.0, 4, 100)},
    )
    report = report_for(engine)
    london = table(report, "region-london-metrics").set_index("Metric")
    assert london.loc[name, "Latest value"] == "*"
    assert london.loc[name, "Change over the year"] == "*"
    national = table(report, "national-metrics").set_index("Metric")
    assert national.loc[name, "National figure"] == "4%"


def test_equity_counts_suppressed_in_regions_and_exact_nationally(engine):
    counts = {
        "White": 120,
        "Black, Black British, Black Welsh, Caribbean or African": 7,
        "Asian, Asian British or Asian Welsh": 8,
        "Mixed or Multiple ethnic groups": 4,
        "Other ethnic group": 0,
        "Not stated": 5,
    }
    with Session(engine) as session:
        london = region_id(session, "london")
        for group, n in counts.items():
            session.add(
                EquityCount(
                    region_id=london,
                    area_id_key=0,
                    period_start=date(2026, 1, 1),
                    measure="people_supported",
                    characteristic="ethnicity_broad",
                    group_name=group,
                    numerator=n,
                )
            )
        session.commit()
    report = report_for(engine)
    regional = table(report, "region-london-equity-people_supported").set_index("Group")
    shown = {
        group: regional.loc[group, "People supported"] for group in counts if group != "Not stated"
    }
    assert shown == {
        "White": 120,
        "Black, Black British, Black Welsh, Caribbean or African": 5,
        "Asian, Asian British or Asian Welsh": 10,
        "Mixed or Multiple ethnic groups": "*",
        "Other ethnic group": "*",
    }
    national = table(report, "national-equity-people_supported").set_index("Group")
    assert (
        int(
            national.loc[
                "Black, Black British, Black Welsh, Caribbean or African", "People supported"
            ]
        )
        == 7
    )
    assert int(national.loc["Mixed or Multiple ethnic groups", "People supported"]) == 4
    assert int(national.loc["Other ethnic group", "People supported"]) == 0


def test_feedback_items_are_not_people_and_are_exact(engine):
    with Session(engine) as session:
        london = region_id(session, "london")
        for received, responded in (
            (date(2025, 5, 1), date(2025, 5, 11)),
            (date(2025, 6, 1), date(2026, 5, 1)),  # answered after the year: waiting then
            (date(2025, 7, 1), None),
            (date(2024, 7, 1), date(2024, 7, 2)),  # the year before: not counted
        ):
            session.add(
                FeedbackItem(
                    region_id=london,
                    source="Carer",
                    received_on=received,
                    summary="Synthetic",
                    status="responded" if responded else "received",
                    responded_on=responded,
                )
            )
        session.commit()
    report = report_for(engine)
    row = table(report, "region-london-feedback").iloc[0]
    assert row["Received in the year"] == 3
    assert row["Answered by 31 March"] == 1
    assert row["Share answered"] == "33%"
    assert row["Median days to respond"] == "10 days"
    assert row["Still waiting on 31 March"] == 2


def test_every_table_says_what_it_is(demo_engine):
    report = report_for(demo_engine)
    keys = [t.key for t in report.tables()]
    assert len(keys) == len(set(keys))
    assert all(isinstance(t, Table) and t.caption for t in report.tables())


# ------------------------------------------------------------------------- PDF


def test_pdf_opens_and_has_the_headings(demo_engine):
    report = report_for(demo_engine, demo=True)
    data = render_pdf(report)
    assert data.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    squashed = " ".join(text.split())
    for title in (*SECTION_TITLES, "London", "North West", "Synthetic demo data"):
        assert title in squashed, title
    assert "Figures below national level follow NHS disclosure control" in squashed


def test_statuses_until_leave_out_later_values(demo_engine):
    """``db.theme_progress``'s ``until`` (added for this report): values of periods from
    that day on play no part in a status."""
    from db.theme_progress import metric_statuses, theme_statuses

    with Session(demo_engine) as session:
        london = region_id(session, "london")
        now = metric_statuses(session, [london])
        then = metric_statuses(session, [london], until=date(2025, 4, 1))
        themes_then = theme_statuses(session, [london], until=date(2024, 4, 1))
    assert max(now["latest_period"]) == date(2026, 7, 1)
    assert max(then["latest_period"]) == date(2025, 1, 1)
    assert (now["score"] != then["score"]).any()
    # The demo's values start in Q3 2023/24: by April 2024 no metric has a year of them.
    assert set(themes_then["status"]) == {"not_available"}


def test_a_preview_builds_only_the_regions_it_shows_and_their_sections_match(demo_engine):
    """The page previews the national report without building every region's section,
    and shows a region's section from that region's own report: the same section."""
    whole = report_for(demo_engine)
    head = report_for(demo_engine, regions_in_detail=())
    region_titles = {s.title for s in whole.sections} - {s.title for s in head.sections}
    assert "London" in region_titles and len(region_titles) == 7
    for mine, theirs in zip(head.sections, whole.sections, strict=False):
        assert_same_section(mine, theirs)
    london_alone = report_for(demo_engine, "london").sections[-1]
    assert london_alone.title == "London"
    in_national = next(s for s in whole.sections if s.title == "London")
    # The region's own report adds the SPC charts of its national core metrics; the
    # national report charts the national figures only. Otherwise the same section.
    assert not [b for b in in_national.blocks if b.kind == "spc"]
    assert [b for b in london_alone.blocks if b.kind == "spc"]
    assert_same_section(without_spc(london_alone), in_national)


def without_spc(section):
    """The section without its "Variation (SPC)" heading, key and charts."""
    from dataclasses import replace

    from reports.spc_section import SPC_KEY

    kept = tuple(
        b
        for b in section.blocks
        if b.kind != "spc" and getattr(b, "text", None) not in ("Variation (SPC)", SPC_KEY)
    )
    return replace(section, blocks=kept)


def test_each_national_section_built_alone_is_the_same_section(demo_engine):
    """The preview builds only the national section it shows (reading only what that
    section needs): each is the same as in the whole report, in the same order."""
    from reports.annual_report import NATIONAL_SECTIONS

    whole = report_for(demo_engine, regions_in_detail=())
    assert [s.key for s in whole.sections] == list(NATIONAL_SECTIONS)
    assert [s.title for s in whole.sections] == list(NATIONAL_SECTIONS.values())
    for key, theirs in zip(NATIONAL_SECTIONS, whole.sections, strict=True):
        alone = report_for(demo_engine, regions_in_detail=(), sections=(key,))
        assert len(alone.sections) == 1
        assert_same_section(alone.sections[0], theirs)


def assert_same_section(mine, theirs) -> None:
    assert (mine.key, mine.title) == (theirs.key, theirs.title)
    assert [(b.kind, getattr(b, "text", None)) for b in mine.blocks] == [
        (b.kind, getattr(b, "text", None)) for b in theirs.blocks
    ]
    for ours, other in zip(mine.tables(), theirs.tables(), strict=True):
        assert (ours.key, ours.caption, ours.note) == (other.key, other.caption, other.note)
        pd.testing.assert_frame_equal(
            ours.frame.reset_index(drop=True), other.frame.reset_index(drop=True)
        )


def test_regional_percentages_come_from_the_rounded_counts(engine, illustrative_metrics):
    """7 of 21 was published as 33.3% beside counts a reader sees as 5 of 20."""
    name = add_metric_values(
        engine,
        "CA01",
        {date(2025, 1, 1): (40.0, 40, 100), date(2026, 1, 1): (33.3, 7, 21)},
    )
    report = report_for(engine)
    london = table(report, "region-london-metrics").set_index("Metric")
    assert london.loc[name, "Latest value"] == "25%"
    assert london.loc[name, "Change over the year"] == "-15 points"
    national = table(report, "national-metrics").set_index("Metric")
    assert national.loc[name, "National figure"] == "33.3%"
    note = next(t.note for t in report.tables() if t.key == "region-london-metrics")
    assert percentage_note(5) in note


def test_counts_that_are_not_people_are_published_as_recorded(engine, illustrative_metrics):
    name = add_metric_values(
        engine,
        "PW01",  # partnership agreements: not people
        {date(2025, 1, 1): (2, None, None), date(2026, 1, 1): (3, None, None)},
    )
    report = report_for(engine)
    london = table(report, "region-london-metrics").set_index("Metric")
    assert london.loc[name, "Latest value"] == "3"
    assert london.loc[name, "Change over the year"] == "+1"


def test_regional_equity_percentages_are_whole_and_the_rounded_counts_own(demo_engine):
    report = report_for(demo_engine)
    regional = table(report, "region-london-equity-right_support")
    for row in regional.to_dict("records"):
        num, den = row["Said they got the right level of support"], row["Answered the question"]
        figure = row["Percentage (95% CI)"]
        if "*" in (num, den):
            assert figure == ""
            continue
        own = percent_of(int(num), int(den), percentage_places(int(den)))
        assert figure.split(" (")[0] == format_value(own)
    note = next(t.note for t in report.tables() if t.key == "region-london-equity-right_support")
    assert percentage_note(5) in note
    national = next(t.note for t in report.tables() if t.key == "national-equity-right_support")
    assert percentage_note(5) not in national
