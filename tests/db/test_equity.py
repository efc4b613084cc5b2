"""Equity counts and population: reads, and every write as every role."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.equity import MEASURES, WHITE_BRITISH
from core.importer import ImportPreview
from core.permissions import Actor, PermissionDenied
from db import equity as de
from db.models import AuditEvent, EquityCount, PopulationCount, Region
from db.writes import WRITE_REGISTRY, StaleWrite, WriteRefused
from seed.demo_equity import SOURCE

WHITE = "White"
BLACK = "Black, Black British, Black Welsh, Caribbean or African"
Q1 = date(2025, 4, 1)


def region_id(engine, code: str) -> int:
    with Session(engine) as session:
        return session.scalar(select(Region.id).where(Region.code == code))


@pytest.fixture
def ids(engine):
    return {"london": region_id(engine, "london"), "north_west": region_id(engine, "north_west")}


def actors(ids) -> dict[str, Actor]:
    return {
        "admin": Actor(None, "admin", "admin"),
        "national_lead": Actor(None, "national.lead", "national_lead"),
        "london_lead": Actor(None, "london.lead", "regional_lead", ids["london"]),
        "northwest_lead": Actor(None, "northwest.lead", "regional_lead", ids["north_west"]),
        "london_forum": Actor(None, "london.forum", "forum_member", ids["london"]),
    }


#: Who may write London's equity figures.
ALLOWED = {"admin": True, "london_lead": True}


def state(engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return (
            session.scalar(select(func.count(EquityCount.id))),
            session.scalar(select(func.count(PopulationCount.id))),
            session.scalar(select(func.count(AuditEvent.id))),
        )


def test_the_writes_are_registered():
    assert {
        "save_equity_count",
        "delete_equity_count",
        "save_population_count",
        "import_equity_counts",
        "import_population_counts",
    } <= set(WRITE_REGISTRY)
    assert WRITE_REGISTRY["save_equity_count"].entity == "equity_count"
    assert WRITE_REGISTRY["save_population_count"].entity == "population_count"


ROLES = ["admin", "national_lead", "london_lead", "northwest_lead", "london_forum"]


@pytest.mark.parametrize("role", ROLES)
def test_save_equity_count_by_role(engine, ids, role):
    actor = actors(ids)[role]
    before = state(engine)
    call = lambda: de.save_equity_count(  # noqa: E731
        engine, actor, ids["london"], Q1, "right_support", "ethnicity_broad", WHITE, 90, 100
    )
    if ALLOWED.get(role):
        count_id = call()
        with Session(engine) as session:
            row = session.get(EquityCount, count_id)
            assert (row.numerator, row.denominator, row.version) == (90, 100, 1)
            event = session.scalar(
                select(AuditEvent).where(AuditEvent.entity_type == "equity_count")
            )
            assert event.action == "create" and event.region_id == ids["london"]
            assert event.after["numerator"] == 90
    else:
        with pytest.raises(PermissionDenied):
            call()
        assert state(engine) == before


@pytest.mark.parametrize("role", ROLES)
def test_save_population_count_by_role(engine, ids, role):
    actor = actors(ids)[role]
    before = state(engine)
    call = lambda: de.save_population_count(  # noqa: E731
        engine, actor, ids["london"], "ethnicity_broad", WHITE, 2021, 4_700_000, "Census"
    )
    if ALLOWED.get(role):
        call()
        assert state(engine)[1:] == (before[1] + 1, before[2] + 1)
    else:
        with pytest.raises(PermissionDenied):
            call()
        assert state(engine) == before


@pytest.mark.parametrize("role", ROLES)
def test_delete_equity_count_by_role(engine, ids, role):
    admin = actors(ids)["admin"]
    count_id = de.save_equity_count(
        engine, admin, ids["london"], Q1, "people_supported", "sex", "Female", 40
    )
    before = state(engine)
    if ALLOWED.get(role):
        de.delete_equity_count(engine, actors(ids)[role], count_id, 1, reason="Entered twice")
        with Session(engine) as session:
            assert session.get(EquityCount, count_id) is None
            event = session.scalars(
                select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)
            ).one()
            assert (event.action, event.reason, event.before["numerator"]) == (
                "delete",
                "Entered twice",
                40,
            )
    else:
        with pytest.raises(PermissionDenied):
            de.delete_equity_count(engine, actors(ids)[role], count_id, 1)
        assert state(engine) == before


def test_update_bumps_the_version_and_a_stale_version_is_refused(engine, ids):
    lead = actors(ids)["london_lead"]
    args = (engine, lead, ids["london"], Q1, "right_support", "ethnicity_broad", WHITE)
    count_id = de.save_equity_count(*args, 90, 100)
    assert de.save_equity_count(*args, 91, 100, expected_version=1) == count_id
    with Session(engine) as session:
        row = session.get(EquityCount, count_id)
        assert (row.numerator, row.version) == (91, 2)
        update = session.scalars(select(AuditEvent).where(AuditEvent.action == "update")).one()
        assert (update.before["numerator"], update.after["numerator"]) == (90, 91)
    before = state(engine)
    with pytest.raises(StaleWrite):
        de.save_equity_count(*args, 95, 100, expected_version=1)
    assert state(engine) == before
    # Saving the same figures again changes nothing and records nothing.
    de.save_equity_count(*args, 91, 100, expected_version=2)
    assert state(engine) == before


@pytest.mark.parametrize(
    ("measure", "group", "numerator", "denominator", "words"),
    [
        ("right_support", WHITE, 90, None, "needs a denominator"),
        ("right_support", WHITE, 120, 100, "more than the denominator"),
        ("people_supported", WHITE, 90, 100, "leave this blank"),
        ("people_supported", "Martian", 90, None, "not a group"),
        ("nonsense", WHITE, 1, None, "not a measure"),
        ("people_supported", WHITE, -3, None, "whole number"),
        ("people_supported", WHITE, 2_147_483_648, None, "at most"),
        ("right_support", WHITE, 5, 3_000_000_000, "at most"),
    ],
)
def test_bad_figures_are_refused_and_change_nothing(
    engine, ids, measure, group, numerator, denominator, words
):
    before = state(engine)
    with pytest.raises(WriteRefused, match=words):
        de.save_equity_count(
            engine,
            actors(ids)["london_lead"],
            ids["london"],
            Q1,
            measure,
            "ethnicity_broad",
            group,
            numerator,
            denominator,
        )
    assert state(engine) == before


# -- import -----------------------------------------------------------------------------


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


HEADER = "region,period,measure,characteristic,group,numerator,denominator"


def test_import_dry_run_then_commit(engine, ids):
    lead = actors(ids)["london_lead"]
    de.save_equity_count(
        engine, lead, ids["london"], Q1, "right_support", "ethnicity_broad", WHITE, 80, 100
    )
    data = csv(
        HEADER,
        f"London,2025/26 Q1,right_support,ethnicity_broad,{WHITE},90,100",
        f'London,2025/26 Q1,right_support,ethnicity_broad,"{BLACK}",40,50',
        "london,2024/25,mha_detentions,ethnicity,A,300,",
    )
    before = state(engine)
    preview = de.preview_equity_counts(engine, lead, data, "figures.csv")
    assert preview.problems == []
    assert (preview.new, preview.updated, preview.unchanged) == (2, 1, 0)
    assert state(engine) == before, "a dry run writes nothing"
    assert preview.display[2]["Period"] == "2024/25"
    progress: list[float] = []
    counts = de.import_equity_counts(engine, lead, preview, progress.append)
    assert (counts.new, counts.updated, counts.unchanged) == (2, 1, 0)
    assert progress[-1] == 1.0
    with Session(engine) as session:
        stored = de.equity_counts(session, [ids["london"]], "mha_detentions", "ethnicity")
        assert stored.to_dict("records")[0]["group"] == WHITE_BRITISH
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.reason == "Imported from figures.csv")
        ).all()
        assert sorted(e.action for e in events) == ["create", "create", "update"]
    again = de.preview_equity_counts(engine, lead, data, "figures.csv")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)


def test_import_with_problems_lists_them_and_cannot_be_saved(engine, ids):
    lead = actors(ids)["london_lead"]
    data = csv(
        HEADER,
        f"London,2025/26 Q1,right_support,ethnicity_broad,{WHITE},90,100",
        f"North West,2025/26 Q1,right_support,ethnicity_broad,{WHITE},90,100",
        f"London,2025/26 Q1,right_support,ethnicity_broad,{WHITE},120,100",
    )
    preview = de.preview_equity_counts(engine, lead, data, "bad.csv")
    assert [(p.row, p.column) for p in preview.problems] == [(3, "region"), (4, "numerator")]
    before = state(engine)
    with pytest.raises(WriteRefused):
        de.import_equity_counts(engine, lead, preview)
    assert state(engine) == before


def test_import_is_all_or_nothing_when_a_region_is_not_yours(engine, ids):
    """A preview made by an administrator cannot be saved by a regional lead: one row for
    another region refuses the whole file."""
    admin, lead = actors(ids)["admin"], actors(ids)["london_lead"]
    data = csv(
        HEADER,
        f"London,2025/26 Q1,right_support,ethnicity_broad,{WHITE},90,100",
        f"North West,2025/26 Q1,right_support,ethnicity_broad,{WHITE},90,100",
    )
    preview = de.preview_equity_counts(engine, admin, data, "two.csv")
    assert preview.ok
    before = state(engine)
    with pytest.raises(PermissionDenied):
        de.import_equity_counts(engine, lead, preview)
    assert state(engine) == before
    for role in ("national_lead", "london_forum"):
        with pytest.raises(PermissionDenied):
            de.import_equity_counts(engine, actors(ids)[role], preview)
    assert state(engine) == before
    de.import_equity_counts(engine, admin, preview)
    assert state(engine)[0] == before[0] + 2


def test_import_refuses_figures_changed_since_the_dry_run(engine, ids):
    lead = actors(ids)["london_lead"]
    data = csv(HEADER, f"London,2025/26 Q1,right_support,ethnicity_broad,{WHITE},90,100")
    preview = de.preview_equity_counts(engine, lead, data, "late.csv")
    de.save_equity_count(
        engine, lead, ids["london"], Q1, "right_support", "ethnicity_broad", WHITE, 70, 100
    )
    before = state(engine)
    with pytest.raises(StaleWrite):
        de.import_equity_counts(engine, lead, preview)
    assert state(engine) == before


def test_figures_too_big_for_the_database_are_problems_in_the_dry_run(engine, ids):
    """Found by fuzzing: a count over 2,147,483,647 passed the dry run, then the save
    raised an uncaught database error ('integer out of range' on PostgreSQL,
    OverflowError on SQLite). Now the dry run lists it, and a save refuses it in words."""
    lead = actors(ids)["london_lead"]
    data = csv(
        HEADER,
        f"London,2025/26 Q1,people_supported,ethnicity_broad,{WHITE},90,",
        f'London,2025/26 Q1,people_supported,ethnicity_broad,"{BLACK}",3000000000,',
        f"London,0000/01 Q1,people_supported,ethnicity_broad,{WHITE},1,",
    )
    preview = de.preview_equity_counts(engine, lead, data, "big.csv")
    assert [(p.row, p.column) for p in preview.problems] == [(3, "numerator"), (4, "period")]
    population = csv(
        "region,characteristic,group,year,population,source",
        f"London,ethnicity_broad,{WHITE},2021,99999999999,ONS",
    )
    preview = de.preview_population_counts(engine, lead, population, "pop.csv")
    assert [(p.row, p.column) for p in preview.problems] == [(2, "population")]
    before = state(engine)
    with pytest.raises(WriteRefused, match="at most"):
        de.save_population_count(
            engine, lead, ids["london"], "ethnicity_broad", WHITE, 2021, 3_000_000_000
        )
    assert state(engine) == before


def test_population_import(engine, ids):
    lead = actors(ids)["london_lead"]
    data = csv(
        "region,characteristic,group,year,population,source",
        f"London,ethnicity_broad,{WHITE},2021,4700000,ONS Census 2021",
        f'London,ethnicity_broad,"{BLACK}",2021,1200000,ONS Census 2021',
    )
    preview = de.preview_population_counts(engine, lead, data, "pop.csv")
    assert preview.ok and preview.new == 2
    for role in ("national_lead", "london_forum", "northwest_lead"):
        with pytest.raises(PermissionDenied):
            de.import_population_counts(engine, actors(ids)[role], preview)
    counts = de.import_population_counts(engine, lead, preview)
    assert counts.new == 2
    with Session(engine) as session:
        pop = de.population_for(session, [ids["london"]], "ethnicity_broad", 2025)
        assert dict(zip(pop.frame["group"], pop.frame["population"], strict=True)) == {
            WHITE: 4_700_000,
            BLACK: 1_200_000,
        }
        assert pop.years == (2021,) and pop.sources == ("ONS Census 2021",)


def test_an_empty_preview_is_refused(engine, ids):
    with pytest.raises(WriteRefused):
        de.import_equity_counts(engine, actors(ids)["admin"], ImportPreview())


# -- reads ------------------------------------------------------------------------------


def test_national_reads_sum_the_regions(engine, ids):
    admin = actors(ids)["admin"]
    for region, (num, den) in (("london", (90, 100)), ("north_west", (40, 50))):
        de.save_equity_count(
            engine, admin, ids[region], Q1, "right_support", "ethnicity_broad", WHITE, num, den
        )
    with Session(engine) as session:
        national = de.equity_counts(session, None, "right_support", "ethnicity_broad", Q1)
        assert national[["group", "numerator", "denominator"]].values.tolist() == [
            [WHITE, 130, 150]
        ]
        london = de.equity_counts(session, [ids["london"]], "right_support", "ethnicity_broad")
        assert london["numerator"].tolist() == [90]
        catalogue = de.equity_catalogue(session)
        assert catalogue.to_dict("records") == [
            {
                "measure": "right_support",
                "characteristic": "ethnicity_broad",
                "period_start": Q1,
                "rows": 2,
            }
        ]


def test_population_uses_each_regions_latest_year(engine, ids):
    admin = actors(ids)["admin"]
    for region, year, value in (
        ("london", 2011, 100),
        ("london", 2021, 200),
        ("north_west", 2011, 50),
    ):
        de.save_population_count(engine, admin, ids[region], "sex", "Female", year, value)
    with Session(engine) as session:
        pop = de.population_for(session, None, "sex", 2024)
        assert pop.frame["population"].tolist() == [250]
        assert pop.years == (2011, 2021)
        assert de.population_for(session, None, "sex", 2015).frame["population"].tolist() == [150]


def test_characteristics_carry_parents_by_name(engine):
    with Session(engine) as session:
        chars = de.characteristics(session)
    groups = {g.name: g for g in chars["ethnicity"].groups}
    assert groups[WHITE_BRITISH].parent == WHITE
    assert groups["Not known"].is_missing
    assert set(MEASURES) >= {"people_supported", "mha_detentions"}


def test_demo_has_labelled_synthetic_equity_data(demo_engine):
    with Session(demo_engine) as session:
        assert session.scalar(select(func.count(EquityCount.id))) > 1000
        sources = set(session.scalars(select(PopulationCount.source).distinct()))
        assert sources == {SOURCE} and "Synthetic" in SOURCE
        measures = set(session.scalars(select(EquityCount.measure).distinct()))
        assert measures == set(MEASURES)
        # The high-level ethnicity figures are the sums of the detailed ones.
        broad = de.equity_counts(session, None, "people_supported", "ethnicity_broad", Q1)
        detailed = de.equity_counts(session, None, "people_supported", "ethnicity", Q1)
        assert broad["numerator"].sum() == detailed["numerator"].sum()


def test_every_demo_count_is_one_the_importer_accepts(demo_engine):
    """The demo holds no figure its own importer would refuse (it once held counts with
    a denominator of 0, so a downloaded copy of the demo could not be imported back)."""
    from core.equity_import import count_problems

    with Session(demo_engine) as session:
        rows = session.execute(
            select(EquityCount.measure, EquityCount.numerator, EquityCount.denominator)
        ).all()
    assert rows
    refused = [r for r in rows if count_problems(MEASURES[r.measure], r.numerator, r.denominator)]
    assert refused == []
