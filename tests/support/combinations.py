"""The answer sets the template supports and refuses, derived from the pre-gen hook.

- VALID_SETS: every answer set of the yes/no options that reach the project's
  code, crossed with every database, that the pre-gen hook accepts. The options
  that only add files beside the code (the Dockerfile, the manifests) and the
  choices `ci`, `license` and `python_version` take each value in turn.
- PAIRWISE: a few of them, chosen greedily so that every pair of option values
  that some accepted answer set holds together is in at least one, plus the
  default and the fullest: these run their full test suites.
- UNSUPPORTED_COMBINATIONS: one refused answer set per rule of the hook, and the
  free-text checks, each with a piece of the message that must explain it.
"""

import functools
import itertools
import re

import pytest

from tests.support.baking import TEMPLATE
from tests.support.baking import answers
from tests.support.baking import load_hook

HOOK = load_hook("pre_gen_project")
DEFAULTS = {key: value for key, value in answers().items() if not key.startswith("_")}
PROJECT = TEMPLATE / "{{cookiecutter.project_slug}}"


def code_options():
    """The yes/no options that the project's Python and TOML files name."""
    named = set()
    for path in PROJECT.rglob("*"):
        if path.is_file() and path.suffix in {".py", ".toml"}:
            named.update(re.findall(r"cookiecutter\.(\w+)", path.read_text()))
    return [option for option in HOOK.BOOLEAN_OPTIONS if option in named]


CODE_OPTIONS = code_options()
# Everything else the hook checks: options that add files beside the code.
OTHER_OPTIONS = {
    **{
        option: (True, False)
        for option in HOOK.BOOLEAN_OPTIONS
        if option not in CODE_OPTIONS
    },
    **{
        option: values
        for option, values in HOOK.CHOICES.items()
        if option != "database"
    },
}
DATABASES = HOOK.CHOICES["database"]


def accepted(options):
    """True when the pre-gen hook bakes the defaults with `options`."""
    return not HOOK.problems({**DEFAULTS, **options})


def code_sets():
    """Every accepted set of CODE_OPTIONS and database, in a fixed order."""
    return [
        options
        for values in itertools.product((True, False), repeat=len(CODE_OPTIONS))
        for database in DATABASES
        if accepted(
            options := {
                **dict(zip(CODE_OPTIONS, values, strict=True)),
                "database": database,
            }
        )
    ]


def others_for(options, index):
    """Values of OTHER_OPTIONS for the index-th set: each option cycles its values.

    Where the cycled values are refused with `options` (Kubernetes with SQLite),
    the next accepted value of each option in turn is taken instead.
    """
    chosen = {}
    for option, values in OTHER_OPTIONS.items():
        for step in range(len(values)):
            value = values[(index + step) % len(values)]
            if (
                accepted({**options, **chosen, option: value})
                or step == len(values) - 1
            ):
                chosen[option] = value
                break
    return chosen


@functools.cache
def valid_sets():
    """Every accepted code set, completed with the other options' values."""
    return [
        {**options, **others_for(options, index)}
        for index, options in enumerate(code_sets())
    ]


def set_id(options):
    """A readable id: the options turned on, the database, then the others."""
    words = [
        option.removeprefix("use_")
        for option in HOOK.BOOLEAN_OPTIONS
        if options[option]
    ]
    if options["use_sqlalchemy"]:
        words.append(options["database"])
    words += [str(options[option]) for option in HOOK.CHOICES if option != "database"]
    return "-".join(words)


def pairs(options):
    """The (option, value) pairs an answer set holds; no database without one."""
    items = sorted(
        (option, value)
        for option, value in options.items()
        if option != "database" or options["use_sqlalchemy"]
    )
    return itertools.combinations(items, 2)


def cover(candidates, fields):
    """The default, the fullest, then a greedy cover of every pair that can occur.

    `candidates` are accepted answer sets over `fields`; each step takes the first
    one that holds the most pairs not yet covered, so the result is deterministic.
    """
    index, masks = {}, []
    for candidate in candidates:
        mask = 0
        for pair in pairs(candidate):
            mask |= 1 << index.setdefault(pair, len(index))
        masks.append(mask)
    chosen = [
        {key: DEFAULTS[key] for key in fields},
        max(
            candidates,
            key=lambda c: (
                sum(c[o] is True for o in fields),
                c["database"] == "postgresql",
            ),
        ),
    ]
    uncovered = (1 << len(index)) - 1
    for options in chosen:
        uncovered &= ~masks[candidates.index(options)]
    while uncovered:
        best = max(range(len(masks)), key=lambda i: (masks[i] & uncovered).bit_count())
        chosen.append(candidates[best])
        uncovered &= ~masks[best]
    return chosen


@functools.cache
def pairwise_sets():
    """A pairwise cover over every option the hook checks."""
    others = [
        dict(zip(OTHER_OPTIONS, values, strict=True))
        for values in itertools.product(*OTHER_OPTIONS.values())
    ]
    candidates = [
        candidate
        for options in code_sets()
        for other in others
        if accepted(candidate := {**options, **other})
    ]
    return cover(candidates, [*CODE_OPTIONS, "database", *OTHER_OPTIONS])


@functools.cache
def code_pairwise_sets():
    """A pairwise cover over the options that reach the code, and the database.

    The other options add files beside the code, so type checkers, which read
    the code alone, need only these (completed with the defaults).
    """
    defaults = {key: DEFAULTS[key] for key in OTHER_OPTIONS}
    return [
        {**defaults, **options}
        for options in cover(code_sets(), [*CODE_OPTIONS, "database"])
    ]


VALID_SETS = [pytest.param(options, id=set_id(options)) for options in valid_sets()]
PAIRWISE = [pytest.param(options, id=set_id(options)) for options in pairwise_sets()]


def code_key(options):
    """What a project's code and tests depend on: the code options, the database."""
    database = options["database"] if options["use_sqlalchemy"] else None
    return (*(options[option] for option in CODE_OPTIONS), database)


# The pairwise sets whose own test suites run: one per distinct code. Sets that
# differ only in OTHER_OPTIONS bake the same Python, templates and tests (those
# options add files beside the code, which the projects' tests do not read), so
# their suites would run the same code again; their own files are checked for
# every valid set.
PAIRWISE_SUITES = [
    param
    for index, param in enumerate(PAIRWISE)
    if code_key(param.values[0])
    not in {code_key(p.values[0]) for p in PAIRWISE[:index]}
]
CODE_PAIRWISE = [
    pytest.param(options, id=set_id(options)) for options in code_pairwise_sets()
]
DEFAULT, FULLEST = pairwise_sets()[:2]


# Kubernetes manifests with each kind of database they run against (a server:
# SQLite is refused), with and without Celery, and without a database at all:
# tests/test_kubernetes.py validates each.
KUBERNETES = {
    "k8s-postgresql-celery": dict(
        use_kubernetes=True, database="postgresql", use_celery=True
    ),
    "k8s-postgresql": dict(use_kubernetes=True, database="postgresql"),
    "k8s-mysql-initdb": dict(use_kubernetes=True, database="mysql", use_migrate=False),
    "k8s-nodb-celery": dict(
        use_sqlalchemy=False,
        use_migrate=False,
        use_login=False,
        use_kubernetes=True,
        use_celery=True,
    ),
}


def refused_by_rules():
    """One answer set per requirement of the hook: the option on, what it needs off."""
    return [
        pytest.param(
            {option: True, needed: False},
            f"{option}=yes needs {needed}=yes",
            id=f"{option}-without-{needed}".replace("use_", ""),
        )
        for option, needed, _why in HOOK.RULES
    ]


# Each refused answer set, with a piece of the message that must explain it.
UNSUPPORTED_COMBINATIONS = refused_by_rules() + [
    pytest.param(
        dict(use_kubernetes=True, database="sqlite"),
        "use_kubernetes=yes with database=sqlite",
        id="kubernetes-sqlite",
    ),
    pytest.param(dict(project_slug="my-app"), "project_slug='my-app'", id="slug-dash"),
    pytest.param(dict(project_slug="My_App"), "project_slug='My_App'", id="slug-upper"),
    pytest.param(dict(project_slug="3d_app"), "project_slug='3d_app'", id="slug-digit"),
    pytest.param(dict(project_slug="class"), "Python keyword", id="slug-keyword"),
    pytest.param(dict(project_slug="json"), "would shadow", id="slug-stdlib"),
    pytest.param(dict(project_slug="flask"), "would shadow", id="slug-dependency"),
    pytest.param(dict(project_slug="tests"), "would shadow", id="slug-own-folder"),
    pytest.param(dict(project_slug="3D"), "project_slug='3D'", id="slug-as-typed"),
    pytest.param(dict(author_email="nobody"), "author_email='nobody'", id="bad-email"),
    pytest.param(dict(version="one"), "version='one'", id="bad-version"),
    pytest.param(dict(project_slug="celery"), "would shadow", id="slug-celery"),
    pytest.param(dict(project_slug="a" * 41), "use at most 32", id="slug-too-long"),
    pytest.param(dict(project_slug="idna"), "would shadow", id="slug-indirect-dep"),
    pytest.param(dict(project_name="My\nApp"), "U+000A", id="name-newline"),
    pytest.param(dict(project_name="App\x00"), "U+0000", id="name-nul"),
    pytest.param(dict(project_name="  "), "is empty", id="name-blank"),
    pytest.param(dict(description="x" * 301), "at most 300", id="long-description"),
    pytest.param(dict(author_name="Ada\x1b[0m"), "U+001B", id="author-escape"),
    pytest.param(dict(author_email="zoë@example.com"), "(ASCII", id="email-non-ascii"),
    pytest.param(dict(version="1.0 "), "version='1.0 '", id="version-space"),
]
