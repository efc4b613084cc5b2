"""metric counts_people

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 18:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: National core metrics whose counts are not people: partnership agreements, partner
#: organisations, coproduction sessions and co-learning events.
NOT_PEOPLE = ("PW01", "PW02", "CP01", "CL01")


def upgrade() -> None:
    """Whether a metric counts people (disclosure control hides or rounds those counts
    below national level). Every existing metric is taken to count people, the safe
    reading, except the national core metrics that count events, agreements or
    organisations."""
    # A plain ADD COLUMN (SQLite has it): a batch copy of the table would break the
    # foreign keys that point at it.
    op.add_column(
        "metric",
        sa.Column("counts_people", sa.Boolean(), server_default=sa.true(), nullable=False),
    )
    metric = sa.table(
        "metric",
        sa.column("code", sa.String),
        sa.column("scope", sa.String),
        sa.column("counts_people", sa.Boolean),
    )
    op.execute(
        metric.update()
        .where(metric.c.code.in_(NOT_PEOPLE), metric.c.scope == "national")
        .values(counts_people=False)
    )


def downgrade() -> None:
    with op.batch_alter_table("metric", schema=None) as batch_op:
        batch_op.drop_column("counts_people")
