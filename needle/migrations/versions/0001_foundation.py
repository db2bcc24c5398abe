"""Foundation: customer evidence with full-text search.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = ("foundation",)
depends_on = None

_FTS = [
    "CREATE VIRTUAL TABLE evidence_fts USING fts5("
    "text, customer, content='evidence', content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER evidence_ai AFTER INSERT ON evidence BEGIN "
    "INSERT INTO evidence_fts(rowid, text, customer) VALUES (new.id, new.text, new.customer); END",
    "CREATE TRIGGER evidence_ad AFTER DELETE ON evidence BEGIN "
    "INSERT INTO evidence_fts(evidence_fts, rowid, text, customer) "
    "VALUES ('delete', old.id, old.text, old.customer); END",
    "CREATE TRIGGER evidence_au AFTER UPDATE ON evidence BEGIN "
    "INSERT INTO evidence_fts(evidence_fts, rowid, text, customer) "
    "VALUES ('delete', old.id, old.text, old.customer); "
    "INSERT INTO evidence_fts(rowid, text, customer) VALUES (new.id, new.text, new.customer); END",
]

# PostgreSQL's full-text search of evidence (needle.evidence.search) uses this expression.
_PG_SEARCH = (
    "CREATE INDEX evidence_text_search ON evidence USING gin (to_tsvector('english', text))"
)


def upgrade() -> None:
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False, index=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("customer", sa.String(255), index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), index=True),
        sa.Column("source", sa.String(1024), nullable=False),
        sa.Column("source_id", sa.String(255)),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("meta", sa.JSON, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        for statement in _FTS:
            op.execute(statement)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_SEARCH)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE evidence_fts")
    op.drop_table("evidence")
