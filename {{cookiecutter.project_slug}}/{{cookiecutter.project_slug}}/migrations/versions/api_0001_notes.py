"""The API's tables, for a database made before the API was chosen.

Revision ID: api_0001
Revises: 0002

The first revision of the "api" branch: it arrives with the option, also when it
is added to a project later (cruft update --variables-to-update). On a database
whose 0001 already made these tables it finds them there and does nothing.
"""

import sqlalchemy as sa
from alembic import op

# Revision identifiers, used by Alembic.
revision = "api_0001"
down_revision = "0002"
branch_labels = ("api",)
depends_on = None


def upgrade() -> None:
    """Create the API's tables and columns where they are missing."""
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table("notes"):
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
    elif "owner_id" not in column_names(inspector, "notes"):
        give_notes_owners()
    if "api_token_hash" in column_names(inspector, "users"):
        # Before 2026-11-30 a user had one token, in this column; tokens now
        # live in api_tokens (several per user, with expiry). Old ones end here.
        with op.batch_alter_table("users") as batch:
            batch.drop_constraint(op.f("uq_users_api_token_hash"), type_="unique")
            batch.drop_column("api_token_hash")
    if not inspector.has_table("api_tokens"):
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


def column_names(inspector: sa.Inspector, table: str) -> set[str]:
    """The names of the columns `table` has now."""
    return {column["name"] for column in inspector.get_columns(table)}


def give_notes_owners() -> None:
    """Add notes.owner_id to notes made before notes had owners (2026-11-30).

    Each existing note goes to the first user; with notes but no user there is
    nobody to give them to, and the migration stops rather than drop them.
    """
    connection = op.get_bind()
    notes = connection.execute(sa.text("SELECT COUNT(*) FROM notes")).scalar()
    first_user = connection.execute(sa.text("SELECT MIN(id) FROM users")).scalar()
    if notes and first_user is None:
        raise RuntimeError(
            "notes have no owner column yet and there is no user to own them:"
            " register one at /auth/register, then run flask db upgrade again"
        )
    with op.batch_alter_table("notes") as batch:
        batch.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
    connection.execute(
        sa.text("UPDATE notes SET owner_id = :owner"), {"owner": first_user}
    )
    with op.batch_alter_table("notes") as batch:
        batch.alter_column("owner_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            op.f("fk_notes_owner_id_users"),
            "users",
            ["owner_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index(op.f("ix_notes_owner_id"), ["owner_id"], unique=False)
{%- endif %}


def downgrade() -> None:
    """Nothing: 0001's downgrade drops the API's tables with the rest."""
