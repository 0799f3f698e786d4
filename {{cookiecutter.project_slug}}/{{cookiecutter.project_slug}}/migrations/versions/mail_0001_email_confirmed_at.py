"""users.email_confirmed_at, for a database made before mail was chosen.

Revision ID: mail_0001
Revises: 0002

The first revision of the "mail" branch: it arrives with the option, also when it
is added to a project later (cruft update --variables-to-update). On a database
whose 0001 already made the column it finds it there and does nothing.
"""

import sqlalchemy as sa
from alembic import op

# Revision identifiers, used by Alembic.
revision = "mail_0001"
down_revision = "0002"
branch_labels = ("mail",)
depends_on = None


def upgrade() -> None:
    """Add the column where it is missing; existing users start unconfirmed."""
    columns = sa.inspect(op.get_bind()).get_columns("users")
    if "email_confirmed_at" in {column["name"] for column in columns}:
        return
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("email_confirmed_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    """Nothing: 0001's downgrade drops the users table with the column."""
