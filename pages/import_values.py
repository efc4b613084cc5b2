"""Import values: metric values from a CSV or Excel file, checked before anything is saved."""

from __future__ import annotations

import streamlit as st

from components import file_abouts
from components.context import current
from components.downloads import download_buttons
from components.importer import import_section
from components.region_picker import choose_region
from core.formatting import escape_markdown
from core.importer import ImportPreview
from core.metric_import import column_help
from core.periods import format_period, last_ended_quarter
from core.permissions import Action, can
from services import imports, quarterly
from services.context import RequestContext


def import_values_page(ctx: RequestContext) -> None:
    st.title("Import values")
    st.write(
        "Add or update many metric values at once from a spreadsheet. Download the template, "
        "fill in your figures, and upload the file. We check every row first and list anything "
        "that needs fixing. Nothing is saved until the file is clean and you press Save. Then "
        "every row is saved together, or none at all."
    )

    region_id, region_name = choose_region(ctx, key="import-region")
    if not can(ctx.actor, Action.EDIT_METRIC_VALUES, region_id):
        st.info(
            f"You can see {escape_markdown(region_name)}'s metrics, but you cannot change their "
            "values. A regional lead or an administrator imports them.",
            icon=":material/lock:",
        )
        st.stop()

    last_quarter = last_ended_quarter(quarterly.today())
    found = imports.import_guide(ctx, region_id, last_quarter)
    template, guide = found.template, found.guide

    st.caption(
        f"The template lists {escape_markdown(region_name)}'s metrics for "
        f"{format_period(last_quarter)}, the last complete quarter. Change the period to import "
        "another quarter, and add rows for groups or other quarters as you need."
        + (" A file may hold values for any region." if ctx.actor.is_national else "")
    )

    def preview(data: bytes, filename: str) -> ImportPreview:
        return imports.preview_values(ctx, data, filename)

    def commit(result: ImportPreview, progress) -> str:
        counts = imports.import_values(ctx, result, progress)
        return f"Saved: {counts.describe('value')}. Each change is in the value's history."

    import_section(
        key="metric-values-import",
        columns_help=column_help(),
        template=template,
        template_name=f"metric-values-{region_name.lower().replace(' ', '-')}",
        preview=preview,
        commit=commit,
        max_bytes=imports.IMPORT_MAX_BYTES,
        about=file_abouts.import_template(
            ctx,
            what="metric values",
            region_name=region_name,
            period=format_period(last_quarter),
        ),
    )

    with st.expander(f"Metric codes and groups for {escape_markdown(region_name)}"):
        if guide.empty:
            st.write("This region has no metrics yet.")
        else:
            st.write(
                "Use these codes in the metric_code column. A metric with a characteristic can "
                "also take one value per group: put the characteristic and the group's name in "
                "their columns."
            )
            st.dataframe(guide, hide_index=True, width="stretch")
            download_buttons(
                guide,
                f"metric-codes-{region_name.lower().replace(' ', '-')}",
                key="guide",
                about=file_abouts.metric_codes(ctx, region_name),
            )


import_values_page(current())
