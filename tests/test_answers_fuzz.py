"""Random answers: each bake makes a working project or is refused cleanly."""

import html
import json
import tomllib

import yaml
from cookiecutter.environment import StrictEnvironment
from cookiecutter.exceptions import CookiecutterException
from cookiecutter.exceptions import FailedHookException
from cookiecutter.generate import generate_context
from cookiecutter.generate import generate_files
from cookiecutter.prompt import prompt_for_config
from hatchling.metadata.core import ProjectMetadata
from hypothesis import HealthCheck
from hypothesis import event
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from tests.support.baking import TEMPLATE
from tests.support.baking import load_hook
from tests.support.machine import PYTHON
from tests.support.machine import ruff
from tests.support.machine import run

HOOK = load_hook("pre_gen_project")
# Reproducible in CI: the same examples on every run, no example database.
FUZZ = settings(
    max_examples=20,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
TRICKY = [*"\"'\\{}%#<>&`$*_[]!| ", "\u00e9", "\u65e5", "\U0001f600", "{{", "{%", "{#"]
TRICKY += ["}}", "'''", '"""', "\\u0000", "<!--", "-->", "\u200d", "\u0301"]
# One line of printable text (what the hook accepts, when short enough)...
PRINTABLE_CHARS = st.characters(exclude_categories=["Cc", "Cs", "Zl", "Zp"])
PRINTABLE = st.one_of(
    st.text(PRINTABLE_CHARS, max_size=40),
    st.lists(st.sampled_from(TRICKY) | PRINTABLE_CHARS, max_size=15).map("".join),
)
# ...and anything at all: control characters, newlines, overlong text.
ANY_TEXT = st.one_of(st.text(max_size=30), st.text(min_size=75, max_size=320))
SLUGS = st.one_of(
    st.from_regex(r"[a-z][a-z0-9_]{0,36}", fullmatch=True),
    st.text(alphabet=st.characters(exclude_characters="\x00"), max_size=12),
    st.sampled_from(["class", "match", "json", "flask", "tests", "idna", "my_app"]),
)
# Imports the baked package, fills its database and fetches the home page.
HOME_PAGE = """
import html, json, sys
from {slug} import create_app
from {slug}.extensions import db
app = create_app({{"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}})
with app.app_context():
    db.create_all()
response = app.test_client().get("/")
print(json.dumps([response.status_code, response.get_data(as_text=True)]))
"""


def typed_answers(**typed):
    """The default answers with `typed` ones, as typed at the prompts (not rendered)."""
    context = generate_context(context_file=str(TEMPLATE / "cookiecutter.json"))
    slug_default = context["cookiecutter"]["project_slug"]
    answers = prompt_for_config(context, no_input=True)
    answers.update(typed)
    if "project_slug" not in typed:
        env = StrictEnvironment(context=context)
        answers["project_slug"] = env.from_string(slug_default).render(
            cookiecutter=answers
        )
    return answers


def generate(answers, output_dir):
    """Generate the project as cookiecutter does after the prompts, or return None.

    Not tests.support.baking.bake: that passes answers as cookiecutter's command
    line does, rendered as Jinja, while these are answers as typed at the prompts.
    """
    try:
        project = generate_files(
            repo_dir=str(TEMPLATE),
            context={"cookiecutter": answers},
            output_dir=str(output_dir),
        )
    except (FailedHookException, CookiecutterException, OSError, ValueError):
        return None
    return output_dir / answers["project_slug"] if project else None


def assert_refused_cleanly(answers, output_dir, stderr):
    """The hook gave a reason, and no file was written."""
    found = HOOK.problems(answers)
    assert found, answers
    event(f"refused: {found[0].split('=')[0]}")
    assert [p for p in output_dir.rglob("*") if not p.is_dir()] == []
    if "/" not in answers["project_slug"]:
        # A slug with a "/" leaves the parent folder cookiecutter made before the hook.
        assert list(output_dir.iterdir()) == []
    if stderr:
        assert f"ERROR: {found[0]}" in stderr


def assert_project_works(project, answers):
    """Every .py compiles, the TOML and YAML parse, and the home page shows the name."""
    assert HOOK.problems(answers) == []
    event("baked")
    for path in project.rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
    for path in [*project.rglob("*.yml"), *project.rglob("*.yaml")]:
        yaml.safe_load(path.read_text(encoding="utf-8"))
    meta = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["project"]["description"] == answers["description"]
    author = {"name": answers["author_name"], "email": answers["author_email"]}
    assert meta["project"]["authors"] == [author]
    core = ProjectMetadata(str(project), None).core
    assert core.description == answers["description"]
    assert core.authors == [author]
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# ")
    script = HOME_PAGE.format(slug=answers["project_slug"])
    done = run([PYTHON, "-c", script], cwd=project, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    status, page = json.loads(done.stdout.splitlines()[-1])
    assert status == 200
    assert answers["project_name"] in html.unescape(page)
    assert answers["description"] in html.unescape(page)
    if "<" in answers["project_name"]:
        assert answers["project_name"] not in page


@settings(FUZZ, max_examples=30)
@example(
    name="{{ config.SECRET_KEY }} {% raw %}",
    description="<!-- \\ \"quoted\" 'single' \U0001f600 \u65e5\u672c",
    author='O\'Brien "Q" \\',
    email="o'brien+q@example.co.uk",
    spoiled=None,
    bad="",
)
@given(
    name=PRINTABLE.filter(str.strip),
    description=PRINTABLE,
    author=PRINTABLE,
    email=st.emails(),
    spoiled=st.sampled_from([None, "project_name", "description", "author_name"]),
    bad=ANY_TEXT,
)
def test_random_free_text(
    tmp_path_factory, capfd, name, description, author, email, spoiled, bad
):
    typed = dict(project_name=name, description=description, author_name=author)
    if spoiled:
        typed[spoiled] = bad
    answers = typed_answers(project_slug="fuzz_app", author_email=email, **typed)
    output_dir = tmp_path_factory.mktemp("fuzz")
    capfd.readouterr()
    project = generate(answers, output_dir)
    if project is None:
        assert_refused_cleanly(answers, output_dir, capfd.readouterr().err)
    else:
        assert_project_works(project, answers)


@FUZZ
@example(slug="a" * 32)
@example(slug="a/b")
@given(slug=SLUGS)
def test_random_slug(tmp_path_factory, capfd, slug):
    # With every option whose code names the package, for the longest lines.
    answers = typed_answers(
        project_slug=slug,
        use_api=True,
        use_celery=True,
        use_mail=True,
        database="postgresql",
    )
    output_dir = tmp_path_factory.mktemp("fuzz")
    capfd.readouterr()
    project = generate(answers, output_dir)
    if project is None:
        assert_refused_cleanly(answers, output_dir, capfd.readouterr().err)
        return
    assert_project_works(project, answers)
    check = run([*ruff(), "check", "--no-cache", "."], cwd=project)
    assert check.returncode == 0, check.stdout
    style = run([*ruff(), "format", "--check", "--no-cache", "."], cwd=project)
    assert style.returncode == 0, style.stdout
