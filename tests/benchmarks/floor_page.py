"""The browser benchmark's floor page: one indexed query, a 50-row table and one Altair
chart, served by the same server on the same database as the app's pages
(``tests/benchmarks/browser_app.py`` adds it to the navigation). Every page's time in
the browser is reported as a ratio to this page's, so that a shared, noisy machine
changes both alike. Nothing is cached: each run reads and draws it all again.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from sqlalchemy import select

from components.context import current
from db.models import AuditEvent

ROWS = 50

ctx = current()
st.title("Floor")
# The audit log's newest changes: ix_audit_event_occurred_id, read backwards.
query = (
    select(AuditEvent.id, AuditEvent.occurred_at, AuditEvent.entity_type, AuditEvent.action)
    .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    .limit(ROWS)
)
with ctx.engine.connect() as connection:
    rows = connection.execute(query).all()
frame = pd.DataFrame(rows, columns=["id", "occurred_at", "entity_type", "action"])
st.dataframe(frame, hide_index=True, width="stretch")
st.altair_chart(
    alt.Chart(frame)
    .mark_bar()
    .encode(x=alt.X("count():Q", title="Changes"), y=alt.Y("entity_type:N", title="Kind")),
    width="stretch",
)
