"""metric value period index

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 01:40:00

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The annual report lists the years with values by hopping along this index."""
    with op.batch_alter_table("metric_value", schema=None) as batch_op:
        batch_op.create_index("ix_metric_value_period", ["period_start"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("metric_value", schema=None) as batch_op:
        batch_op.drop_index("ix_metric_value_period")
