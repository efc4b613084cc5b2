"""SPC recalculation points

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 02:50:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "spc_recalculation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("metric_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["metric_id"], ["metric.id"], name=op.f("fk_spc_recalculation_metric_id_metric")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spc_recalculation")),
        sa.UniqueConstraint(
            "metric_id", "period_start", name=op.f("uq_spc_recalculation_metric_id")
        ),
    )
    with op.batch_alter_table("spc_recalculation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_spc_recalculation_metric_id"), ["metric_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("spc_recalculation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spc_recalculation_metric_id"))
    op.drop_table("spc_recalculation")
