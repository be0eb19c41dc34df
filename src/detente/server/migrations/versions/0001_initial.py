"""The workspace's first schema: users, tokens, login failures, negotiations, members, valuations,
proposals, responses and the audit log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("csrf", sa.String(64)),
        sa.Column("expires_at", TZ, nullable=False),
    )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, index=True),
        sa.Column("at", TZ, nullable=False),
    )
    op.create_table(
        "negotiations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("scenario_yaml", sa.Text, nullable=False),
        sa.Column("mediator_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "members",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "negotiation_id", sa.Integer, sa.ForeignKey("negotiations.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("party", sa.String(64)),
        sa.UniqueConstraint("negotiation_id", "user_id"),
    )
    op.create_table(
        "valuations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "negotiation_id", sa.Integer, sa.ForeignKey("negotiations.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("party", sa.String(64), nullable=False),
        sa.Column("values_json", sa.Text, nullable=False),
        sa.Column("reservation", sa.Float, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("negotiation_id", "party"),
    )
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "negotiation_id", sa.Integer, sa.ForeignKey("negotiations.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("choices_json", sa.Text, nullable=False),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "responses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "proposal_id", sa.Integer, sa.ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("party", sa.String(64), nullable=False),
        sa.Column("accept", sa.Boolean, nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.UniqueConstraint("proposal_id", "party"),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("username", sa.String(64)),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("negotiation_id", sa.Integer),
        sa.Column("detail", sa.String(500)),
    )


def downgrade() -> None:
    for table in ("audit", "responses", "proposals", "valuations", "members", "negotiations", "login_failures",
                  "tokens", "users"):  # fmt: skip
        op.drop_table(table)
