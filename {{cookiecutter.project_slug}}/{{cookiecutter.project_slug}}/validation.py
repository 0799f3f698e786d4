"""Checks of the text that users send, shared by every view that takes some."""

# Tab and line breaks may appear in what users type; no other control character.
ALLOWED_CONTROLS = "\t\n\r"


def has_control_characters(text: str, allowed: str = ALLOWED_CONTROLS) -> bool:
    """True when `text` holds NUL, an escape code or another control character.

    Databases choke on some (PostgreSQL refuses NUL) and terminals obey others.
    """
    return any((ord(c) < 32 or ord(c) == 127) and c not in allowed for c in text)
{%- if cookiecutter.use_login %}


def normalize_email(email: str) -> str:
    """Compare emails without regard to surrounding spaces or letter case."""
    return email.strip().lower()
{%- endif %}
