"""bi-annual reviews and good practice

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 01:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "biannual_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("half_start", sa.Date(), nullable=False),
        sa.Column("went_well", sa.Text(), nullable=False),
        sa.Column("not_well", sa.Text(), nullable=False),
        sa.Column("evaluation", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_biannual_review_region_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_biannual_review")),
        sa.UniqueConstraint("region_id", "half_start", name=op.f("uq_biannual_review_region_id")),
    )
    with op.batch_alter_table("biannual_review", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_biannual_review_region_id"), ["region_id"], unique=False
        )

    op.create_table(
        "good_practice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("what_was_done", sa.Text(), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("added_by", sa.String(length=120), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["biannual_review.id"],
            name=op.f("fk_good_practice_review_id_biannual_review"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_good_practice")),
    )
    with op.batch_alter_table("good_practice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_good_practice_review_id"), ["review_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("good_practice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_good_practice_review_id"))
    op.drop_table("good_practice")
    with op.batch_alter_table("biannual_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_biannual_review_region_id"))
    op.drop_table("biannual_review")
