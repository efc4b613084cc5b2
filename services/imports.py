"""Importing metric values from a file: the template, the guide, the dry run and the save.

The dry run and the save are ``db.metric_import``'s (looked up on the module when
called, so a test may stand in for them); this module gives the page what it needs
without a session of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from core.importer import ImportCounts, ImportPreview
from db import metric_import
from services.context import RequestContext, reading

#: The largest file the import accepts.
IMPORT_MAX_BYTES = metric_import.IMPORT_MAX_BYTES


@dataclass(frozen=True)
class ImportGuide:
    """The downloadable template for a region and period, and its metrics' codes."""

    template: pd.DataFrame
    guide: pd.DataFrame


def import_guide(ctx: RequestContext, region_id: int, period: date) -> ImportGuide:
    """A template listing the region's metrics for ``period``, and the guide to their codes."""
    with reading(ctx) as session:
        return ImportGuide(
            template=metric_import.template_frame(session, region_id, period),
            guide=metric_import.metric_guide(session, region_id),
        )


def preview_values(ctx: RequestContext, data: bytes, filename: str) -> ImportPreview:
    """Check an uploaded file of metric values; nothing is written."""
    return metric_import.preview_metric_values(
        ctx.engine, ctx.actor, data, filename, max_bytes=IMPORT_MAX_BYTES
    )


def import_values(
    ctx: RequestContext, preview: ImportPreview, progress: Callable[[float], None]
) -> ImportCounts:
    """Save a clean dry run: every row or none (a registered write)."""
    return metric_import.import_metric_values(ctx.engine, ctx.actor, preview, progress=progress)
