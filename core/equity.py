"""Equity analyses: who we support, how their experience and outcomes compare, and rates.

Pure Python on small pandas frames (no Streamlit, no database), built on
:mod:`core.stats` and :mod:`core.disclosure`:

- **Access** (:func:`access_by_group`): each group's share of the people supported
  against its share of the local population, as a representation ratio with a 95%
  interval. 1 means the group is supported in proportion to its size.
- **Outcomes and experience** (:func:`proportions_by_group`): each group's proportion
  with a Wilson interval, and its ratio to a reference group (or to everyone else).
- **Rates** (:func:`rates_by_group`): rates per 100,000 with exact Poisson / Byar
  limits, and rate ratios to the reference group, when population figures exist.
- **Data quality** (:func:`missing_data`): the share of records where the
  characteristic was not stated or not known.

Rules that hold everywhere here:

- No calculation rests on a numerator below the disclosure threshold: such a group's
  figure is "too few to show" (status ``too_few``), never 0.
- A disparity is "significant" only when the ratio's interval excludes 1.
- :func:`display_table` turns an analysis into the frame a person sees *and*
  downloads; for people who may not see exact figures (forum members) it applies the
  NHS disclosure rule to every count, so the screen and the file agree.
- Under disclosure control (an analysis made with ``disclosed=True``: below national
  level, for anyone without exact rights, and in every published report) every
  proportion, share, rate, interval and ratio is worked out from the *rounded* counts,
  as a reader could from the table, so none of them gives an exact count away: a
  group's own counts rounded, and a pooled reference ("everyone else", the whole
  local population) rounded as a total. Significance follows from those intervals.
  Percentages are shown as whole numbers unless the rounded denominator is at least
  4,000 (:func:`core.disclosure.percentage_places`). National figures stay exact.

Analysis frames (one row per group, in reference order) have these columns:
``group, numerator, denominator, population, value, low, high, ratio, ratio_low,
ratio_high, significant, status`` where ``value/low/high`` are a proportion (0..1),
a rate per 100,000 or a share (access: the group's share of people supported), and
``status`` is one of :data:`STATUSES`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from core.disclosure import (
    DEFAULT_THRESHOLD,
    SUPPRESSED,
    percent_of,
    percentage_places,
    round_half_up,
    suppress_count,
    too_few,
)
from core.periods import format_period
from core.permissions import Action, Actor, can
from core.stats import (
    disparity_sentence,
    is_significant,
    proportion_ratio,
    rate_per_100k,
    rate_ratio,
    representation_ratio,
    wilson_interval,
)

MeasureKind = Literal["count", "proportion", "rate"]

#: Compare each group with all the other (stated) groups put together.
EVERYONE_ELSE = "Everyone else"
#: The census detailed group the NHS calls "White British" (ethnic category A).
WHITE_BRITISH = "English, Welsh, Scottish, Northern Irish or British"
WHITE = "White"
#: The name a group goes by wherever the census name reads differently from the sentence
#: ("White British people ..."): the sentence, the chart, the table, the pickers and the
#: downloads all say "White British".
SHOWN_NAMES = {WHITE_BRITISH: "White British"}
TOO_FEW = "Too few to show"

#: Row statuses of an analysis frame.
STATUSES = {
    "reference": "Reference group",
    "shown": "",
    "too_few": TOO_FEW,
    "too_few_to_compare": "Too few to compare",
    "no_population": "No population figure",
    "no_data": "No figures",
}

ANALYSIS_COLUMNS = [
    "group",
    "numerator",
    "denominator",
    "population",
    "value",
    "low",
    "high",
    "ratio",
    "ratio_low",
    "ratio_high",
    "significant",
    "status",
]


@dataclass(frozen=True)
class Measure:
    """What an equity count counts, and how it is analysed.

    ``kind``: ``count`` (people supported: compared with the local population),
    ``proportion`` (numerator out of denominator, e.g. survey answers) or ``rate``
    (events per 100,000 of the local population). ``complement``: the ratios compare
    the people for whom the numerator is *not* true. No measure uses it: a ratio is of
    the same outcome as the percentage shown beside it (the survey measure's ratio is of
    *getting* the right level of support, as its percentage is), so table, chart and
    sentence never speak of opposite outcomes.
    """

    code: str
    label: str
    kind: MeasureKind
    frequency: Literal["quarter", "year"]
    numerator: str
    records: str  # "people supported": what the missing-data share is a share of
    outcome: str  # follows "to" in a disparity sentence
    denominator: str = ""
    complement: bool = False
    people: str = "people"
    description: str = ""


MEASURES: dict[str, Measure] = {
    m.code: m
    for m in (
        Measure(
            code="people_supported",
            label="People supported",
            kind="count",
            frequency="quarter",
            numerator="People supported",
            records="people supported",
            outcome="be supported by our services",
            description="People who used a Rethink service in the quarter.",
        ),
        Measure(
            code="survey_respondents",
            label="Service User Experience Survey respondents",
            kind="count",
            frequency="quarter",
            numerator="Survey respondents",
            records="survey respondents",
            outcome="answer the Service User Experience Survey",
            description="People who answered the Service User Experience Survey in the quarter.",
        ),
        Measure(
            code="right_support",
            label="Got the right level of support (survey)",
            kind="proportion",
            frequency="quarter",
            numerator="Said they got the right level of support",
            denominator="Answered the question",
            records="people who answered the question",
            outcome="say they got the right level of support",
            people="service users",
            description=(
                "Survey respondents who said they got the right level of support, out of "
                "those who answered the question."
            ),
        ),
        Measure(
            code="ended_early",
            label="Left support before the planned end",
            kind="proportion",
            frequency="quarter",
            numerator="Left before the planned end",
            denominator="Support ended",
            records="people whose support ended",
            outcome="leave support before the planned end",
            people="service users",
            description=(
                "People whose support ended in the quarter who left before the planned end, "
                "out of everyone whose support ended."
            ),
        ),
        Measure(
            code="mha_detentions",
            label="Mental Health Act detentions (shared by partners)",
            kind="rate",
            frequency="year",
            numerator="Detentions",
            records="detentions",
            outcome="be detained under the Mental Health Act",
            description=(
                "Detentions under the Mental Health Act in the financial year, as shared by "
                "NHS partners, per 100,000 people in the local population."
            ),
        ),
    )
}


def measure_for(text: str) -> Measure | None:
    """The measure with this code or label (any case), or None."""
    key = " ".join(str(text).split()).lower()
    for measure in MEASURES.values():
        if key in (measure.code.lower(), measure.label.lower()):
            return measure
    return None


@dataclass(frozen=True)
class GroupInfo:
    """A group of a characteristic, as the reference data holds it."""

    name: str
    is_missing: bool = False
    parent: str | None = None  # the parent group's name (census detailed -> high-level)
    sort_order: int = 0


@dataclass(frozen=True)
class CharacteristicInfo:
    """A characteristic (ethnicity, age band, ...) with its groups in reference order."""

    code: str
    name: str
    groups: list[GroupInfo]


def analysis_groups(present: Iterable[str], groups: Sequence[GroupInfo]) -> list[GroupInfo]:
    """The stated groups to analyse, in reference order, from the names in the data.

    A high-level group is left out when any of its detailed groups is present, so
    nobody is counted twice. Names in the data that the reference list does not know
    (an old name, say) are kept at the end. Missing groups are never included.
    """
    present = [str(p) for p in present]
    known = {g.name: g for g in groups}
    names = set(present)
    parents_with_children = {g.parent for g in groups if g.parent and g.name in names}
    chosen = [
        g
        for g in sorted(groups, key=lambda g: g.sort_order)
        if g.name in names and not g.is_missing and g.name not in parents_with_children
    ]
    extra = [GroupInfo(name, sort_order=10_000) for name in present if name not in known]
    return chosen + sorted(set(extra), key=lambda g: g.name)


def missing_groups(groups: Sequence[GroupInfo]) -> set[str]:
    return {g.name for g in groups if g.is_missing}


def default_reference(characteristic: str, group_names: Iterable[str]) -> str:
    """White British for ethnicity (White for the high-level groups), else everyone else."""
    names = set(group_names)
    if characteristic == "ethnicity" and WHITE_BRITISH in names:
        return WHITE_BRITISH
    if characteristic in ("ethnicity", "ethnicity_broad") and WHITE in names:
        return WHITE
    return EVERYONE_ELSE


# -- phrases ---------------------------------------------------------------------------

#: How a group reads in a sentence; "{p}" is the people noun ("service users").
_PHRASES = {
    "Asian, Asian British or Asian Welsh": "Asian {p}",
    "Black, Black British, Black Welsh, Caribbean or African": "Black {p}",
    "Mixed or Multiple ethnic groups": "{p} from Mixed or Multiple ethnic groups",
    "Other ethnic group": "{p} from other ethnic groups",
    WHITE_BRITISH: "White British {p}",
    "Irish": "White Irish {p}",
    "Other Mixed or Multiple ethnic groups": "{p} from other Mixed or Multiple ethnic groups",
    "Any other ethnic group": "{p} from any other ethnic group",
    "Not disabled": "{p} who are not disabled",
    "No religion": "{p} with no religion",
    "Other religion": "{p} of other religions",
    "All other sexual orientations": "{p} of all other sexual orientations",
    EVERYONE_ELSE: "all other {p}",
}


def shown_name(group: str) -> str:
    """The group's name as every surface shows it (:data:`SHOWN_NAMES`)."""
    return SHOWN_NAMES.get(group, group)


def group_phrase(group: str, people: str = "people", *, start: bool = False) -> str:
    """``"Black, Black British, ..." -> "Black people"``; age bands read "people aged 18-24".

    ``start``: capitalise, for the start of a sentence.
    """
    pattern = _PHRASES.get(group)
    if pattern is None:
        pattern = "{p} aged " + group if re.match(r"^\d", group) else group + " {p}"
    text = pattern.format(p=people)
    return text[0].upper() + text[1:] if start else text


def characteristic_noun(name: str) -> str:
    """``"Ethnicity (high-level groups)" -> "Ethnicity"``."""
    return re.sub(r"\s*\(.*\)\s*$", "", name).strip()


# -- the analyses ----------------------------------------------------------------------


def _counts(counts: pd.DataFrame) -> dict[str, tuple[int, int | None]]:
    """group -> (numerator, denominator or None), from a frame of summed counts."""
    out: dict[str, tuple[int, int | None]] = {}
    for row in counts.itertuples(index=False):
        denominator = getattr(row, "denominator", None)
        missing = denominator is None or pd.isna(denominator)
        out[str(row.group)] = (int(row.numerator), None if missing else int(denominator))
    return out


def _populations(population: pd.DataFrame | None) -> dict[str, int]:
    if population is None or population.empty:
        return {}
    return {str(r.group): int(r.population) for r in population.itertuples(index=False)}


def _row(group: str, **values: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(ANALYSIS_COLUMNS)
    row.update(group=group, significant=False, status="shown")
    row.update(values)
    return row


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=ANALYSIS_COLUMNS)
    for column in ("numerator", "denominator", "population"):
        frame[column] = pd.array(frame[column].tolist(), dtype="Int64")
    for column in ("value", "low", "high", "ratio", "ratio_low", "ratio_high"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    frame["significant"] = frame["significant"].astype(bool)
    return frame


def _check_reference(reference: str, names: list[str]) -> None:
    if reference != EVERYONE_ELSE and reference not in names:
        raise ValueError(f"The reference group '{reference}' has no figures here.")


def _worked(count: int | None, threshold: int, disclosed: bool) -> int | None:
    """The count a figure is worked out from: exact, or under disclosure control the
    count as shown, rounded to the nearest 5 (None when it is shown as ``*``)."""
    if count is None or not disclosed:
        return count
    shown = suppress_count(int(count), threshold=threshold)
    return None if shown == SUPPRESSED else int(shown)


def proportions_by_group(
    counts: pd.DataFrame,
    groups: Sequence[GroupInfo],
    measure: Measure,
    reference: str,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    confidence: float = 0.95,
    disclosed: bool = False,
) -> pd.DataFrame:
    """Each group's proportion with its Wilson interval, and its ratio to the reference.

    ``counts``: columns ``group, numerator, denominator`` (one row per group).
    ``value`` is numerator / denominator; the ratio compares the complement when
    ``measure.complement`` (those who did *not* get the right support). A group whose
    numerator is under ``threshold`` is ``too_few``; a ratio needs at least
    ``threshold`` people with the compared outcome in both the group and the reference,
    else ``too_few_to_compare``. ``disclosed``: every figure from the rounded counts
    (the frame's count columns stay exact, for :func:`display_table` to show).
    """
    data = {g: c for g, c in _counts(counts).items() if c[1] is not None and c[1] > 0}
    chosen = [g.name for g in analysis_groups(data, groups)]
    _check_reference(reference, chosen)

    def worked(count: int | None) -> int | None:
        return _worked(count, threshold, disclosed)

    def outcome(name: str) -> tuple[int | None, int | None]:
        k, n = worked(data[name][0]), worked(data[name][1])
        if k is None or n is None:
            return None, n
        return (n - k if measure.complement else k), n

    rows = []
    for name in chosen:
        k, n = data[name]
        assert n is not None
        shown_k, shown_n = worked(k), worked(n)
        if too_few(k, threshold) or shown_k is None or not shown_n:
            rows.append(_row(name, numerator=k, denominator=n, status="too_few"))
            continue
        low, high = wilson_interval(shown_k, shown_n, confidence)
        row = _row(name, numerator=k, denominator=n, value=shown_k / shown_n, low=low, high=high)
        if name == reference:
            row["status"] = "reference"
            rows.append(row)
            continue
        ref_a: int | None
        ref_n: int | None
        if reference == EVERYONE_ELSE:
            # pooled from the exact counts, and under control rounded as a total
            others = [data[o] for o in chosen if o != name]
            pooled_n = sum(int(o[1] or 0) for o in others)
            pooled_k = sum(o[0] for o in others)
            ref_a = worked(pooled_n - pooled_k if measure.complement else pooled_k)
            ref_n = worked(pooled_n)
        else:
            ref_a, ref_n = outcome(reference)
        a, _ = outcome(name)
        if (
            not ref_n
            or a is None
            or ref_a is None
            or too_few(a, threshold)
            or too_few(ref_a, threshold)
            or ref_a > ref_n
        ):
            row["status"] = "too_few_to_compare"
        else:
            ratio, r_low, r_high = proportion_ratio(a, shown_n, ref_a, ref_n, confidence)
            row.update(
                ratio=ratio,
                ratio_low=r_low,
                ratio_high=r_high,
                significant=is_significant(r_low, r_high),
            )
        rows.append(row)
    return _frame(rows)


def rates_by_group(
    counts: pd.DataFrame,
    population: pd.DataFrame,
    groups: Sequence[GroupInfo],
    reference: str,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    confidence: float = 0.95,
    disclosed: bool = False,
) -> pd.DataFrame:
    """Each group's rate per 100,000 with its interval, and its rate ratio to the reference.

    ``counts``: ``group, numerator`` (events); ``population``: ``group, population``.
    Fewer than ``threshold`` events: ``too_few`` (and no ratio against such a reference).
    ``disclosed``: rates, intervals and ratios from the rounded events and populations.
    """
    data = _counts(counts)
    pops = _populations(population)
    chosen = [g.name for g in analysis_groups(data, groups)]
    _check_reference(reference, chosen)

    def worked(count: int | None) -> int | None:
        return _worked(count, threshold, disclosed)

    rows = []
    for name in chosen:
        events = data[name][0]
        pop = pops.get(name)
        if not pop:
            rows.append(_row(name, numerator=events, status="no_population"))
            continue
        shown_events, shown_pop = worked(events), worked(pop)
        if too_few(events, threshold) or shown_events is None or not shown_pop:
            rows.append(_row(name, numerator=events, population=pop, status="too_few"))
            continue
        rate, low, high = rate_per_100k(shown_events, shown_pop, confidence)
        row = _row(name, numerator=events, population=pop, value=rate, low=low, high=high)
        if name == reference:
            row["status"] = "reference"
            rows.append(row)
            continue
        if reference == EVERYONE_ELSE:
            others = [o for o in chosen if o != name and pops.get(o)]
            ref_events = worked(sum(data[o][0] for o in others))
            ref_pop = worked(sum(pops[o] for o in others))
        else:
            ref_events, ref_pop = worked(data[reference][0]), worked(pops.get(reference, 0))
        if not ref_pop or ref_events is None or too_few(ref_events, threshold):
            row["status"] = "too_few_to_compare"
        else:
            ratio, r_low, r_high = rate_ratio(
                shown_events, shown_pop, ref_events, ref_pop, confidence
            )
            row.update(
                ratio=ratio,
                ratio_low=r_low,
                ratio_high=r_high,
                significant=is_significant(r_low, r_high),
            )
        rows.append(row)
    return _frame(rows)


def access_by_group(
    counts: pd.DataFrame,
    population: pd.DataFrame,
    groups: Sequence[GroupInfo],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    confidence: float = 0.95,
    disclosed: bool = False,
) -> pd.DataFrame:
    """Each group's share of people supported against its share of the local population.

    Shares are of the people whose group was recorded (not stated / not known left out)
    and of the population of the groups that have a population figure. ``value`` is
    the group's share of people supported (with its Wilson interval in ``low/high``);
    ``ratio`` the representation ratio (share supported / share of population) with its
    interval. ``denominator`` holds all people supported with a recorded group.
    ``disclosed``: shares, intervals and ratios from the rounded counts and totals.
    """
    data = _counts(counts)
    pops = _populations(population)
    chosen = [g.name for g in analysis_groups(data, groups)]

    def worked(count: int | None) -> int | None:
        return _worked(count, threshold, disclosed)

    total = sum(data[name][0] for name in chosen)
    total_pop = sum(pops.get(name, 0) for name in chosen)
    with_pop_supported = sum(data[name][0] for name in chosen if pops.get(name))
    shown_total, shown_total_pop = worked(total), worked(total_pop)
    shown_with_pop = worked(with_pop_supported)
    rows = []
    for name in chosen:
        supported = data[name][0]
        pop = pops.get(name)
        base = {"numerator": supported, "denominator": total, "population": pop}
        shown_supported = worked(supported)
        if too_few(supported, threshold) or shown_supported is None or not shown_total:
            rows.append(_row(name, **base, status="too_few"))
            continue
        low, high = wilson_interval(shown_supported, shown_total, confidence)
        row = _row(name, **base, value=shown_supported / shown_total, low=low, high=high)
        shown_pop = worked(pop) if pop else None
        if not pop:
            row["status"] = "no_population"
        elif not shown_pop or not shown_with_pop or not shown_total_pop:
            row["status"] = "too_few_to_compare"
        else:
            ratio, r_low, r_high = representation_ratio(
                shown_supported, shown_with_pop, shown_pop, shown_total_pop, confidence
            )
            row.update(
                ratio=ratio,
                ratio_low=r_low,
                ratio_high=r_high,
                significant=is_significant(r_low, r_high),
            )
        rows.append(row)
    frame = _frame(rows)
    shares = []
    for p in frame["population"]:
        shown_p = None if pd.isna(p) else worked(int(p))
        shares.append(
            shown_p / shown_total_pop if shown_p is not None and shown_total_pop else math.nan
        )
    frame["population_share"] = shares
    return frame


# -- sentences -------------------------------------------------------------------------


def _reference_phrase(kind: MeasureKind, reference: str, people: str) -> str:
    if kind == "count":
        return "everyone in the local population"
    return group_phrase(reference, people)


def disparity_sentences(
    analysis: pd.DataFrame,
    measure: Measure,
    reference: str,
    *,
    confidence: float = 0.95,
) -> list[str]:
    """One plain sentence per significant disparity, in the analysis's group order."""
    sentences = []
    for row in analysis.itertuples(index=False):
        if not row.significant:
            continue
        sentence = disparity_sentence(
            group_phrase(row.group, measure.people, start=True),
            _reference_phrase(measure.kind, reference, measure.people),
            float(row.ratio),  # format_ratio reads repr(): no numpy floats
            float(row.ratio_low),
            float(row.ratio_high),
            measure.outcome,
            confidence=confidence,
        )
        if sentence:
            sentences.append(sentence)
    return sentences


def no_disparity_sentence(analysis: pd.DataFrame, measure: Measure, reference: str) -> str:
    """What to say when no ratio's interval excludes 1."""
    compared = analysis["ratio"].notna().sum()
    if compared == 0:
        return "No group could be compared: there are too few people in the figures."
    against = (
        "their share of the local population"
        if measure.kind == "count"
        else group_phrase(reference, measure.people)
    )
    return (
        f"No group differs significantly from {against}: every ratio's 95% interval "
        "includes 1, so the differences could be down to chance."
    )


# -- data quality ----------------------------------------------------------------------


@dataclass(frozen=True)
class MissingData:
    missing: int
    total: int

    @property
    def share(self) -> float | None:
        return self.missing / self.total if self.total else None


def missing_data(
    counts: pd.DataFrame, groups: Sequence[GroupInfo], measure: Measure
) -> MissingData:
    """How many of the records have the characteristic not stated or not known.

    Records are the numerators, or the denominators for a proportion measure. The
    total counts each stated group once (see :func:`analysis_groups`) plus the missing.
    """
    data = _counts(counts)
    column = 1 if measure.kind == "proportion" else 0

    def size(name: str) -> int:
        value = data[name][column]
        return int(value or 0)

    missing_names = missing_groups(groups) & set(data)
    missing = sum(size(name) for name in missing_names)
    stated = sum(size(g.name) for g in analysis_groups(data, groups))
    return MissingData(missing, missing + stated)


def _percent(share: float) -> str:
    if 0 < share < 0.005:
        return "less than 1%"
    return f"{round_half_up(share * 100):.0f}%"


def missing_sentence(
    characteristic: str,
    measure: Measure,
    data: MissingData,
    *,
    exact: bool,
    threshold: int = DEFAULT_THRESHOLD,
) -> str:
    """``"Ethnicity was not recorded for 12% of people supported; missing data can hide
    a disparity."`` A small number of missing records is never shown exactly to people
    who see suppressed figures, and never as 0."""
    noun = characteristic_noun(characteristic)
    if data.total == 0:
        return f"There are no {measure.records} in these figures."
    if data.missing == 0 and exact:
        return f"{noun} was recorded for all {measure.records}."
    if too_few(data.missing, threshold):
        return (
            f"{noun} was not recorded for fewer than {threshold} of the {measure.records}; "
            "missing data can hide a disparity."
        )
    assert data.share is not None
    share = data.share
    if not exact:  # from the rounded counts, as a reader could work it out
        missing = suppress_count(data.missing, threshold=threshold)
        total = suppress_count(data.total, threshold=threshold)
        assert isinstance(missing, int) and isinstance(total, int)
        share = missing / total
    return (
        f"{noun} was not recorded for {_percent(share)} of {measure.records}; "
        "missing data can hide a disparity."
    )


# -- what a person sees and downloads -------------------------------------------------


@dataclass(frozen=True)
class View:
    """How figures are shown: exactly (leads, for their scope) or with disclosure control."""

    exact: bool
    threshold: int = DEFAULT_THRESHOLD
    national: bool = False

    @property
    def suppressed(self) -> bool:
        return not self.exact and not self.national


def view_for(actor: Actor, region_id: int | None, threshold: int = DEFAULT_THRESHOLD) -> View:
    """Exact figures when the actor may see them for this region (None: all regions)."""
    return View(
        exact=can(actor, Action.VIEW_EXACT_EQUITY, region_id),
        threshold=threshold,
        national=region_id is None,
    )


def count_column(values: pd.Series, view: View) -> pd.Series:
    """Exact whole numbers, or (below national level, without exact rights) ``*`` or a
    count rounded to 5, as text so the column has one type."""
    if not view.suppressed:
        return pd.Series(pd.array(values.tolist(), dtype="Int64"), index=values.index)
    shown = [
        "" if pd.isna(v) else str(suppress_count(int(v), threshold=view.threshold)) for v in values
    ]
    return pd.Series(shown, index=values.index, dtype=object)


def _rounded(values: pd.Series, scale: float, places: int) -> pd.Series:
    return (values * scale).round(places)


def _shown_count(count: object, threshold: int) -> int | None:
    if count is None or pd.isna(count):
        return None
    shown = suppress_count(int(count), threshold=threshold)
    return None if shown == SUPPRESSED else int(shown)


def shown_figures(
    analysis: pd.DataFrame, measure: Measure, view: View | None = None
) -> pd.DataFrame:
    """``value, low, high`` as shown (percentages 0..100, rates per 100,000).

    Exact: one decimal place. Under disclosure control (``view.suppressed``; the
    analysis made with ``disclosed=True``) a percentage is the rounded counts' own,
    rounded half up to a whole number unless the rounded denominator is at least
    4,000 (then one place), and its interval to the same places; rates keep one place.
    """
    if measure.kind == "rate" or view is None or not view.suppressed:
        scale = 1.0 if measure.kind == "rate" else 100.0
        return pd.DataFrame(
            {c: _rounded(analysis[c], scale, 1) for c in ("value", "low", "high")},
            index=analysis.index,
        )
    rows = []
    for num, den, value, low, high in zip(
        analysis["numerator"],
        analysis["denominator"],
        analysis["value"],
        analysis["low"],
        analysis["high"],
        strict=True,
    ):
        shown_num, shown_den = _shown_count(num, view.threshold), _shown_count(den, view.threshold)
        if pd.isna(value) or shown_num is None or not shown_den:
            rows.append((math.nan, math.nan, math.nan))
            continue
        places = percentage_places(shown_den)
        rows.append(
            (
                percent_of(shown_num, shown_den, places),
                round_half_up(100.0 * float(low), places),
                round_half_up(100.0 * float(high), places),
            )
        )
    return pd.DataFrame(rows, columns=["value", "low", "high"], index=analysis.index).astype(
        "float64"
    )


def _population_shares(analysis: pd.DataFrame, view: View) -> pd.Series:
    shares = analysis.get("population_share", pd.Series(math.nan, index=analysis.index))
    if not view.suppressed:
        return _rounded(shares, 100.0, 1)
    total = _shown_count(analysis["population"].astype("float64").sum(), view.threshold)
    places = percentage_places(total)
    return pd.Series(
        [math.nan if pd.isna(s) else round_half_up(100.0 * float(s), places) for s in shares],
        index=analysis.index,
        dtype="float64",
    )


def value_label(measure: Measure) -> str:
    if measure.kind == "rate":
        return "Rate per 100,000"
    if measure.kind == "count":
        return "Share of people supported (%)"
    return "Percentage"


def ratio_label(measure: Measure) -> str:
    if measure.kind == "count":
        return "Representation ratio"
    return "Ratio to reference"


def display_table(analysis: pd.DataFrame, measure: Measure, view: View) -> pd.DataFrame:
    """The table a person sees and downloads for an analysis.

    Counts are exact for an exact view; otherwise ``*`` or rounded to the nearest 5
    (text). A figure resting on too few people is blank with the note "Too few to
    show". Percentages and shares have one decimal place, rates one, ratios two; under
    disclosure control percentages are the rounded counts' own (:func:`shown_figures`),
    which needs the analysis made with ``disclosed=view.suppressed``.
    """
    out = pd.DataFrame({"Group": analysis["group"].map(shown_name)})
    if measure.kind == "count":
        out[measure.numerator] = count_column(analysis["numerator"], view)
        out["Local population"] = count_column(analysis["population"], view)
    elif measure.kind == "proportion":
        out[measure.numerator] = count_column(analysis["numerator"], view)
        out[measure.denominator] = count_column(analysis["denominator"], view)
    else:
        out[measure.numerator] = count_column(analysis["numerator"], view)
        out["Local population"] = count_column(analysis["population"], view)
    label = value_label(measure)
    figures = shown_figures(analysis, measure, view)
    out[label] = figures["value"]
    out["Lower 95% limit"] = figures["low"]
    out["Upper 95% limit"] = figures["high"]
    if measure.kind == "count":
        out["Share of local population (%)"] = _population_shares(analysis, view)
    ratio = ratio_label(measure)
    out[ratio] = analysis["ratio"].round(2)
    out[f"{ratio}: lower 95% limit"] = analysis["ratio_low"].round(2)
    out[f"{ratio}: upper 95% limit"] = analysis["ratio_high"].round(2)
    out["Significant difference"] = [
        significance_words(row.ratio, row.significant, measure)
        for row in analysis.itertuples(index=False)
    ]
    out["Note"] = [STATUSES[s] for s in analysis["status"]]
    return out.reset_index(drop=True)


def value_is_higher(ratio: float, measure: Measure) -> bool:
    """Whether a ratio above 1 means the group's *shown* value is higher: for a
    complement measure (ratios about not getting the right support) it is the reverse."""
    return (ratio > 1) != measure.complement


def significance_words(ratio: float | None, significant: bool, measure: Measure) -> str:
    """``"Yes, higher"`` / ``"Yes, lower"`` (about the group's shown value), ``"No"``, or
    ``""`` when there is no ratio."""
    if ratio is None or pd.isna(ratio):
        return ""
    if not significant:
        return "No"
    return "Yes, higher" if value_is_higher(ratio, measure) else "Yes, lower"


def comparison_words(status: str, ratio: float | None, significant: bool, measure: Measure) -> str:
    """A group's place on a chart, in words (so it is never told by colour alone)."""
    if status == "reference":
        return "Reference group"
    if ratio is None or pd.isna(ratio):
        return "Not compared"
    if not significant:
        return "No significant difference"
    return "Significantly higher" if value_is_higher(ratio, measure) else "Significantly lower"


def reference_value(
    analysis: pd.DataFrame, measure: Measure, reference: str, view: View | None = None
) -> float | None:
    """The value the chart's reference line sits at (in the display table's units).

    Access: a representation ratio of 1. Otherwise the reference group's value, or
    for "everyone else" the pooled value of all shown groups; None when not shown.
    Under disclosure control the pooled value comes from the pooled counts rounded as
    totals, shown as the table shows a percentage.
    """
    if measure.kind == "count":
        return 1.0
    suppressed = view is not None and view.suppressed
    if reference != EVERYONE_ELSE:
        match = analysis["group"] == reference
        figures = shown_figures(analysis[match], measure, view)["value"].dropna()
        return float(figures.iloc[0]) if not figures.empty else None
    shown = analysis[analysis["value"].notna()]
    if shown.empty:
        return None
    numerator = shown["numerator"].astype("float64").sum()
    base = "population" if measure.kind == "rate" else "denominator"
    denominator = shown[base].astype("float64").sum()
    if suppressed:
        assert view is not None
        numerator = _shown_count(numerator, view.threshold)  # type: ignore[assignment]
        denominator = _shown_count(denominator, view.threshold)  # type: ignore[assignment]
        if numerator is None or not denominator:
            return None
    if measure.kind == "rate":
        return round_half_up(float(numerator) / float(denominator) * 100_000, 1)
    if suppressed:
        return percent_of(numerator, denominator, percentage_places(denominator))
    return float(numerator / denominator * 100)


@dataclass(frozen=True)
class Population:
    """Local population by group for a period: ``frame`` has ``group, population``."""

    frame: pd.DataFrame
    years: tuple[int, ...]
    sources: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return self.frame.empty


def pick_population_year(years: Iterable[int], period_year: int) -> int | None:
    """The population year to use for a period starting in ``period_year``: the latest
    year not after it, else the earliest there is."""
    years = sorted(set(years))
    if not years:
        return None
    before = [y for y in years if y <= period_year]
    return before[-1] if before else years[0]


def analyse(
    measure: Measure,
    counts: pd.DataFrame,
    population: pd.DataFrame | None,
    groups: Sequence[GroupInfo],
    reference: str,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    disclosed: bool = False,
) -> pd.DataFrame:
    """The analysis that fits the measure: access (counts), proportions or rates.
    ``disclosed`` (``View.suppressed``): every figure from the rounded counts."""
    if measure.kind == "proportion":
        return proportions_by_group(
            counts, groups, measure, reference, threshold=threshold, disclosed=disclosed
        )
    empty = pd.DataFrame(columns=["group", "population"])
    population = empty if population is None else population
    if measure.kind == "rate":
        return rates_by_group(
            counts, population, groups, reference, threshold=threshold, disclosed=disclosed
        )
    return access_by_group(counts, population, groups, threshold=threshold, disclosed=disclosed)


def plots_ratio(analysis: pd.DataFrame, measure: Measure) -> bool:
    """Access is drawn as representation ratios when any group has one, else as shares."""
    return measure.kind == "count" and bool(analysis["ratio"].notna().any())


def _plotted(analysis: pd.DataFrame, measure: Measure, view: View | None) -> pd.DataFrame:
    """``value, low, high`` a chart or trend draws: ratios (2 places), or the figures as
    the table shows them under control, else to 2 places."""
    if plots_ratio(analysis, measure):
        columns = {"value": "ratio", "low": "ratio_low", "high": "ratio_high"}
        return pd.DataFrame({k: analysis[c].round(2) for k, c in columns.items()})
    if view is not None and view.suppressed:
        return shown_figures(analysis, measure, view)
    scale = 1.0 if measure.kind == "rate" else 100.0
    return pd.DataFrame({c: (analysis[c] * scale).round(2) for c in ("value", "low", "high")})


def chart_frame(analysis: pd.DataFrame, measure: Measure, view: View | None = None) -> pd.DataFrame:
    """What a chart of the analysis draws: ``group, value, low, high, comparison``, in the
    display table's units, only for groups whose figure is shown (never a 0 for a group
    with too few people). Under disclosure control (``view``) the figures are the
    table's own."""
    figures = _plotted(analysis, measure, view)
    keep = figures["value"].notna()
    shown, figures = analysis[keep], figures[keep]
    frame = pd.DataFrame(
        {
            "group": shown["group"].map(shown_name),
            "value": figures["value"],
            "low": figures["low"],
            "high": figures["high"],
            "comparison": [
                comparison_words(r.status, r.ratio, r.significant, measure)
                for r in shown.itertuples(index=False)
            ],
        }
    )
    return frame.reset_index(drop=True)


def trend_frame(
    analyses: Sequence[tuple[str, pd.DataFrame]], measure: Measure, view: View | None = None
) -> pd.DataFrame:
    """Each period's figures in one long table (``Period, Group, value, low, high, Note``),
    from ``(period label, analysis)`` pairs, oldest first. Access uses the representation
    ratio where there is one. Under disclosure control (``view``) the figures are
    shown as the table shows them."""
    rows = []
    for label, analysis in analyses:
        figures = _plotted(analysis, measure, view)
        for r, value, low, high in zip(
            analysis.itertuples(index=False),
            figures["value"],
            figures["low"],
            figures["high"],
            strict=True,
        ):
            shown = value is not None and not pd.isna(value)
            rows.append(
                {
                    "Period": label,
                    "Group": shown_name(r.group),
                    "Value": value if shown else None,
                    "Lower 95% limit": low if shown else None,
                    "Upper 95% limit": high if shown else None,
                    "Note": STATUSES[r.status] if not shown or r.status == "reference" else "",
                }
            )
    frame = pd.DataFrame(
        rows, columns=["Period", "Group", "Value", "Lower 95% limit", "Upper 95% limit", "Note"]
    )
    for column in ("Value", "Lower 95% limit", "Upper 95% limit"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


def trend_value_label(analysis: pd.DataFrame, measure: Measure) -> str:
    if plots_ratio(analysis, measure):
        return "Representation ratio"
    return value_label(measure)


# -- the page's words -----------------------------------------------------------------


def analysis_heading(measure: Measure) -> str:
    """The heading over a measure's analysis."""
    if measure.kind == "count":
        return "Access: who we support against the local population"
    return "Rates per 100,000 people" if measure.kind == "rate" else "Outcomes and experience"


def chart_words(
    analysis: pd.DataFrame, measure: Measure, reference: str, view: View
) -> tuple[str, float | None, str]:
    """The chart's x-axis title, its dashed reference line (or None) and what it shows."""
    if plots_ratio(analysis, measure):
        return (
            "Representation ratio (1 = in proportion to the local population)",
            1.0,
            "each group's share of the people supported divided by its share of the local "
            "population, with its 95% interval; the dashed line at 1 means in proportion",
        )
    x_title = value_label(measure)
    line = reference_value(analysis, measure, reference, view) if measure.kind != "count" else None
    what = (
        f"each group's {x_title.lower()} with its 95% interval; the dashed line is "
        + (
            "the figure for everyone"
            if reference == EVERYONE_ELSE
            else f"the figure for {group_phrase(reference, measure.people)}"
        )
        if line is not None
        else f"each group's {x_title.lower()} with its 95% interval"
    )
    return x_title, line, what


def trend_analyses(
    all_counts: pd.DataFrame,
    populations: dict,
    groups: Sequence[GroupInfo],
    measure: Measure,
    reference: str,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    disclosed: bool = False,
) -> list[tuple[str, pd.DataFrame]]:
    """``(period label, analysis)`` for every period of ``all_counts``, oldest first.

    ``populations`` maps each period's start to its :class:`Population`. A period
    without the reference group compares with everyone else.
    """
    analyses = []
    for p in sorted(set(all_counts["period_start"])):
        counts = all_counts[all_counts["period_start"] == p]
        present = {g.name for g in analysis_groups(counts["group"], groups)}
        ref = reference if reference in present else EVERYONE_ELSE
        analyses.append(
            (
                format_period(p, measure.frequency),
                analyse(
                    measure,
                    counts,
                    populations[p].frame,
                    groups,
                    ref,
                    threshold=threshold,
                    disclosed=disclosed,
                ),
            )
        )
    return analyses


def file_stem(*parts: str) -> str:
    """A download's file name from its parts: lower case, hyphens for spaces and slashes."""
    return "-".join(p.lower().replace(" ", "-").replace("/", "-") for p in parts if p)
