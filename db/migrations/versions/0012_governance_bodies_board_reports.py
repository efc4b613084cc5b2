"""national governance bodies, their meetings, and board reports as issued

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 05:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The bodies the AMHE plan reports to (LG1), loaded into every database: they are
#: the plan's own governance, not demo data. National leads may add others.
BODIES = (
    (
        "practice_forum",
        "AMHE Practice Forum",
        "The national forum where regions share practice and learning on the AMHE Plan.",
        1,
    ),
    (
        "equity_inclusion_board",
        "Equity and Inclusion Board",
        "Oversees the charity's work on equity, diversity and inclusion, including PCREF.",
        2,
    ),
    (
        "board_of_trustees",
        "Board of Trustees",
        "The charity's trustees, accountable for the AMHE Plan as a whole.",
        3,
    ),
    (
        "race_equality_programme_board",
        "Race Equality Programme Board",
        "Steers the race equality programme and the plan's delivery (LG1).",
        4,
    ),
)


def upgrade() -> None:
    body = op.create_table(
        "governance_body",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("sort_order", sa.Integer(), server_default="0", nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_body")),
        sa.UniqueConstraint("code", name=op.f("uq_governance_body_code")),
    )
    op.bulk_insert(
        body,
        [
            {"code": c, "name": n, "description": d, "sort_order": o, "active": True}
            for c, n, d, o in BODIES
        ],
    )
    with op.batch_alter_table("forum_meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_id", sa.Integer(), nullable=True))
        batch_op.alter_column("region_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_forum_meeting_body_id_governance_body"),
            "governance_body",
            ["body_id"],
            ["id"],
        )
        batch_op.create_index("ix_forum_meeting_body_date", ["body_id", "meeting_date"])

    op.create_table(
        "board_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_kind", sa.String(length=10), nullable=False),
        sa.Column("exceptions", sa.JSON(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("html_sha256", sa.String(length=64), nullable=False),
        sa.Column("issued_by", sa.String(length=120), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["governance_body.id"],
            name=op.f("fk_board_report_body_id_governance_body"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["forum_meeting.id"],
            name=op.f("fk_board_report_meeting_id_forum_meeting"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_report")),
    )
    with op.batch_alter_table("board_report", schema=None) as batch_op:
        batch_op.create_index("ix_board_report_body_issued", ["body_id", "issued_at"])


def downgrade() -> None:
    with op.batch_alter_table("board_report", schema=None) as batch_op:
        batch_op.drop_index("ix_board_report_body_issued")
    op.drop_table("board_report")
    # National bodies' meetings have no region: they go with their bodies.
    op.execute(
        "DELETE FROM meeting_decision WHERE meeting_id IN "
        "(SELECT id FROM forum_meeting WHERE body_id IS NOT NULL)"
    )
    op.execute("DELETE FROM forum_meeting WHERE body_id IS NOT NULL")
    with op.batch_alter_table("forum_meeting", schema=None) as batch_op:
        batch_op.drop_index("ix_forum_meeting_body_date")
        batch_op.drop_constraint(
            batch_op.f("fk_forum_meeting_body_id_governance_body"), type_="foreignkey"
        )
        batch_op.alter_column("region_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("body_id")
    op.drop_table("governance_body")
