"""Experiments: definitions with their hypothesis and decision rule, locked at first read.

Revision ID: 0400
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0400"
down_revision = "0001"
branch_labels = ("experiments",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "experiments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("exposure_event", sa.String(255), nullable=False),
        sa.Column("variant_property", sa.String(255), nullable=False),
        sa.Column("exposure_filters", sa.JSON, nullable=False),
        sa.Column("control", sa.String(255)),
        sa.Column("metrics", sa.JSON, nullable=False),
        sa.Column("hypothesis", sa.Text, nullable=False),
        sa.Column("decision_rule", sa.Text, nullable=False),
        sa.Column("alpha", sa.Float, nullable=False),
        sa.Column("correction", sa.String(16), nullable=False),
        sa.Column("sequential_tuning", sa.Float),
        sa.Column("mde", sa.Float, nullable=False),
        sa.Column("author", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("experiments")
