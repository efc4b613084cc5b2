"""SYNTHETIC equity counts and local population for demo mode. Not real figures.

Every number here is made up to show how the Equity page works: people supported,
survey answers and outcomes by group for eight quarters, Mental Health Act detentions
for four years, and a local population per region. The population shares are loosely
shaped like the 2021 census so the pictures look plausible, and some disparities are
built in (for example higher detention rates for Black people, echoing the published
national pattern) so that the page has something to find. Small groups are kept small
so that disclosure control shows. Deterministic for a given ``random.Random``.
"""

from __future__ import annotations

import math
import random
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.equity import WHITE_BRITISH
from core.periods import quarters_between
from db import models as m

SOURCE = "Synthetic demo figures (made up, not census data)"
POPULATION_YEAR = 2021
QUARTERS = quarters_between(date(2024, 10, 1), date(2026, 7, 1))  # Q3 2024/25 .. Q2 2026/27
YEARS = (date(2022, 4, 1), date(2023, 4, 1), date(2024, 4, 1), date(2025, 4, 1))

# England-like shares of the census detailed ethnic groups (per cent, made up to look
# roughly like 2021), how often each group is supported relative to its size, the
# chance of saying they got the right level of support, of leaving early, and a
# detention rate per 100,000.
ETHNICITY: dict[str, tuple[float, float, float, float, float]] = {
    "Bangladeshi": (1.1, 0.7, 0.89, 0.15, 90),
    "Chinese": (0.7, 0.5, 0.90, 0.14, 50),
    "Indian": (3.1, 0.7, 0.90, 0.14, 60),
    "Pakistani": (2.7, 0.7, 0.88, 0.16, 95),
    "Other Asian": (1.6, 0.8, 0.88, 0.16, 110),
    "African": (2.5, 1.3, 0.84, 0.21, 200),
    "Caribbean": (1.1, 1.5, 0.83, 0.22, 260),
    "Other Black": (0.5, 1.5, 0.82, 0.23, 300),
    "White and Asian": (0.8, 1.0, 0.90, 0.16, 90),
    "White and Black African": (0.4, 1.2, 0.87, 0.19, 170),
    "White and Black Caribbean": (0.9, 1.3, 0.86, 0.20, 190),
    "Other Mixed or Multiple ethnic groups": (0.8, 1.1, 0.88, 0.18, 150),
    WHITE_BRITISH: (73.5, 1.0, 0.93, 0.14, 64),
    "Irish": (0.9, 1.0, 0.92, 0.15, 70),
    "Gypsy or Irish Traveller": (0.1, 1.5, 0.85, 0.30, 150),
    "Roma": (0.2, 0.8, 0.86, 0.25, 100),
    "Other White": (6.2, 0.8, 0.91, 0.16, 75),
    "Arab": (0.6, 0.8, 0.88, 0.18, 120),
    "Any other ethnic group": (1.6, 0.9, 0.87, 0.18, 150),
}
# How diverse each region is, as a multiplier on the non-White-British shares.
DIVERSITY = {
    "london": 2.4,
    "midlands": 1.1,
    "north_west": 0.8,
    "east_of_england": 0.8,
    "south_east": 0.75,
    "north_east_and_yorkshire": 0.65,
    "south_west": 0.35,
}
POPULATION_MILLIONS = {
    "london": 8.8,
    "midlands": 10.9,
    "north_west": 7.4,
    "east_of_england": 6.3,
    "south_east": 9.3,
    "north_east_and_yorkshire": 8.1,
    "south_west": 5.7,
}
# Other characteristics: group -> (population share %, support factor, right support,
# leaving early).
OTHERS: dict[str, dict[str, tuple[float, float, float, float]]] = {
    "age_band": {
        "16-17": (3.0, 0.6, 0.88, 0.22),
        "18-24": (11.0, 1.4, 0.86, 0.25),
        "25-34": (17.0, 1.3, 0.90, 0.18),
        "35-44": (16.0, 1.2, 0.91, 0.15),
        "45-54": (16.0, 1.1, 0.92, 0.13),
        "55-64": (15.0, 0.9, 0.93, 0.12),
        "65 and over": (22.0, 0.5, 0.94, 0.10),
    },
    "sex": {"Female": (51.0, 1.1, 0.91, 0.15), "Male": (49.0, 0.9, 0.90, 0.17)},
    "disability": {"Disabled": (17.7, 2.5, 0.88, 0.18), "Not disabled": (82.3, 0.7, 0.92, 0.14)},
    "religion": {
        "No religion": (37.0, 1.1, 0.91, 0.16),
        "Christian": (46.0, 0.9, 0.92, 0.14),
        "Buddhist": (0.5, 1.0, 0.90, 0.15),
        "Hindu": (1.8, 0.7, 0.90, 0.15),
        "Jewish": (0.5, 0.8, 0.91, 0.14),
        "Muslim": (6.7, 0.8, 0.87, 0.18),
        "Sikh": (0.9, 0.7, 0.89, 0.15),
        "Other religion": (0.6, 1.2, 0.88, 0.17),
    },
    "sexual_orientation": {
        "Straight or heterosexual": (89.4, 0.95, 0.91, 0.15),
        "Gay or lesbian": (1.5, 1.5, 0.88, 0.17),
        "Bisexual": (1.3, 2.5, 0.85, 0.20),
        "All other sexual orientations": (0.3, 2.0, 0.85, 0.20),
    },
}
MISSING_SHARE = {  # share of people supported whose group was not recorded
    "ethnicity": {"Not stated": 0.05, "Not known": 0.06},
    "age_band": {"Not known": 0.01},
    "sex": {"Not known": 0.005},
    "disability": {"Not stated": 0.12},
    "religion": {"Not stated": 0.18},
    "sexual_orientation": {"Not stated": 0.22},
}


def _noisy(rng: random.Random, mean: float) -> int:
    """A whole count near ``mean`` (a normal approximation to Poisson noise)."""
    return max(0, round(mean + rng.gauss(0, math.sqrt(max(mean, 0.0)))))


def _binomial(rng: random.Random, n: int, p: float) -> int:
    if n <= 0:
        return 0
    draw = n * p + rng.gauss(0, math.sqrt(n * p * (1 - p)))
    return min(n, max(0, round(draw)))


def _ethnic_shares(region_code: str) -> dict[str, float]:
    factor = DIVERSITY.get(region_code, 0.8)
    shares = {g: s * factor for g, (s, *_rest) in ETHNICITY.items() if g != WHITE_BRITISH}
    shares[WHITE_BRITISH] = max(100.0 - sum(shares.values()), 20.0)
    total = sum(shares.values())
    return {g: s / total for g, s in shares.items()}


def seed_demo_equity(session: Session, rng: random.Random) -> None:
    """Add the synthetic equity counts and local population for every region."""
    characteristics = {
        c.code: c for c in session.scalars(select(m.Characteristic).order_by(m.Characteristic.id))
    }
    parents = {
        g.name: next(p.name for p in characteristics["ethnicity"].groups if p.code == g.parent_code)
        for g in characteristics["ethnicity"].groups
        if g.parent_code
    }
    counts: list[dict] = []
    populations: list[dict] = []
    regions = list(session.scalars(select(m.Region).order_by(m.Region.id)))
    for region in regions:
        _region(rng, region, parents, counts, populations)
    session.execute(insert(m.PopulationCount), populations)
    session.execute(insert(m.EquityCount), counts)


def _region(
    rng: random.Random,
    region: m.Region,
    parents: dict[str, str],
    counts: list[dict],
    populations: list[dict],
) -> None:
    shares = _ethnic_shares(region.code)
    people = POPULATION_MILLIONS.get(region.code, 6.0) * 1_000_000
    pop = {g: round(people * s) for g, s in shares.items()}

    def add_population(characteristic: str, group: str, value: int) -> None:
        populations.append(
            {
                "region_id": region.id,
                "area_id": None,
                "area_id_key": 0,
                "characteristic": characteristic,
                "group_name": group,
                "year": POPULATION_YEAR,
                "population": int(value),
                "source": SOURCE,
                "version": 1,
            }
        )

    def add(period: date, measure: str, characteristic: str, group: str, num: int, den=None):
        if den is not None and int(den) == 0:
            return  # nobody to count (e.g. no one answered): no figure, as the importer rules
        counts.append(
            {
                "region_id": region.id,
                "area_id": None,
                "area_id_key": 0,
                "period_start": period,
                "measure": measure,
                "characteristic": characteristic,
                "group_name": group,
                "numerator": int(num),
                "denominator": None if den is None else int(den),
                "entered_by_id": None,
                "version": 1,
            }
        )

    broad_pop: dict[str, int] = {}
    for group, value in pop.items():
        add_population("ethnicity", group, value)
        broad_pop[parents[group]] = broad_pop.get(parents[group], 0) + value
    for group, value in broad_pop.items():
        add_population("ethnicity_broad", group, value)
    for characteristic, groups in OTHERS.items():
        for group, (share, *_rest) in groups.items():
            add_population(characteristic, group, round(people * share / 100))

    scale = rng.uniform(0.8, 1.2) * people / 8_000_000
    for quarter in QUARTERS:
        supported_total = 1_600 * scale * rng.uniform(0.9, 1.1)
        _ethnicity_quarter(rng, quarter, supported_total, shares, parents, add)
        for characteristic, groups in OTHERS.items():
            _other_quarter(rng, quarter, supported_total, characteristic, groups, add)
    for year in YEARS:
        detentions: dict[str, int] = {}
        for group, (*_rest, rate) in ETHNICITY.items():
            detentions[group] = _noisy(rng, pop[group] * rate / 100_000 * rng.uniform(0.9, 1.1))
        not_known = _noisy(rng, 0.05 * sum(detentions.values()))
        _add_with_broad(
            year, "mha_detentions", detentions, {}, parents, {"Not known": not_known}, add
        )


def _add_with_broad(period, measure, numerators, denominators, parents, missing, add) -> None:
    """Add detailed ethnicity rows and the high-level rows that sum them."""
    broad_num: dict[str, int] = {}
    broad_den: dict[str, int] = {}
    for group, num in numerators.items():
        den = denominators.get(group)
        add(period, measure, "ethnicity", group, num, den)
        parent = parents[group]
        broad_num[parent] = broad_num.get(parent, 0) + num
        if den is not None:
            broad_den[parent] = broad_den.get(parent, 0) + den
    for group, num in broad_num.items():
        add(period, measure, "ethnicity_broad", group, num, broad_den.get(group))
    for group, value in missing.items():
        num, den = value if isinstance(value, tuple) else (value, None)
        add(period, measure, "ethnicity", group, num, den)
        add(period, measure, "ethnicity_broad", group, num, den)


def _outcomes(rng, supported: int, right: float, early: float) -> tuple[int, ...]:
    respondents = _binomial(rng, supported, 0.3)
    answered = _binomial(rng, respondents, 0.95)
    said_right = _binomial(rng, answered, right)
    ended = _binomial(rng, supported, 0.2)
    left_early = _binomial(rng, ended, early)
    return respondents, answered, said_right, ended, left_early


def _ethnicity_quarter(rng, quarter, total, shares, parents, add) -> None:
    weights = {g: shares[g] * ETHNICITY[g][1] for g in shares}
    weight_sum = sum(weights.values())
    stated = total * (1 - sum(MISSING_SHARE["ethnicity"].values()))
    results: dict[str, tuple[int, ...]] = {}
    for group, weight in weights.items():
        supported = _noisy(rng, stated * weight / weight_sum)
        _, _, right, early, _ = ETHNICITY[group]
        results[group] = (supported, *_outcomes(rng, supported, right, early))
    missing = {}
    for group, share in MISSING_SHARE["ethnicity"].items():
        supported = _noisy(rng, total * share)
        missing[group] = (supported, *_outcomes(rng, supported, 0.9, 0.16))
    _emit(quarter, results, missing, add, parents)


def _emit(quarter, results, missing, add, parents) -> None:
    def column(source, index):
        return {g: r[index] for g, r in source.items()}

    specs = (
        ("people_supported", 0, None),
        ("survey_respondents", 1, None),
        ("right_support", 3, 2),
        ("ended_early", 5, 4),
    )
    for measure, num_index, den_index in specs:
        nums = column(results, num_index)
        dens = column(results, den_index) if den_index is not None else {}
        miss = {
            g: (r[num_index], r[den_index]) if den_index is not None else r[num_index]
            for g, r in missing.items()
        }
        _add_with_broad(quarter, measure, nums, dens, parents, miss, add)


def _other_quarter(rng, quarter, total, characteristic, groups, add) -> None:
    weights = {g: share * factor for g, (share, factor, _r, _e) in groups.items()}
    weight_sum = sum(weights.values())
    missing_shares = MISSING_SHARE.get(characteristic, {})
    stated = total * (1 - sum(missing_shares.values()))
    rows: dict[str, tuple[int, ...]] = {}
    for group, weight in weights.items():
        supported = _noisy(rng, stated * weight / weight_sum)
        _, _, right, early = groups[group]
        rows[group] = (supported, *_outcomes(rng, supported, right, early))
    for group, share in missing_shares.items():
        supported = _noisy(rng, total * share)
        rows[group] = (supported, *_outcomes(rng, supported, 0.9, 0.16))
    specs = (
        ("people_supported", 0, None),
        ("survey_respondents", 1, None),
        ("right_support", 3, 2),
        ("ended_early", 5, 4),
    )
    for measure, num_index, den_index in specs:
        for group, row in rows.items():
            den = row[den_index] if den_index is not None else None
            add(quarter, measure, characteristic, group, row[num_index], den)
