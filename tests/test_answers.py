"""The pre-generation hook, rendered and imported: each bad answer and its message."""

import shlex

import pytest
from cookiecutter.exceptions import CookiecutterException
from jinja2 import TemplateError

from tests.support.baking import bake
from tests.support.baking import load_hook

HOOK = load_hook("pre_gen_project")

# (option, answer, a piece of the message that must explain the refusal).
BAD_ANSWERS = [
    ("project_slug", "", "project_slug='' is not a lowercase ASCII Python name"),
    ("project_slug", "my-app", "project_slug='my-app' is not a lowercase"),
    ("project_slug", "My_App", "project_slug='My_App' is not a lowercase"),
    ("project_slug", "3d_app", "project_slug='3d_app' is not a lowercase"),
    ("project_slug", "_app", "project_slug='_app' is not a lowercase"),
    ("project_slug", "app\n", r"project_slug='app\n' is not a lowercase"),
    ("project_slug", "café", "project_slug='café' is not a lowercase"),
    ("project_slug", "../app", "project_slug='../app' is not a lowercase"),
    ("project_slug", "a" * 33, "is 33 characters long: use at most 32"),
    ("project_slug", "class", "project_slug='class' is a Python keyword"),
    ("project_slug", "match", "project_slug='match' is a Python keyword"),
    ("project_slug", "json", "would shadow the module or folder 'json'"),
    ("project_slug", "flask", "would shadow the module or folder 'flask'"),
    ("project_slug", "markupsafe", "would shadow the module or folder 'markupsafe'"),
    ("project_slug", "flask_limiter", "would shadow the module or folder"),
    ("project_slug", "migrations", "would shadow the module or folder 'migrations'"),
    ("project_slug", "conftest", "would shadow the module or folder 'conftest'"),
    ("project_slug", "test", "would shadow the module or folder 'test'"),
    ("project_name", "", "project_name='' is empty: give the project a name"),
    ("project_name", "   ", "project_name='   ' is empty"),
    ("project_name", "My\nApp", r"project_name='My\nApp' contains the control"),
    ("project_name", "App\x00", "contains the control character U+0000"),
    ("project_name", "App\x7f", "contains the control character U+007F"),
    ("project_name", "A\tB", "contains the control character U+0009"),
    ("project_name", "A\u2028B", "contains the line separator U+2028"),
    ("project_name", "A\ud800B", "contains the lone surrogate U+D800"),
    ("project_name", "x" * 81, "is 81 characters long: give one line"),
    ("description", "line one\r\nline two", "description='line one\\r\\nline two'"),
    ("description", "x" * 301, "at most 300 characters"),
    ("author_name", "Ada\x1b[31m", "contains the control character U+001B"),
    ("author_name", "x" * 101, "at most 100 characters"),
    ("author_email", "nobody", "author_email='nobody' is not an email address"),
    ("author_email", "a@b", "author_email='a@b' is not an email address"),
    ("author_email", "a b@example.com", "such as you@example.com"),
    ("author_email", "zoë@example.com", "(ASCII, at most 254 characters)"),
    ("author_email", "a@example.com\n", r"author_email='a@example.com\n'"),
    ("author_email", '"x"@example.com', "is not an email address"),
    ("author_email", "a@-example.com", "is not an email address"),
    ("author_email", "a" * 250 + "@example.com", "(262 characters)"),
    ("version", "one", "version='one' is not a PEP 440 version such as 0.1.0"),
    ("version", "1.0 ", "version='1.0 ' is not a PEP 440 version"),
    ("version", " 1.0", "version=' 1.0' is not a PEP 440 version"),
    ("version", "1.0-", "version='1.0-' is not a PEP 440 version"),
    ("version", "1.0+", "version='1.0+' is not a PEP 440 version"),
    ("version", "1.0_beta!", "version='1.0_beta!' is not a PEP 440 version"),
    ("version", "1.0\n", r"version='1.0\n' is not a PEP 440 version"),
    ("database", "oracle", "database='oracle' is not one of: sqlite, postgresql"),
    ("ci", "jenkins", "ci='jenkins' is not one of: github, gitlab, none"),
    ("license", "GPL", "license='GPL' is not one of: MIT"),
    ("python_version", "3.10", "python_version='3.10' is not one of: 3.12"),
    ("use_docker", "maybe", "use_docker='maybe' must be yes or no"),
]
GOOD_ANSWERS = [
    ("project_slug", "shop"),
    ("project_slug", "my_app2"),
    ("project_slug", "a" * 32),
    ("project_name", 'Zoë\'s "Café" \\ 日本 😀'),
    ("project_name", "{{ config.SECRET_KEY }} {% raw %}"),
    ("project_name", "<script>alert(1)</script>"),
    ("description", "'''\"\"\" \\N{BULLET} ${HOME} `rm -rf` # not a comment"),
    ("author_name", "Ada O'Lovelace-Byron, Jr."),
    ("author_email", "o'brien+flask@mail.example.co.uk"),
    ("version", "1!2.0rc1.post3.dev4"),
    # Any valid PEP 440 version, as written (pyproject.toml normalizes it).
    ("version", "1.0-beta"),
    ("version", "1.0.post1"),
    ("version", "2!1.0"),
    ("version", "1.0+local"),
    ("version", "1.0+ubuntu-1.2"),
    ("version", "v1.0"),
    ("version", "01.0"),
    ("version", "1.0-1"),
    ("version", "1.0.dev"),
    ("version", "1.0RC1"),
]
# (project name, the default slug cookiecutter derives from it).
DEFAULT_SLUGS = [
    ("My Flask App", "my_flask_app"),
    ("2048 Game", "app_2048_game"),
    ("42", "app_42"),
    ("!!!", "flask_app"),
    ("Zoë's Café", "zoe_s_cafe"),
]


def refusals(option, value):
    """The hook's problems with the default answers and `option` set to `value`."""
    return HOOK.problems({**HOOK.ANSWERS, option: value})


@pytest.mark.parametrize(("option", "value", "message"), BAD_ANSWERS)
def test_bad_answer_is_refused_with_a_clear_message(option, value, message):
    found = refusals(option, value)
    assert len(found) == 1, found
    assert message in found[0]
    assert found[0].startswith(f"{option}=")


@pytest.mark.parametrize(("option", "value"), GOOD_ANSWERS)
def test_good_answer_is_accepted(option, value):
    assert refusals(option, value) == []


@pytest.mark.parametrize(("name", "slug"), DEFAULT_SLUGS)
def test_default_slug_is_a_valid_package_name(name, slug):
    hook = load_hook("pre_gen_project", {"project_name": name})
    assert hook.ANSWERS["project_slug"] == slug
    assert hook.problems(hook.ANSWERS) == []


def test_a_refusal_prints_a_command_that_keeps_the_other_answers(capsys):
    hook = load_hook(
        "pre_gen_project",
        {"project_name": "Test", "author_email": "bad", "use_wtf": False},
    )
    assert hook.main() == 1
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert out == ""
    assert lines[0].startswith("ERROR: project_slug='test' would shadow")
    command = shlex.split(lines[-1])
    assert command[:3] == ["cookiecutter", "<template>", "--no-input"]
    kept = dict(word.split("=", 1) for word in command[3:])
    assert kept["project_name"] == "Test"
    assert kept["project_slug"] == "test_app"  # the fix the message suggests
    assert kept["use_wtf"] == "no"  # as answered
    assert kept["use_login"] == "no"  # needs use_wtf: turned off with it
    assert "author_email" not in kept  # refused without a fix: the default applies
    assert f"  {lines[-1]}" in lines  # also printed right after the reasons


@pytest.mark.parametrize(
    ("command_line", "options"),
    [
        # From the `cookiecutter` command: its options, as given.
        (
            {"options": ["-c", "v2", "-f", "-o", "../out dir"], "output_dir": ".."},
            ["-c", "v2", "-f", "-o", "../out dir"],
        ),
        # As a library (cruft, pytest-cookies): the checkout the answers record.
        ({"options": None, "output_dir": None}, ["--checkout", "v2"]),
    ],
)
def test_the_command_keeps_the_options_given(command_line, options):
    answers = {**HOOK.ANSWERS, "_template": "gh:me/t", "_checkout": "v2"}
    answers["use_migrate"] = "maybe"
    command = shlex.split(HOOK.rerun_command(answers, command_line))
    assert command[:3] == ["cookiecutter", "gh:me/t", "--no-input"]
    assert command[3 : 3 + len(options)] == options
    assert "=" in command[3 + len(options)]  # then the answers


def test_long_answer_is_quoted_short():
    (message,) = refusals("description", "x" * 5000)
    assert len(message) < 200
    assert "(5000 characters)" in message


@pytest.mark.parametrize(
    "text",
    ['a"b\\c', "\"\"\"'''", "日本 😀 \U0010fffd", "}} %} #} { %"],
    ids=["quotes", "triple-quotes", "non-bmp", "braces"],
)
def test_answers_reach_the_hook_intact(text):
    hook = load_hook("pre_gen_project", {"author_name": text, "description": text})
    assert (hook.ANSWERS["author_name"], hook.ANSWERS["description"]) == (text, text)


@pytest.mark.parametrize("name", ["{{ x }}", "{% if %}", "{{"])
def test_jinja_in_a_command_line_answer_fails_before_writing(tmp_path, name):
    # cookiecutter renders --no-input answers as templates, before any hook runs.
    with pytest.raises((CookiecutterException, TemplateError)):
        bake(tmp_path, project_name=name)
    assert list(tmp_path.iterdir()) == []
