"""The initializr bakes the same files as `cookiecutter --no-input` for valid answers.

Valid answer sets come from the pre-generation hook's rules: every mix of the
yes/no options and the database that it accepts. By default a pairwise-covering
subset of them runs (every pair of values of any two options appears in some
set; the other choices rotate through their values); `pytest -m initializr_all`
compares all of them.
"""

import itertools

import pytest
from click.testing import CliRunner
from cookiecutter.cli import main as cookiecutter_cli

from initializr import baking
from initializr import create_app
from initializr.template import Template
from tests.support.baking import TEMPLATE
from tests.support.initializr import as_query
from tests.support.initializr import shared_cache


def valid_answer_sets(template):
    """Every mix of yes/no options and database the hook accepts, as changes."""
    booleans = [n for n, o in template.options.items() if o.kind == "boolean"]
    databases = [value for value, _ in template.options["database"].choices]
    found = []
    for values in itertools.product([True, False], repeat=len(booleans)):
        for database in databases:
            answers = dict(zip(booleans, values, strict=True), database=database)
            if not template.problems({**template.defaults, **answers}):
                found.append(answers)
    return found


def pairwise(sets):
    """A few sets that hold every pair of (option, value) the sets hold, greedily."""
    pairs = [set(itertools.combinations(sorted(s.items()), 2)) for s in sets]
    uncovered = set().union(*pairs)
    chosen = []
    while uncovered:
        best = max(range(len(sets)), key=lambda i: len(pairs[i] & uncovered))
        chosen.append(sets[best])
        uncovered -= pairs[best]
    return chosen


def with_peripherals(template, sets):
    """Each set with python_version, ci and license rotated through their values."""
    rotating = [
        (name, [value for value, _ in option.choices])
        for name, option in template.options.items()
        if option.kind == "choice" and name != "database"
    ]
    return [
        {**answers, **{name: values[i % len(values)] for name, values in rotating}}
        for i, answers in enumerate(sets)
    ]


def answer_id(answers):
    """A short readable id: the options that are on, the database, the rest."""
    on = [name.removeprefix("use_") for name, value in answers.items() if value is True]
    rest = [v for k, v in answers.items() if not isinstance(v, bool)]
    return "-".join(on + rest) or "bare"


def pytest_generate_tests(metafunc):
    """All valid sets under `-m initializr_all`, a pairwise-covering few otherwise."""
    if "answer_set" not in metafunc.fixturenames:
        return
    template = Template(TEMPLATE)
    sets = valid_answer_sets(template)
    every = "initializr_all" in (metafunc.config.option.markexpr or "")
    chosen = with_peripherals(template, sets if every else pairwise(sets))
    marks = [pytest.mark.initializr_all] if every else []
    metafunc.parametrize(
        "answer_set",
        [pytest.param(a, id=answer_id(a), marks=marks) for a in chosen],
    )


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "CACHE_DIR": shared_cache(tmp_path_factory),
            "RATELIMIT_ENABLED": False,
        }
    )
    return app.test_client()


def cookiecutter_no_input(output_dir, answers):
    """`cookiecutter --no-input <template> key=value...`, run in this process."""
    words = [
        f"{k}={'yes' if v is True else 'no' if v is False else v}"
        for k, v in answers.items()
    ]
    result = CliRunner().invoke(
        cookiecutter_cli,
        ["--no-input", str(TEMPLATE), "-o", str(output_dir), *words],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    (project,) = output_dir.iterdir()
    return project


def test_valid_sets_are_derived_from_the_hook():
    template = Template(TEMPLATE)
    sets = valid_answer_sets(template)
    chosen = pairwise(sets)
    assert {"use_login": True, "use_sqlalchemy": False} not in [
        {k: s[k] for k in ("use_login", "use_sqlalchemy")} for s in sets
    ]
    assert len(chosen) < len(sets) / 10
    for name in ("use_sqlalchemy", "use_login", "use_kubernetes", "database"):
        values = {s[name] for s in chosen}
        assert values == {s[name] for s in sets}, name


def test_same_files_as_cookiecutter(client, tmp_path, answer_set):
    response = client.get(f"/starter.zip?{as_query(answer_set)}")
    assert response.status_code == 200, response.get_data(as_text=True)
    ours = baking.read_zip(response.data)
    theirs = baking.read_tree(cookiecutter_no_input(tmp_path, answer_set))
    assert sorted(ours) == sorted(theirs)
    different = [path for path in ours if ours[path] != theirs[path]]
    assert different == []
