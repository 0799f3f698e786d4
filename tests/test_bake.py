"""Bake every valid answer set and check the project; refuse the others.

Every valid set (tests/support/combinations.py) is baked once in this process and
checked as a batch: pruned, lint-clean, compiled, importable, its tests collected.
The pairwise sets also run their own test suites and type checkers.

The quick loop (-m quick) takes a representative part of each: the valid sets of
a pairwise cover of the code options, the default's and the fullest's own suites,
the fullest's type checks; the others are marked slow and run in the full suite.
"""

import datetime
import functools

import pytest
from cookiecutter.exceptions import FailedHookException

from tests.support.baking import TEMPLATE
from tests.support.baking import answers
from tests.support.baking import bake
from tests.support.baking import load_hook
from tests.support.combinations import CODE_PAIRWISE
from tests.support.combinations import PAIRWISE_SUITES
from tests.support.combinations import UNSUPPORTED_COMBINATIONS
from tests.support.combinations import VALID_SETS
from tests.support.combinations import code_key
from tests.support.combinations import valid_sets
from tests.support.machine import PYTHON
from tests.support.machine import ruff
from tests.support.machine import run

# Text that must not appear anywhere in a project whose option is off.
FORBIDDEN_TEXT = {
    "use_sqlalchemy": ("sqlalchemy", "database_url"),
    "use_migrate": ("flask_migrate", "flask-migrate", "alembic", "migrations"),
    "use_login": ("flask_login", "flask-login", "login_manager", "/auth/"),
    "use_wtf": ("flask_wtf", "flask-wtf", "wtforms", "csrf"),
    "use_docker": ("dockerfile", "compose.yaml"),
    "use_debugtoolbar": ("debugtoolbar", "debug_tb"),
    "use_api": ("flask_smorest", "flask-smorest", "marshmallow", "/api/", "openapi"),
    "use_celery": ("celery", "redis://", "redis_url"),
    "use_kubernetes": ("kubectl", "deploy/kubernetes", "readinessprobe"),
    "use_mail": ("flask_mailman", "flask-mailman", "mail_server", "email_confirmed"),
    "use_observability": (
        "observability",
        "prometheus",
        "opentelemetry",
        "otel_",
        "sentry",
        "request_id",
        "metrics_bind",
    ),
}
DRIVERS = {"postgresql": "psycopg", "mysql": "pymysql"}
LICENSE_MARKERS = {
    "MIT": "MIT License",
    "BSD-3-Clause": "BSD 3-Clause License",
    "Apache-2.0": "Apache License",
    "Proprietary": "All rights reserved.",
}


@functools.cache
def manifest():
    """The pruning manifest of the post-generation hook, rendered for the defaults."""
    return load_hook("post_gen_project").MANIFEST


SLOW = pytest.mark.slow


def slow_but(params, *quick):
    """`params` with those at the indices `quick` in the quick loop, the others slow.

    Index 0 of a pairwise cover is the default, index 1 the fullest.
    """
    return [
        param
        if index in quick
        else pytest.param(*param.values, id=param.id, marks=SLOW)
        for index, param in enumerate(params)
    ]


QUICK_CODE = {code_key(param.values[0]) for param in CODE_PAIRWISE}
# Each valid set by its index; those whose code is not one of CODE_PAIRWISE's are
# slow, so the quick loop bakes a pairwise cover of the code options.
VALID_INDICES = [
    pytest.param(
        index,
        id=param.id,
        marks=() if code_key(param.values[0]) in QUICK_CODE else SLOW,
    )
    for index, param in enumerate(VALID_SETS)
]
# The same split for the checks that take many projects at once: each set once.
VALID_GROUPS = [
    pytest.param([p.values[0] for p in VALID_INDICES if not p.marks], id="quick"),
    pytest.param(
        [p.values[0] for p in VALID_INDICES if p.marks], id="slow", marks=SLOW
    ),
]


def bake_with_cookies(cookies, choices):
    """Bake `choices` with pytest-cookies, the plugin's way: (path, answers)."""
    result = cookies.bake(extra_context=choices)
    assert result.exit_code == 0, result.exception
    return result.project_path, answers(choices)


@pytest.fixture(params=slow_but(PAIRWISE_SUITES, 0, 1))
def baked(request, cookies):
    """A project baked from one pairwise set of distinct code: (path, answers)."""
    return bake_with_cookies(cookies, request.param)


# The fullest code is the one type check of the quick loop: it holds the most code.
@pytest.fixture(params=slow_but(CODE_PAIRWISE, 1))
def baked_code(request, cookies):
    """A project baked from one pairwise set of the code options: (path, answers)."""
    return bake_with_cookies(cookies, request.param)


@pytest.fixture(scope="session")
def valid_set(tmp_path_factory):
    """valid_set(index): that valid set, baked on first use: (path, answers)."""
    root = tmp_path_factory.mktemp("every-valid-set")
    baked = {}

    def bake_once(index):
        if index not in baked:
            options = valid_sets()[index]
            baked[index] = (bake(root / f"{index:03d}", **options), answers(options))
        return baked[index]

    return bake_once


# The tests of every valid set share one worker, which bakes each set once.
every_set = pytest.mark.xdist_group("every-valid-set")


def project_files(project):
    """Every file of a baked project, with its text."""
    return {
        path: path.read_text(errors="replace")
        for path in project.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


@every_set
@pytest.mark.parametrize("index", VALID_INDICES)
def test_bake_is_complete_and_pruned(valid_set, index):
    project, context = valid_set(index)
    files = project_files(project)
    leftovers = [str(p) for p, text in files.items() if "cookiecutter." in text]
    assert leftovers == []
    slug = context["project_slug"]
    owners = load_hook("post_gen_project").owned_paths(manifest(), slug)
    for path, keepers in owners.items():
        # A path also needs the options of every owned folder it sits in.
        for folder, folder_keepers in owners.items():
            if path.startswith(folder + "/"):
                keepers = keepers + folder_keepers
        chosen = all(context[option] == answer for option, answer in keepers)
        assert (project / path).exists() == chosen, path
    assert [p for p in project.rglob("*") if p.is_dir() and not any(p.iterdir())] == []
    everything = "\n".join(files.values()).lower() + "\n".join(map(str, files)).lower()
    for option, words in FORBIDDEN_TEXT.items():
        if not context[option]:
            assert [w for w in words if w in everything] == [], option
    for database, driver in DRIVERS.items():
        wanted = context["use_sqlalchemy"] and context["database"] == database
        assert (driver in everything) == wanted, driver
    license_text = (project / "LICENSE").read_text()
    assert LICENSE_MARKERS[context["license"]] in license_text
    assert str(datetime.date.today().year) in license_text


@every_set
@pytest.mark.parametrize("indices", VALID_GROUPS)
def test_every_valid_set_is_lint_clean(valid_set, indices):
    # One ruff run over the projects: each file takes the settings of its own
    # project's pyproject.toml, as `ruff check .` inside the project would.
    projects = [str(valid_set(index)[0]) for index in indices]
    check = run([*ruff(), "check", "--no-cache", *projects], cwd=TEMPLATE)
    assert check.returncode == 0, check.stdout[-6000:] + check.stderr
    style = run([*ruff(), "format", "--check", "--no-cache", *projects], cwd=TEMPLATE)
    assert style.returncode == 0, style.stdout[-6000:] + style.stderr


@every_set
@pytest.mark.parametrize("indices", VALID_GROUPS)
def test_every_valid_set_compiles_imports_and_collects(valid_set, indices):
    projects = [str(valid_set(index)[0]) for index in indices]
    checked = run(
        [PYTHON, "-m", "tests.support.project_checks", *projects], cwd=TEMPLATE
    )
    assert checked.returncode == 0, checked.stdout[-8000:] + checked.stderr[-2000:]
    assert f"{len(projects)} of {len(projects)} projects passed" in checked.stdout


def test_bake_passes_its_own_tests(baked):
    project, _ = baked
    tests = run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory):
    """One mypy cache per test process: bakes share the installed packages' part."""
    return tmp_path_factory.mktemp("mypy-cache")


def test_bake_type_checks(baked_code, mypy_cache):
    project, _ = baked_code
    # mypy as the project configures it (strict, in pyproject.toml), then pyright.
    mypy = run([PYTHON, "-m", "mypy", "--cache-dir", str(mypy_cache)], cwd=project)
    assert mypy.returncode == 0, mypy.stdout[-4000:] + mypy.stderr[-2000:]
    pyright = run([PYTHON, "-m", "pyright", "--pythonpath", PYTHON], cwd=project)
    assert pyright.returncode == 0, pyright.stdout[-4000:] + pyright.stderr[-2000:]


@pytest.mark.parametrize(("combination", "message"), UNSUPPORTED_COMBINATIONS)
def test_unsupported_combination_is_refused(tmp_path, capfd, combination, message):
    with pytest.raises(FailedHookException):
        bake(tmp_path, **combination)
    assert list(tmp_path.iterdir()) == []
    assert message in capfd.readouterr().err


def test_defaults_bake_without_input(tmp_path):
    project = bake(tmp_path)
    assert project.name == "my_flask_app"
    assert answers()["project_slug"] == "my_flask_app"


@pytest.mark.parametrize(
    ("project_name", "slug"),
    [
        ("My Flask App", "my_flask_app"),
        ("Zoë's Café", "zoe_s_cafe"),
        ("  Über-App!! ", "uber_app"),
        ("Ünïcødé 日本", "unicode_ri_ben"),
        ("!!!", "flask_app"),
    ],
)
def test_slug_is_derived_from_the_name(project_name, slug):
    assert answers({"project_name": project_name})["project_slug"] == slug
    assert load_hook("pre_gen_project").check_slug(slug) is None


@pytest.mark.parametrize(
    ("overrides", "removed"),
    [
        (
            {},
            [
                ".gitlab-ci.yml",
                "deploy",
                "deploy/kubernetes/worker.yaml",
                "my_flask_app/api",
                "my_flask_app/auth/emails.py",
                "my_flask_app/auth/recovery.py",
                "my_flask_app/commands.py",
                "my_flask_app/mailer.py",
                "my_flask_app/migrations/versions/0003_merge_api_mail.py",
                "my_flask_app/migrations/versions/api_0001_notes.py",
                "my_flask_app/migrations/versions/mail_0001_email_confirmed_at.py",
                "my_flask_app/observability",
                "my_flask_app/observability/database_spans.py",
                "my_flask_app/observability/tasks.py",
                "my_flask_app/tasks.py",
                "my_flask_app/templates/auth/_email_status.html",
                "my_flask_app/templates/auth/_forgot.html",
                "my_flask_app/templates/auth/reset_password.html",
                "my_flask_app/templates/auth/reset_request.html",
                "my_flask_app/templates/mail",
                "renovate.json",
                "tests/test_api.py",
                "tests/test_commands.py",
                "tests/test_mail.py",
                "tests/test_observability.py",
                "tests/test_tasks.py",
            ],
        ),
        (
            {"use_login": False, "ci": "none", "use_api": True},
            [
                ".github",
                ".github/workflows/template-update.yml",
                ".gitlab-ci.yml",
                "deploy",
                "deploy/kubernetes/session-cleanup.yaml",
                "deploy/kubernetes/worker.yaml",
                "my_flask_app/api/tokens.py",
                "my_flask_app/auth",
                "my_flask_app/auth/emails.py",
                "my_flask_app/auth/recovery.py",
                "my_flask_app/commands.py",
                "my_flask_app/mailer.py",
                "my_flask_app/migrations/versions/0003_merge_api_mail.py",
                "my_flask_app/migrations/versions/mail_0001_email_confirmed_at.py",
                "my_flask_app/observability",
                "my_flask_app/observability/database_spans.py",
                "my_flask_app/observability/tasks.py",
                "my_flask_app/tasks.py",
                "my_flask_app/templates/auth",
                "my_flask_app/templates/auth/_email_status.html",
                "my_flask_app/templates/auth/_forgot.html",
                "my_flask_app/templates/auth/reset_password.html",
                "my_flask_app/templates/auth/reset_request.html",
                "my_flask_app/templates/mail",
                "renovate.json",
                "tests/test_auth.py",
                "tests/test_commands.py",
                "tests/test_limits.py",
                "tests/test_mail.py",
                "tests/test_observability.py",
                "tests/test_tasks.py",
            ],
        ),
    ],
    ids=["defaults", "api-no-login-no-ci"],
)
def test_manifest_lists_unchosen_paths(overrides, removed):
    hook = load_hook("post_gen_project", overrides)
    assert hook.unwanted_paths(hook.MANIFEST, hook.ANSWERS) == sorted(removed)
