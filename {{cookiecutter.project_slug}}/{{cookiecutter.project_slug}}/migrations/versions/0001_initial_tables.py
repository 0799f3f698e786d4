"""Initial tables.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

# Revision identifiers, used by Alembic.
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    """Create the tables of models.py."""
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=80), nullable=False),
        sa.Column("body", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
{%- if cookiecutter.database == "mysql" %}
        mysql_charset="utf8mb4",
{%- endif %}
    )
{%- if cookiecutter.use_api %}
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
        sa.UniqueConstraint("title", name=op.f("uq_notes_title")),
    )
{%- endif %}
{%- if cookiecutter.use_login %}
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
{%- if cookiecutter.use_api %}
        sa.Column("api_token_hash", sa.String(length=64), nullable=True),
{%- endif %}
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
{%- if cookiecutter.use_api %}
        sa.UniqueConstraint("api_token_hash", name=op.f("uq_users_api_token_hash")),
{%- endif %}
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
{%- if cookiecutter.database == "mysql" %}
        mysql_charset="utf8mb4",
{%- endif %}
    )
{%- endif %}


def downgrade():
    """Drop the tables of models.py."""
{%- if cookiecutter.use_login %}
    op.drop_table("users")
{%- endif %}
{%- if cookiecutter.use_api %}
    op.drop_table("notes")
{%- endif %}
    op.drop_table("messages")
