"""Jinja filters that put free-text answers safely into TOML, HTML and Markdown."""

import unicodedata

from jinja2.ext import Extension
from markupsafe import escape

# Characters that would start code, raw HTML or an entity in Markdown, or escape
# the next character.
MARKDOWN_SPECIAL = "\\`<>&"


def toml_string(value):
    """Quote `value` as a TOML basic string, every character kept as itself.

    Unlike `tojson`, it never writes a character outside the BMP as a pair of
    surrogate escapes, which TOML refuses.
    """
    out = []
    for char in str(value):
        if char in '"\\':
            out.append("\\" + char)
        elif unicodedata.category(char) == "Cc":
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def html_text(value):
    """Escape `value` for HTML that Flask's Jinja renders again at run time.

    Braces become character references, so `{{` or `{%` in a project name reaches
    the browser as text instead of being run as a Jinja tag by the app.
    """
    return str(escape(value)).replace("{", "&#123;").replace("}", "&#125;")


def markdown_text(value):
    """Backslash-escape the characters that would start code, HTML or an entity."""
    return "".join("\\" + c if c in MARKDOWN_SPECIAL else c for c in str(value))


class SafeTextExtension(Extension):
    """Adds the filters toml_string, html_text and markdown_text."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.filters.update(
            toml_string=toml_string, html_text=html_text, markdown_text=markdown_text
        )
