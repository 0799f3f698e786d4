"""Join the "api" and "mail" branches, so the project has one head.

Revision ID: 0003_api_mail
Revises: api_0001, mail_0001

It exists only when both options are chosen, and arrives with the second of
them, in whichever order they were added.
"""

# Revision identifiers, used by Alembic.
revision = "0003_api_mail"
down_revision = ("api_0001", "mail_0001")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: a merge point."""


def downgrade() -> None:
    """Nothing to change: a merge point."""
