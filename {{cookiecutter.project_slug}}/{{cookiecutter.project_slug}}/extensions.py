"""Extension objects, created unbound here and bound to the app in create_app."""
{%- if not (cookiecutter.use_sqlalchemy or cookiecutter.use_wtf or cookiecutter.use_api) %}

# Create each extension's object here, one per line (e.g. `cache = Cache()`), and
# bind it in register_extensions in __init__.py (`cache.init_app(app)`), as the
# extension's docs show.
{%- else %}
{# blank line #}
{%- if cookiecutter.use_login %}
from collections.abc import Callable

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
{%- endif %}
{%- if cookiecutter.use_mail %}
from flask_mailman import Mail
{%- endif %}
{%- if cookiecutter.use_migrate %}
from flask_migrate import Migrate
{%- endif %}
{%- if cookiecutter.use_api %}
from flask_smorest import Api
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}
from flask_sqlalchemy import SQLAlchemy
{%- endif %}
{%- if cookiecutter.use_wtf %}
from flask_wtf import CSRFProtect
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}
from sqlalchemy import MetaData, String
from sqlalchemy.orm import DeclarativeBase, registry

# Name constraints by a fixed rule, so every database gives them the same names.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every model: SQLAlchemy 2 typed declarative mapping."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        # A `Mapped[str]` without a type of its own: MySQL's VARCHAR needs a
        # length, so give one (write String(n) or Text where another size fits).
        # Here, not as Base.type_annotation_map, which Flask-SQLAlchemy 3.1 refuses.
        type_annotation_map={str: String(255)},
    )
{%- if cookiecutter.database == "mysql" %}
    # Four-byte UTF-8 (accents, CJK, emoji) whatever the server's default charset.
    __table_args__ = {"mysql_charset": "utf8mb4"}
{%- endif %}
{# blank line #}
{%- endif %}
{# blank line #}
{%- if cookiecutter.use_sqlalchemy %}
db = SQLAlchemy(model_class=Base)
{%- endif %}
{%- if cookiecutter.use_migrate %}
migrate = Migrate()
{%- endif %}
{%- if cookiecutter.use_login %}
login_manager = LoginManager()
# Flask-Login has no annotations: pyright would guess None for login_view's type.
login_manager.login_view = "auth.login"  # pyright: ignore[reportAttributeAccessIssue]
login_manager.session_protection = "basic"
# Counts requests per client address. Only views that ask for a limit have one
# (the login POST), unless FLASK_RATELIMIT_DEFAULT sets one for every view.
limiter = Limiter(get_remote_address)
{%- endif %}
{%- if cookiecutter.use_mail %}
mail = Mail()
{%- endif %}
{%- if cookiecutter.use_wtf %}
csrf = CSRFProtect()
{%- endif %}
{%- if cookiecutter.use_api %}
api = Api()
{%- endif %}
{%- if cookiecutter.use_login %}


def limit_from(setting: str) -> Callable[[], str]:
    """A limit for @limiter.limit: the setting, read again at each request."""
    return lambda: str(current_app.config[setting])
{%- endif %}
{%- endif %}
