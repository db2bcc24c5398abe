"""Capture: feature flags, served to the product's SDKs by PostHog's rules.

Revision ID: 0700
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0700"
down_revision = "0001"
branch_labels = ("flags",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feature_flags",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(400), nullable=False, unique=True),
        sa.Column("variants", sa.JSON, nullable=False),
        sa.Column("rollout", sa.Float, nullable=False),
        sa.Column("conditions", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("author", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("feature_flags")
