"""Checks of the text that users send, shared by every view that takes some."""

import re

# No control character but tab and line breaks, which users type: databases
# choke on some (PostgreSQL refuses NUL) and terminals obey others. A pattern,
# so that a schema can publish the rule as well as apply it.
PRINTABLE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def has_control_characters(text: str) -> bool:
    """True when `text` holds NUL, an escape code or another control character."""
    return re.match(PRINTABLE, text) is None
{%- if cookiecutter.use_login %}


def normalize_email(email: str) -> str:
    """Compare emails without regard to surrounding spaces or letter case."""
    return email.strip().lower()
{%- endif %}
