"""Login throttling per client address: ``login_failures.source``.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("login_failures") as batch:
        batch.add_column(sa.Column("source", sa.String(64), nullable=False, server_default=""))
        batch.create_index("ix_login_failures_source", ["source"])


def downgrade() -> None:
    with op.batch_alter_table("login_failures") as batch:
        batch.drop_index("ix_login_failures_source")
        batch.drop_column("source")
