"""The implementation ledger in the workspace: delegations' public keys and the ledger's lines.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "party_keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "negotiation_id", sa.Integer, sa.ForeignKey("negotiations.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("party", sa.String(64), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.UniqueConstraint("negotiation_id", "party"),
    )
    op.create_table(
        "ledger_lines",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "negotiation_id", sa.Integer, sa.ForeignKey("negotiations.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("line", sa.Text, nullable=False),
        sa.UniqueConstraint("negotiation_id", "idx"),
    )


def downgrade() -> None:
    op.drop_table("ledger_lines")
    op.drop_table("party_keys")
