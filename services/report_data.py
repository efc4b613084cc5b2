"""What the annual report reads, in one place: ``reports.annual_report`` lays out what
these return and never reaches the database itself.

The report builds only the sections it is asked for (a preview shows one at a time), so
the reads are made when a section asks for them, all in the session given."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from core.equity import CharacteristicInfo, Population
from db import compare as db_compare
from db import equity as db_equity
from db import feedback as db_feedback
from db import projects as db_projects
from db import quarterly as db_quarterly
from db import queries
from db.plan import theme_tags_note
from db.theme_progress import metric_statuses, theme_statuses


@dataclass(frozen=True)
class ReportReads:
    """The annual report's reads in ``session``."""

    session: Session
    #: Reads made once for every region, kept for the report's later calls.
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def value_periods(self) -> list[date]:
        return queries.value_periods(self.session)

    def regions(self) -> pd.DataFrame:
        return queries.regions(self.session)

    def monitoring_themes(self) -> pd.DataFrame:
        return queries.monitoring_themes(self.session)

    def metric_definitions(self, region_id: int) -> pd.DataFrame:
        return queries.metric_definitions(self.session, region_id)

    def theme_statuses(self, region_ids: Sequence[int], until: date) -> pd.DataFrame:
        return theme_statuses(self.session, region_ids, until=until)

    def metric_statuses(self, region_ids: Sequence[int], until: date) -> pd.DataFrame:
        return metric_statuses(self.session, region_ids, until=until)

    def theme_tags_note(self) -> str | None:
        return theme_tags_note(self.session)

    def period_totals(self, region_ids: Sequence[int], metric_ids: Sequence[int]) -> pd.DataFrame:
        return db_compare.period_totals(self.session, region_ids, metric_ids)

    def national_series_by_metric(
        self, region_ids: Sequence[int], units: Mapping[int, str]
    ) -> dict[int, pd.DataFrame]:
        return db_compare.national_series_by_metric(self.session, region_ids, units)

    def projects(self, region_ids: Sequence[int]) -> pd.DataFrame:
        return db_projects.projects(self.session, region_ids)

    def project_aims(self, region_ids: Sequence[int]) -> dict[int, int | None]:
        return db_projects.project_aims(self.session, region_ids)

    def feedback_timings(
        self, region_ids: Sequence[int], *, received_from: date, received_before: date
    ) -> pd.DataFrame:
        return db_feedback.feedback_timings(
            self.session,
            region_ids,
            received_from=received_from,
            received_before=received_before,
        )

    def characteristics(self) -> dict[str, CharacteristicInfo]:
        return db_equity.characteristics(self.session)

    def equity_counts(
        self, region_ids: Sequence[int] | None, measure: str, characteristic: str
    ) -> pd.DataFrame:
        """``db.equity.equity_counts``; for one region, sliced from every region's counts,
        read once per measure and characteristic (a national report asks region by
        region)."""
        if region_ids is None or len(region_ids) != 1:
            return db_equity.equity_counts(self.session, region_ids, measure, characteristic)
        key = ("equity_counts", measure, characteristic)
        by_region = self._cache.get(key)
        if by_region is None:
            frame = db_equity.equity_counts_by_region(self.session, measure, characteristic)
            by_region = self._cache[key] = {
                int(region_id): part.drop(columns="region_id").reset_index(drop=True)
                for region_id, part in frame.groupby("region_id", sort=False)
            }
            by_region[None] = frame.drop(columns="region_id").iloc[0:0]
        found = by_region.get(int(region_ids[0]), by_region[None])
        return found.copy()

    def population_for(
        self, region_ids: Sequence[int] | None, characteristic: str, period_year: int
    ) -> Population:
        return db_equity.population_for(self.session, region_ids, characteristic, period_year)

    def quarter_reviews(self, region_ids: Sequence[int], periods: Sequence[date]) -> pd.DataFrame:
        return db_quarterly.reviews(self.session, region_ids, periods)
