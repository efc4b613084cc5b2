"""organisation-wide actions, confirmed theme tags, regions' project aims, plan titles

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 10:00:00

"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The plan's actions kept once for the whole organisation (the Board champion, the
#: Ethnicity Pay Gap report and the EDI Strategic Plan).
ORGANISATION_WIDE = ("LG1", "WF2", "WF3")

#: Titles the first seed gave that change the plan's meaning: code, old, new.
TITLES = (
    (
        "SD3",
        "Use feedback from ICBs, councils and culturally appropriate advocacy",
        "Work closely with councils, ICBs and ICSs; use feedback from culturally "
        "appropriate advocacy services",
    ),
    (
        "MH2",
        "AMHE Plan in Operations plans, with 3 place-based projects",
        "AMHE Plan in Operations plans, with at least three place-based projects",
    ),
)

WHO = "system (migration 0007)"


def upgrade() -> None:
    # Plain ADD COLUMNs (SQLite has them): a batch copy of plan_action or region would
    # break the foreign keys that point at them.
    op.add_column(
        "plan_action",
        sa.Column("organisation_wide", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("plan_action", sa.Column("themes_confirmed_at", sa.DateTime(), nullable=True))
    op.add_column("plan_action", sa.Column("themes_confirmed_by", sa.String(80), nullable=True))
    op.add_column("region", sa.Column("project_aim", sa.Integer(), nullable=True))

    action = sa.table(
        "plan_action",
        sa.column("id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("region_id", sa.Integer),
        sa.column("title", sa.String),
        sa.column("organisation_wide", sa.Boolean),
    )
    audit = sa.table(
        "audit_event",
        sa.column("occurred_at", sa.DateTime),
        sa.column("user_id", sa.Integer),
        sa.column("username", sa.String),
        sa.column("entity_type", sa.String),
        sa.column("entity_id", sa.Integer),
        sa.column("region_id", sa.Integer),
        sa.column("action", sa.String),
        sa.column("before", sa.JSON),
        sa.column("after", sa.JSON),
        sa.column("reason", sa.Text),
    )
    connection = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    events = []

    # The national actions the plan keeps once. Regions' earlier copies of them keep
    # their rows and history; the app no longer counts them in the region's plan.
    marked = connection.execute(
        sa.select(action.c.id).where(
            action.c.region_id.is_(None), action.c.code.in_(ORGANISATION_WIDE)
        )
    ).all()
    for (action_id,) in marked:
        events.append(
            {
                "entity_id": action_id,
                "region_id": None,
                "action": "update",
                "before": {"organisation_wide": False},
                "after": {"organisation_wide": True},
                "reason": "The plan keeps this action once for the whole organisation.",
            }
        )
    if marked:
        connection.execute(
            action.update()
            .where(action.c.id.in_([r[0] for r in marked]))
            .values(organisation_wide=True)
        )

    # Titles that changed the plan's meaning, wherever they are still the seed's words.
    for code, old, new in TITLES:
        rows = connection.execute(
            sa.select(action.c.id, action.c.region_id).where(
                action.c.code == code, action.c.title == old
            )
        ).all()
        for action_id, region_id in rows:
            events.append(
                {
                    "entity_id": action_id,
                    "region_id": region_id,
                    "action": "update",
                    "before": {"title": old},
                    "after": {"title": new},
                    "reason": "The title now says what the plan says.",
                }
            )
        if rows:
            connection.execute(
                action.update().where(action.c.id.in_([r[0] for r in rows])).values(title=new)
            )

    if events:
        connection.execute(
            audit.insert(),
            [
                {
                    "occurred_at": now,
                    "user_id": None,
                    "username": WHO,
                    "entity_type": "plan_action",
                    **event,
                }
                for event in events
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("region", schema=None) as batch_op:
        batch_op.drop_column("project_aim")
    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.drop_column("themes_confirmed_by")
        batch_op.drop_column("themes_confirmed_at")
        batch_op.drop_column("organisation_wide")
