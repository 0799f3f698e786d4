"""Catch up: the tables 0001 gained after it first shipped.

Revision ID: 0002
Revises: 0001

Projects baked before 2026-11-30 ran an earlier 0001 that lacked them; on a
database built by today's 0001 this revision finds them there and does nothing.
"""

{%- if cookiecutter.use_login %}

import sqlalchemy as sa
from alembic import op
{%- endif %}

# Revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create what an earlier 0001 did not, where it is missing."""
{%- if cookiecutter.use_login %}
    if sa.inspect(op.get_bind()).has_table("user_sessions"):
        return
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
{%- if cookiecutter.database == "mysql" %}
        mysql_charset="utf8mb4",
{%- endif %}
    )
    op.create_index(
        op.f("ix_user_sessions_user_id"), "user_sessions", ["user_id"], unique=False
    )
{%- endif %}


def downgrade() -> None:
    """Nothing: 0001's downgrade drops these tables with the rest."""
