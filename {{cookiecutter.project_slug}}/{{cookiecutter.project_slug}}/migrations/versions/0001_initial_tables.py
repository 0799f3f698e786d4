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


def upgrade() -> None:
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
{%- if cookiecutter.use_login %}
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
{%- if cookiecutter.use_mail %}
        sa.Column("email_confirmed_at", sa.DateTime(timezone=True), nullable=True),
{%- endif %}
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
{%- if cookiecutter.database == "mysql" %}
        mysql_charset="utf8mb4",
{%- endif %}
    )
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
{%- if cookiecutter.use_api %}
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
{%- if cookiecutter.use_login %}
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_notes_owner_id_users"),
            ondelete="CASCADE",
        ),
{%- endif %}
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
        sa.UniqueConstraint("title", name=op.f("uq_notes_title")),
{%- if cookiecutter.database == "mysql" %}
        mysql_charset="utf8mb4",
{%- endif %}
    )
{%- if cookiecutter.use_login %}
    op.create_index(op.f("ix_notes_owner_id"), "notes", ["owner_id"], unique=False)
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_api_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
{%- if cookiecutter.database == "mysql" %}
        mysql_charset="utf8mb4",
{%- endif %}
    )
    op.create_index(
        op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"], unique=False
    )
{%- endif %}
{%- endif %}


def downgrade() -> None:
    """Drop the tables of models.py."""
{%- if cookiecutter.use_api and cookiecutter.use_login %}
    op.drop_table("api_tokens")
{%- endif %}
{%- if cookiecutter.use_api %}
    op.drop_table("notes")
{%- endif %}
{%- if cookiecutter.use_login %}
    op.drop_table("user_sessions")
    op.drop_table("users")
{%- endif %}
    op.drop_table("messages")
