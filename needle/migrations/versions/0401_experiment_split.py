"""Experiments: the planned traffic split, for the sample-ratio check.

Revision ID: 0401
Revises: 0400
"""

import sqlalchemy as sa
from alembic import op

revision = "0401"
down_revision = "0400"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("experiments") as table:
        table.add_column(sa.Column("split", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("experiments") as table:
        table.drop_column("split")
