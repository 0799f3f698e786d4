"""The template's side: its answer sets and the conditions around each dependency."""

import itertools
import json
import re
import sys
from pathlib import Path

from cookiecutter.environment import StrictEnvironment
from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config

TEMPLATE = Path(__file__).resolve().parent.parent.parent
# cookiecutter.json's _extensions name the template's local_extensions.py, which
# cookiecutter imports from the template's folder: so must the renders here.
sys.path.insert(0, str(TEMPLATE))
PROJECT = TEMPLATE / "{{cookiecutter.project_slug}}"
SECTION = re.compile(r"^(dependencies|[A-Za-z0-9_-]+) = \[\s*$")
TAG = re.compile(r"^\{%-\s*(if|elif|else|endif)\b\s*(.*?)\s*%\}$")
REQUIREMENT = re.compile(r'^\s*"([^"]+)",\s*$')


def environment():
    """The Jinja environment cookiecutter renders the template with."""
    context = json.loads((TEMPLATE / "cookiecutter.json").read_text())
    return StrictEnvironment(
        context={"cookiecutter": context}, keep_trailing_newline=True
    )


def default_answers():
    """cookiecutter.json's answers, as `cookiecutter --no-input` derives them."""
    context = generate_context(context_file=str(TEMPLATE / "cookiecutter.json"))
    return dict(prompt_for_config(context, no_input=True))


def render(env, name, answers):
    """The project's file `name` rendered for `answers`."""
    return env.from_string((PROJECT / name).read_text()).render(cookiecutter=answers)


def hook_problems():
    """problems(answers) of hooks/pre_gen_project.py, rendered with the defaults."""
    source = (TEMPLATE / "hooks" / "pre_gen_project.py").read_text()
    rendered = environment().from_string(source).render(cookiecutter=default_answers())
    namespace = {"__name__": "pre_gen_project"}
    exec(compile(rendered, "hooks/pre_gen_project.py", "exec"), namespace)  # noqa: S102
    return namespace["problems"]


def option_space(answers):
    """Every valid answer set over the options the dependency lists depend on."""
    text = (PROJECT / "pyproject.toml").read_text()
    start, end = text.index("dependencies = ["), text.index("[build-system]")
    names = sorted(set(re.findall(r"cookiecutter\.(\w+)", text[start:end])))
    choices = json.loads((TEMPLATE / "cookiecutter.json").read_text())
    values = [
        choices[name] if isinstance(choices[name], list) else [True, False]
        for name in names
    ]
    problems = hook_problems()
    space = []
    for combination in itertools.product(*values):
        candidate = {**answers, **dict(zip(names, combination, strict=True))}
        if not problems(candidate):
            space.append(candidate)
    return names, space


def requirement_conditions():
    """Each dependency of the pyproject template with the condition around it.

    Returns (requirement, [conditions]): the full condition first, then simpler
    spellings (an `elif`'s own test) that merge.guard() may use where they hold
    on exactly the same answer sets.
    """
    found, stack, section = [], [], None
    for line in (PROJECT / "pyproject.toml").read_text().splitlines():
        if SECTION.match(line):
            section = line.split()[0]
            continue
        if section and line.strip() == "]":
            section = None
            continue
        tag = TAG.match(line)
        if tag and section:
            kind, expression = tag.groups()
            if kind == "if":
                stack.append({"tests": [expression], "full": expression})
            elif kind in ("elif", "else"):
                frame = stack[-1]
                negated = " and ".join(f"not ({test})" for test in frame["tests"])
                frame["full"] = (
                    f"{negated} and ({expression})" if expression else negated
                )
                frame["own"] = expression
                frame["tests"].append(expression)
            else:
                stack.pop()
            continue
        match = REQUIREMENT.match(line)
        if section and match:
            if not stack:
                spellings = ["true"]
            elif len(stack) == 1:
                spellings = [stack[0]["full"]]
                if stack[0].get("own"):
                    spellings.append(stack[0]["own"])
            else:
                spellings = [" and ".join(f"({f['full']})" for f in stack)]
            found.append((match.group(1), spellings))
    return found
