"""Themes: themes, evidence-to-theme assignments, and people's edits.

Revision ID: 0500
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0500"
down_revision = "0001"
branch_labels = ("themes",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "themes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("renamed", sa.String(200)),
        sa.Column("origin", sa.String(8), nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("themes.id")),
        sa.Column("active", sa.Boolean, nullable=False, index=True),
        sa.Column("keywords", sa.JSON, nullable=False),
        sa.Column("quotes", sa.JSON, nullable=False),
        sa.Column("centroid", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "theme_assignments",
        sa.Column(
            "evidence_id", sa.Integer, sa.ForeignKey("evidence.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("theme_id", sa.Integer, sa.ForeignKey("themes.id"), index=True),
        sa.Column("similarity", sa.Float, nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "theme_edits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("theme_id", sa.Integer, sa.ForeignKey("themes.id"), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("author", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("theme_edits")
    op.drop_table("theme_assignments")
    op.drop_table("themes")
