"""Analytics: dashboards, each an ordered list of saved insights.

Revision ID: 0301
Revises: 0300
"""

import sqlalchemy as sa
from alembic import op

revision = "0301"
down_revision = "0300"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dashboards",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("author", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "dashboard_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dashboard_id", sa.Integer,
                  sa.ForeignKey("dashboards.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("insight_id", sa.Integer,
                  sa.ForeignKey("insights.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("dashboard_id", "insight_id"),
    )


def downgrade() -> None:
    op.drop_table("dashboard_items")
    op.drop_table("dashboards")
