"""Artifacts of the decision loop: one table of artifacts, their links, their audit trail.

Revision ID: 0600
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0600"
down_revision = "0001"
branch_labels = ("artifacts",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "artifacts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False, index=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("author", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True)),
        sa.Column("fields", sa.JSON, nullable=False),
    )
    op.create_table(
        "artifact_links",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "artifact_id", sa.Integer,
            sa.ForeignKey("artifacts.id", ondelete="CASCADE"), nullable=False, index=True,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reference", sa.String(2000), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(255), nullable=False),
        sa.UniqueConstraint("artifact_id", "kind", "reference"),
    )
    op.create_table(
        "artifact_audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "artifact_id", sa.Integer,
            sa.ForeignKey("artifacts.id", ondelete="CASCADE"), index=True,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(255), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("artifact_audit")
    op.drop_table("artifact_links")
    op.drop_table("artifacts")
