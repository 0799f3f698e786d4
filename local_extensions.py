"""Jinja extensions of the template, loaded by cookiecutter in its own process.

Hooks run in a process of their own and see only the answers. What else they
need lives in cookiecutter's process, so these extensions reach it there:

- `CommandLine`: the options the user gave the `cookiecutter` command (`-o`,
  `-f`, `--checkout`...), as the global `command_line`, so that the hooks print a
  `cd` and a "bake again" command that are right from where the user stands;
  and cookiecutter.json as written, as the global `cookiecutter_json`, so that
  the pre-generation hook checks the answers against its options and choices
  (cookiecutter gives hooks the answers only).
- `FollowingDefaults`: while cookiecutter asks its questions, a yes/no question's
  default follows the earlier answers it needs (no SQLAlchemy: Migrate, Login and
  mail default to no). cookiecutter has no way to say so in cookiecutter.json
  that keeps the answers booleans (a Jinja default makes them text), so this
  wraps its yes/no prompt. The rules are hooks/pre_gen_project.py's RULES.
"""

import ast
import json
from pathlib import Path

import click
from jinja2.ext import Extension

TEMPLATE = Path(__file__).resolve().parent
PRE_GEN_HOOK = TEMPLATE / "hooks" / "pre_gen_project.py"

# Options of `cookiecutter` that describe this run only, never the next one.
NOT_REPEATED = {
    "template",
    "extra_context",
    "no_input",
    "replay",
    "replay_file",
    "list_installed",
}


def requirements():
    """The pre-generation hook's RULES as option -> the options it needs."""
    tree = ast.parse(PRE_GEN_HOOK.read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            getattr(target, "id", None) == "RULES" for target in node.targets
        ):
            needs = {}
            for option, needed, _why in ast.literal_eval(node.value):
                needs.setdefault(option, []).append(needed)
            return needs
    raise LookupError(f"no RULES in {PRE_GEN_HOOK}")


def cookiecutter_json():
    """cookiecutter.json's options as written, in its order: [name, value] pairs.

    Pairs rather than a mapping, because Jinja's `tojson` sorts a mapping's keys.
    cookiecutter's own keys (`_extensions`, `__prompts__`...) are left out.
    """
    raw = json.loads((TEMPLATE / "cookiecutter.json").read_text())
    return [[name, value] for name, value in raw.items() if not name.startswith("_")]


def cookiecutter_context():
    """The click context of the `cookiecutter` command running now, or None.

    None when cookiecutter runs as a library (cruft, pytest-cookies) rather than
    from its command line.
    """
    from cookiecutter.cli import main

    context = click.get_current_context(silent=True)
    if context is None or context.find_root().command is not main:
        return None
    return context.find_root()


def command_line():
    """The options given to `cookiecutter`, as words, and `-o` as typed.

    {"options": ["--output-dir", "..", "-f"], "output_dir": ".."} after
    `cookiecutter . -o .. -f`; both None when not run from the command line.
    """
    context = cookiecutter_context()
    if context is None:
        return {"options": None, "output_dir": None}
    words = []
    for param in context.command.params:
        source = context.get_parameter_source(param.name)
        given = source in {
            click.core.ParameterSource.COMMANDLINE,
            click.core.ParameterSource.ENVIRONMENT,
        }
        if not given or param.name in NOT_REPEATED or not param.opts:
            continue
        value = context.params[param.name]
        if getattr(param, "is_flag", False):
            words += [param.opts[0]] if value else []
        else:
            words += [param.opts[0], str(value)]
    return {"options": words, "output_dir": context.params["output_dir"]}


class CommandLine(Extension):
    """Make `command_line` and `cookiecutter_json` globals of every template."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.globals["command_line"] = command_line()
        environment.globals["cookiecutter_json"] = cookiecutter_json()


class FollowingDefaults(Extension):
    """Make each yes/no question default to no when an option it needs was no."""

    answered = {}

    def __init__(self, environment):
        super().__init__(environment)
        FollowingDefaults.answered = {}  # a new environment: a new run of questions
        try:
            from cookiecutter import prompt
        except ImportError:  # rendered without cookiecutter (a test's own Jinja)
            return
        if getattr(prompt.read_user_yes_no, "follows_answers", False):
            return
        asked = prompt.read_user_yes_no
        needs = requirements()

        def read_user_yes_no(var_name, default_value, *args, **kwargs):
            answered = FollowingDefaults.answered
            default = default_value and all(
                answered.get(needed, True) for needed in needs.get(var_name, ())
            )
            answered[var_name] = asked(var_name, default, *args, **kwargs)
            return answered[var_name]

        read_user_yes_no.follows_answers = True
        prompt.read_user_yes_no = read_user_yes_no
