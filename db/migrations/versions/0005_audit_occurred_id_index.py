"""audit occurred_at, id index

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 02:20:00

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The audit log lists events newest first by time and id: an import writes
    thousands of events with the same time, and with an index on the time alone the
    database sorted all of them to show the newest 500."""
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_occurred_id", ["occurred_at", "id"], unique=False)
        batch_op.drop_index("ix_audit_event_occurred_at")


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_occurred_at", ["occurred_at"], unique=False)
        batch_op.drop_index("ix_audit_event_occurred_id")
