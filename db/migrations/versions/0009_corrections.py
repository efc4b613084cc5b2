"""corrections: withdrawn values, retired metrics, deleted records

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 01:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("parent_type", sa.String(length=40), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("made_by_id", sa.Integer(), nullable=True),
        sa.Column("made_by", sa.String(length=120), nullable=False),
        sa.Column("made_by_role", sa.String(length=30), nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["made_by_id"], ["app_user.id"], name=op.f("fk_correction_made_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_correction_region_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction")),
    )
    with op.batch_alter_table("correction", schema=None) as batch_op:
        batch_op.create_index("ix_correction_entity", ["entity_type", "entity_id"], unique=False)
        batch_op.create_index("ix_correction_parent", ["parent_type", "parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_correction_region_id"), ["region_id"], unique=False)
    # A plain ADD COLUMN (SQLite has it): a batch copy of the metric table would break
    # the foreign keys that point at it. Metrics retired before this keep no date.
    op.add_column("metric", sa.Column("retired_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("metric", schema=None) as batch_op:
        batch_op.drop_column("retired_at")
    with op.batch_alter_table("correction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_correction_region_id"))
        batch_op.drop_index("ix_correction_parent")
        batch_op.drop_index("ix_correction_entity")
    op.drop_table("correction")
