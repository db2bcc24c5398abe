"""Themes: topics (groups of themes, stored when themes are built) and each theme's topic.

Revision ID: 0501
Revises: 0500
"""

import sqlalchemy as sa
from alembic import op

revision = "0501"
down_revision = "0500"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "theme_topics",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("keywords", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("themes") as table:
        table.add_column(sa.Column("topic_id", sa.Integer))


def downgrade() -> None:
    with op.batch_alter_table("themes") as table:
        table.drop_column("topic_id")
    op.drop_table("theme_topics")
