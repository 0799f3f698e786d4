"""The template as data: its options, defaults, help texts and rules, read at start."""

import copy
import hashlib
import importlib.util
import json
import subprocess
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from cookiecutter.environment import StrictEnvironment
from cookiecutter.generate import generate_context
from cookiecutter.prompt import YesNoPrompt
from cookiecutter.prompt import prompt_for_config

# How the prompts read a yes/no answer typed as text; the same words are read here.
YES = frozenset(YesNoPrompt.yes_choices)
NO = frozenset(YesNoPrompt.no_choices)


@dataclass
class Option:
    """One question of cookiecutter.json, with what the form needs to ask it."""

    name: str
    kind: str  # "text", "boolean" or "choice"
    default: object
    help: str
    choices: list = field(default_factory=list)  # (value, label) pairs
    derived: bool = False  # the default is computed from earlier answers
    needs: list = field(default_factory=list)  # options it needs turned on
    why: dict = field(default_factory=dict)  # needed option -> reason
    max_length: int | None = None


def render_hook(repo_dir, name, cookiecutter):
    """Render hooks/<name>.py with `cookiecutter` and import it, as cookiecutter does.

    The hook is Jinja with the answers inside; rendered with the defaults, its
    functions (problems(answers), ...) then judge any other answers. None when
    the template has no such hook.
    """
    path = Path(repo_dir) / "hooks" / f"{name}.py"
    if not path.is_file():
        return None
    raw = json.loads((Path(repo_dir) / "cookiecutter.json").read_text())
    env = StrictEnvironment(context={"cookiecutter": raw}, keep_trailing_newline=True)
    source = env.from_string(path.read_text()).render(cookiecutter=cookiecutter)
    module = importlib.util.module_from_spec(
        importlib.util.spec_from_loader(name, loader=None)
    )
    exec(compile(source, str(path), "exec"), module.__dict__)  # noqa: S102
    return module


def template_files(repo_dir):
    """The paths a bake reads: cookiecutter.json, the hooks and the project folder."""
    names = ["cookiecutter.json", "hooks"]
    names += [p.name for p in Path(repo_dir).iterdir() if "{{" in p.name]
    return [name for name in names if (Path(repo_dir) / name).exists()]


def template_version(repo_dir):
    """The commit the template is at, marked dirty with a digest of local changes.

    Bakes are cached under this name: a new commit, or an edit of the template's
    files in a working copy, gives new archives. A folder outside git is named
    by a digest of its files.
    """
    paths = template_files(repo_dir)

    def git(*args):
        return subprocess.run(
            ["git", "-C", str(repo_dir), *args, "--", *paths],
            capture_output=True,
            check=True,
            timeout=30,
        ).stdout

    try:
        commit = git("log", "-1", "--format=%H").decode().strip()
        changes = git("status", "--porcelain", "--untracked-files=all")
    except (OSError, subprocess.SubprocessError):
        commit = None
    if not commit:
        digest = hashlib.sha256()
        for name in paths:
            top = Path(repo_dir) / name
            for path in sorted([top, *top.rglob("*")] if top.is_dir() else [top]):
                if path.is_file():
                    digest.update(str(path.relative_to(repo_dir)).encode() + b"\0")
                    digest.update(path.read_bytes())
        return "files-" + digest.hexdigest()[:16]
    if not changes:
        return commit
    digest = hashlib.sha256(changes + git("diff", "HEAD", "--binary"))
    for line in changes.decode().splitlines():
        untracked = Path(repo_dir) / line[3:]
        if line.startswith("??") and untracked.is_file():
            digest.update(untracked.read_bytes())
    return f"{commit}-dirty-{digest.hexdigest()[:12]}"


class Template:
    """cookiecutter.json and the pre-generation hook of one template folder.

    What this relies on in the hook (hooks/pre_gen_project.py), rendered with
    the default answers: `refusals(answers)`, the refused answers as (option,
    message, fix); `RULES`, the (option, needs, why) rules applied as the user
    chooses; optionally `MAX_TEXT_LENGTHS`, `MAX_SLUG_LENGTH`, `MAX_EMAIL_LENGTH`
    for the form's field lengths and `kept_answers(answers)` for a link to the
    answers with each refusal fixed.
    """

    def __init__(self, repo_dir):
        self.repo_dir = Path(repo_dir).resolve()
        self.context = generate_context(
            context_file=str(self.repo_dir / "cookiecutter.json")
        )
        self.defaults = prompt_for_config(copy.deepcopy(self.context), no_input=True)
        self.hook = render_hook(self.repo_dir, "pre_gen_project", self.defaults)
        self.version = template_version(self.repo_dir)
        self.options = self._read_options()
        env = StrictEnvironment(context=self.context)
        self._derived = {
            name: env.from_string(self.context["cookiecutter"][name])
            for name, option in self.options.items()
            if option.derived
        }

    def _read_options(self):
        """Every question of cookiecutter.json, in its order (dependencies first)."""
        raw = self.context["cookiecutter"]
        prompts = raw.get("__prompts__", {})
        why = {}  # option -> {needed option: reason}
        for option, needed, reason in getattr(self.hook, "RULES", ()):
            why.setdefault(option, {})[needed] = reason
        lengths = dict(getattr(self.hook, "MAX_TEXT_LENGTHS", {}))
        lengths.setdefault("project_slug", getattr(self.hook, "MAX_SLUG_LENGTH", None))
        lengths.setdefault("author_email", getattr(self.hook, "MAX_EMAIL_LENGTH", None))
        options = {}
        for name, value in raw.items():
            if name.startswith("_"):
                continue
            prompt = prompts.get(name, name)
            labels = prompt if isinstance(prompt, dict) else {}
            option = Option(
                name=name,
                kind=(
                    "boolean"
                    if isinstance(value, bool)
                    else "choice"
                    if isinstance(value, list)
                    else "text"
                ),
                default=self.defaults[name],
                help=labels.get("__prompt__", name) if labels else prompt,
                needs=list(why.get(name, {})),
                why=why.get(name, {}),
                max_length=lengths.get(name),
            )
            if option.kind == "choice":
                option.choices = [
                    (choice, labels.get(choice, choice)) for choice in value
                ]
            elif option.kind == "text":
                option.derived = "{{" in value or "{%" in value
            options[name] = option
        return options

    def read(self, query):
        """The answers given in `query` (a MultiDict), and the unknown names in it.

        A name given twice counts once, its last value: a form sends a hidden
        "no" before the checkbox's "yes". Yes/no answers are read as the prompts
        read them; what cannot be read is kept as text, for the hook to refuse.
        """
        given, unknown = {}, []
        for name in query:
            if name not in self.options:
                unknown.append(name)
                continue
            value = query.getlist(name)[-1]
            if self.options[name].derived and not value:
                continue  # left empty in the form: computed from the other answers
            if self.options[name].kind == "boolean":
                word = value.strip().lower()
                value = True if word in YES else False if word in NO else value
            given[name] = value
        return given, unknown

    def answers(self, given):
        """All answers for `given` ones: the others from their defaults.

        What cookiecutter's prompts give with no input, without rendering every
        default again: typed text is taken as typed (never rendered as Jinja), and
        defaults computed from other answers (the slug from the name) are
        rendered with the answers given.
        """
        answers = {**self.defaults, **given}
        for name, option in self.options.items():
            if option.derived and name not in given:
                answers[name] = self.derive(name, answers)
        return answers

    def problems(self, answers):
        """The hook's reasons to refuse `answers`, as (option, message) pairs."""
        if self.hook is None:
            return []
        return [
            (refusal.option, refusal.message) for refusal in self.hook.refusals(answers)
        ]

    def fixed(self, answers):
        """The answers with each refused one fixed or left out, or None."""
        kept = getattr(self.hook, "kept_answers", None)
        if kept is None:
            return None
        return kept(answers)

    def derive(self, name, answers):
        """The default of `name` rendered with `answers`: the slug from the name."""
        return self._derived[name].render(cookiecutter=answers)

    def canonical(self, given, answers):
        """The given answers that differ from the defaults, as query pairs, in order."""
        pairs = []
        for name, option in self.options.items():
            if name not in given:
                continue
            value = given[name]
            default = self.derive(name, answers) if option.derived else option.default
            if value == default:
                continue
            if isinstance(value, bool):
                value = "yes" if value else "no"
            pairs.append((name, value))
        return pairs
