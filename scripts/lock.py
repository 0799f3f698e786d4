"""Regenerate the lock files a baked project ships, from the pyproject template.

    python scripts/lock.py            # keep the pinned versions, add what is new
    python scripts/lock.py --upgrade  # re-resolve everything to the newest releases
    python scripts/lock.py --check    # fail if a committed lock file is stale

A baked project must carry a `uv.lock` (and pip's `requirements*.lock`) equal to
what uv writes for the dependencies it chose, but the bake is offline: the lock
comes from the template. So this script, run by the template's developers:

1. renders the generated `pyproject.toml` for every valid answer set that changes
   the dependencies (the options its dependency lists name), keeping one of each
   distinct result;
2. locks their union once (`locks/union/`, committed, so that a rerun keeps the
   versions already tested and only adds what is new), which fixes one version
   per package for every combination;
3. locks and exports each distinct combination with that union as uv's
   preference (uv reads the package index, or its cache, for what the union's
   lock does not record);
4. merges the results into Jinja templates whose `{%- if %}` guards wrap whole
   lines, each guard being the condition (taken from the pyproject template) of
   the direct dependencies that bring the lines in;
5. renders the templates for every combination (and a few project names, which
   move the project's own entry in `uv.lock`) and checks that each rendering is
   byte for byte what uv wrote.
"""

import argparse
import concurrent.futures
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from cookiecutter.environment import StrictEnvironment
from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config

TEMPLATE = Path(__file__).resolve().parent.parent
# cookiecutter.json's _extensions name the template's local_extensions.py, which
# cookiecutter imports from the template's folder: so must the renders here.
sys.path.insert(0, str(TEMPLATE))
PROJECT = TEMPLATE / "{{cookiecutter.project_slug}}"
UNION = TEMPLATE / "locks" / "union"
# The template's own test environment: requirements-dev.txt, pinned with hashes.
TEST_INPUT = "requirements-dev.txt"
TEST_LOCK = "requirements/test.txt"
TEST_COMPILE = [
    "pip",
    "compile",
    "--quiet",
    "--universal",
    "--python-version",
    "3.11",
    "--generate-hashes",
    "--no-strip-extras",
    TEST_INPUT,
    "-o",
    TEST_LOCK,
]
# The generated files: uv's lock, and what pip installs with --require-hashes.
OUTPUTS = {
    "uv.lock": None,
    "requirements.lock": [],
    "requirements-dev.lock": ["--extra", "dev"],
}
# The command each requirements file's header records: rerun it after `uv lock`.
EXPORT = ["export", "--frozen", "--no-emit-project", "--no-annotate"]
# Project names checked besides the default: the project's own [[package]] entry
# sits where its name sorts among the locked packages.
NAMES = ("aaa_app", "mid_app", "zzz_app")
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


def requirement_conditions():
    """Each dependency of the pyproject template with the condition around it.

    Returns (requirement, [conditions]): the full condition first, then simpler
    spellings (an `elif`'s own test) that guard() may use where they hold on
    exactly the same answer sets.
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
            full = " and ".join(f"({f['full']})" for f in stack) if stack else "true"
            if len(stack) == 1:
                full = stack[0]["full"]
            spellings = [full]
            if len(stack) == 1 and stack[0].get("own"):
                spellings.append(stack[0]["own"])
            found.append((match.group(1), spellings))
    return found


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
    pre_gen = load_pre_gen()
    space = []
    for combination in itertools.product(*values):
        candidate = {**answers, **dict(zip(names, combination, strict=True))}
        if not pre_gen.problems(candidate):
            space.append(candidate)
    return names, space


def load_pre_gen():
    """hooks/pre_gen_project.py rendered with the defaults, imported as a module."""
    source = (TEMPLATE / "hooks" / "pre_gen_project.py").read_text()
    rendered = environment().from_string(source).render(cookiecutter=default_answers())
    namespace = {"__name__": "pre_gen_project"}
    exec(compile(rendered, "hooks/pre_gen_project.py", "exec"), namespace)  # noqa: S102
    return type("PreGen", (), {"problems": staticmethod(namespace["problems"])})


def render(env, name, answers):
    """The project's file `name` rendered for `answers`."""
    return env.from_string((PROJECT / name).read_text()).render(cookiecutter=answers)


def uv_binary():
    """The uv of this environment (requirements/test.txt pins it), else uv on PATH."""
    try:
        from uv import find_uv_bin
    except ImportError:
        return shutil.which("uv") or "uv"
    return find_uv_bin()


def uv(*args, cwd):
    """Run uv, failing loudly with its output."""
    command = [uv_binary(), *args]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"uv {' '.join(args)} failed in {cwd}:\n{done.stderr}")
    return done.stdout


def locked_versions(folder):
    """{name: version} of the packages in `folder`'s uv.lock."""
    packages = tomllib.loads((folder / "uv.lock").read_text())["package"]
    return {p["name"]: p["version"] for p in packages if "registry" in p["source"]}


def uv_lock(*args, cwd, versions=None):
    """`uv lock` from uv's cache alone where it can; else reading the index too.

    The first combinations fill the cache; most of the others then need no
    network at all, which makes a run several times faster. Offline, uv takes
    any version it has cached when the preferred one is missing, so a result
    is kept only if every package has its version in `versions` (the union's);
    main() gives the run a cache of its own, which the index filled during this
    very run.
    """
    command = [uv_binary(), "lock", "--offline", *args]
    offline = subprocess.run(command, cwd=cwd, capture_output=True).returncode == 0
    if offline and versions is not None:
        offline = all(
            versions.get(name, version) == version
            for name, version in locked_versions(cwd).items()
        )
    if not offline:
        uv("lock", *args, cwd=cwd)


def lock_union(pyprojects, workdir, upgrade):
    """Lock the union of every combination's dependencies; return its uv.lock."""
    dependencies, extras = set(), {}
    for text in pyprojects:
        project = tomllib.loads(text)["project"]
        dependencies.update(project["dependencies"])
        for extra, items in project.get("optional-dependencies", {}).items():
            extras.setdefault(extra, set()).update(items)
    sample = tomllib.loads(pyprojects[0])["project"]
    lines = [
        "# Every dependency of every answer set: written by scripts/lock.py.",
        "[project]",
        'name = "flask-foundry-union"',
        'version = "0"',
        f'requires-python = "{sample["requires-python"]}"',
        "dependencies = [",
        *(f'    "{item}",' for item in sorted(dependencies)),
        "]",
        "",
        "[project.optional-dependencies]",
    ]
    for extra, items in sorted(extras.items()):
        lines += [f"{extra} = [", *(f'    "{item}",' for item in sorted(items)), "]"]
    lines.append("")
    union = workdir / "union"
    union.mkdir()
    (union / "pyproject.toml").write_text("\n".join(lines))
    if (UNION / "uv.lock").exists() and not upgrade:
        shutil.copy(UNION / "uv.lock", union / "uv.lock")
    uv("lock", *(["--upgrade"] if upgrade else []), cwd=union)
    return union


def lock_one(index, pyproject, union, versions, workdir, dropped):
    """Lock and export one combination, preferring the union's versions."""
    folder = workdir / f"c{index}"
    folder.mkdir()
    (folder / "pyproject.toml").write_text(pyproject)
    shutil.copy(union / "uv.lock", folder / "uv.lock")
    uv_lock(cwd=folder, versions=versions)
    texts = {"uv.lock": (folder / "uv.lock").read_text()}
    packages = tomllib.loads(texts["uv.lock"])["package"]
    for name, extra in OUTPUTS.items():
        if extra is not None:
            uv(*EXPORT, *extra, "-o", name, cwd=folder)
            exported = (folder / name).read_text()
            wanted = requested_extras(packages, extra, exported, dropped)
            texts[name] = with_extras(exported, wanted, name)
    return texts


# ---- Extras: pip before 23.3 needs `coverage[toml]==X` in a --require-hashes file
# when a locked package (pytest-cov) asks for coverage[toml]; uv export strips them.


def canonical(name):
    """A package name as PEP 503 normalizes it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def dropped_extras(union, workdir):
    """{requester: {package: {extra}}} that uv.lock leaves out, from uv's compile.

    uv.lock drops an extra that adds nothing on the Pythons the project allows
    (pytest-cov's coverage[toml] adds tomli before 3.11 only), but pip still
    reads the request from the package's metadata. uv's compile of the union's
    pins, keeping extras, names each extra and who asks for it ("# via").
    """
    pinned = uv("export", "--frozen", "--no-hashes", "--all-extras", cwd=union)
    folder = workdir / "extras"
    folder.mkdir()
    (folder / "pins.txt").write_text(pinned)
    compiled = uv(
        *TEST_COMPILE[:6], "--no-strip-extras", "--no-header", "pins.txt", cwd=folder
    )
    found, current = {}, None
    for line in compiled.splitlines():
        pin = re.match(r"^([A-Za-z0-9._-]+)\[([^\]]+)\]==", line)
        if pin or not line.startswith(" "):
            current = pin
            continue
        via = re.match(r"^\s+#(?:\s+via)?\s+([A-Za-z0-9._-]+)$", line)
        if current and via and via.group(1) != "via":
            for extra in current.group(2).split(","):
                found.setdefault(canonical(via.group(1)), {}).setdefault(
                    canonical(current.group(1)), set()
                ).add(extra.strip())
    return found


def requested_extras(packages, extra, exported, dropped):
    """{package: {extra}} that the project and its locked packages ask for.

    Read from uv.lock's dependency entries: the project's own (its dev extra
    too for requirements-dev.lock), each exported package's, and the optional
    dependencies of each extra so asked for; plus what uv.lock dropped.
    """
    present = {
        canonical(n) for n in re.findall(r"^([A-Za-z0-9._-]+)==", exported, re.M)
    }
    by_name = {p["name"]: p for p in packages}
    wanted = {}

    def ask(entries):
        for entry in entries:
            for name in entry.get("extra", ()):
                wanted.setdefault(entry["name"], set()).add(name)

    for package in packages:
        if "editable" in package["source"]:
            ask(package.get("dependencies", ()))
            for group in extra[1:]:
                ask(package.get("optional-dependencies", {}).get(group, ()))
        elif package["name"] in present:
            ask(package.get("dependencies", ()))
            for name, asked in dropped.get(package["name"], {}).items():
                wanted.setdefault(name, set()).update(asked)
    done = set()
    while pending := {(n, e) for n, es in wanted.items() for e in es} - done:
        for name, asked in sorted(pending):
            done.add((name, asked))
            options = by_name.get(name, {}).get("optional-dependencies", {})
            ask(options.get(asked, ()))
    return {name: asked for name, asked in wanted.items() if name in present}


def with_extras(exported, wanted, name):
    """uv's export with the extras written on each pin, as pip-tools writes them.

    The header then records the command that adds them, so that rerunning the
    header's commands (as the project's CI does) rewrites the file exactly.
    """
    if not wanted:
        return exported
    edits = [
        f"-e 's/^{package}==/{package}[{','.join(sorted(asked))}]==/;'"
        for package, asked in sorted(wanted.items())
    ]
    header = [
        "# then, for pip before 23.3 with --require-hashes, given the extras that",
        "# the project and the locked packages ask for:",
        "#    perl -pi \\",
        *(f"#        {edit} \\" for edit in edits),
        f"#        {name}",
    ]
    lines = exported.split("\n")
    at = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    body = "\n".join(lines[at:])
    for package, asked in wanted.items():
        body = re.sub(
            f"^{re.escape(package)}==",
            f"{package}[{','.join(sorted(asked))}]==",
            body,
            flags=re.M,
        )
    return "\n".join([*lines[:at], *header, body])


# ---- Merging: each file as units (keyed lines or blocks) with guards ----


def lock_units(text):
    """uv.lock as (key, text) units: header lines, packages, the project's lines."""
    parts = text.split("\n\n[[package]]\n")
    units, context = [], ""
    for line in parts[0].split("\n"):
        context = line if line.endswith("[") else context
        units.append((("header", context, line), line + "\n"))
    for part in parts[1:]:
        body = "\n[[package]]\n" + part + ("" if part.endswith("\n") else "\n")
        if 'source = { editable = "." }' in part:
            context = ""
            for line in body.split("\n")[:-1]:
                context = (
                    line if line.endswith("[") or line.startswith("[") else context
                )
                units.append((("project", context, line), line + "\n"))
        else:
            name, version = re.match(r'name = "(.*)"\nversion = "(.*)"', part).groups()
            units.append((("package", name, version), body))
    units[-1] = (units[-1][0], units[-1][1].rstrip("\n") + "\n")
    return units


def export_units(text):
    """A requirements file as one unit per requirement with its hashes."""
    blocks = re.split(r"\n(?=\S)", text.strip("\n"))
    return [((block.split("\n")[0],), block + "\n") for block in blocks if block]


def merge(variants):
    """Merge ordered unit lists; return [(key, text, set of variant indexes)]."""
    order, texts, members = [], {}, {}
    for index, units in enumerate(variants):
        position = 0
        for key, text in units:
            if key in members:
                if texts[key] != text:
                    sys.exit(
                        f"{key} differs between answer sets:\n{texts[key]}\n{text}"
                    )
                position = order.index(key) + 1
            else:
                order.insert(position, key)
                texts[key] = text
                members[key] = set()
                position += 1
            members[key].add(index)
    return [(key, texts[key], members[key]) for key in order]


def atoms(env, space):
    """(condition, indexes of the answer sets where it holds) of each dependency."""
    found = {}
    for _requirement, spellings in requirement_conditions():
        for expression in spellings:
            test = env.compile_expression(expression)
            holds = frozenset(i for i, a in enumerate(space) if test(cookiecutter=a))
            shorter = found.get(holds)
            if shorter is None or len(expression) < len(shorter):
                found[holds] = expression
    return {expression: holds for holds, expression in found.items()}


def guard(members, conditions, everything):
    """The shortest `or` of dependency conditions true exactly on `members`."""
    if members == everything:
        return None
    for expression, holds in sorted(conditions.items(), key=lambda i: len(i[0])):
        if holds == members:
            return expression
    chosen, covered = [], set()
    candidates = [(e, h) for e, h in conditions.items() if h <= members]
    while covered != members and candidates:
        expression, holds = max(
            candidates, key=lambda i: (len(i[1] - covered), -len(i[0]))
        )
        if not holds - covered:
            break
        chosen.append(expression)
        covered |= holds
    if covered != members:
        sys.exit(f"No dependency condition describes the answer sets {sorted(members)}")
    return " or ".join(f"({e})" if " " in e else e for e in sorted(chosen))


def template_lines(merged, conditions, everything, variants_count):
    """Guarded template lines for merged units (members are combination indexes)."""
    del variants_count
    lines, current = [], None
    for _key, text, members in merged:
        expression = guard(members, conditions, everything)
        if expression != current:
            if current is not None:
                lines.append("{%- endif %}")
            if expression is not None:
                lines.append(f"{{%- if {expression} %}}")
            current = expression
        lines.extend(text.rstrip("\n").split("\n") if text != "\n" else [""])
    if current is not None:
        lines.append("{%- endif %}")
    return lines


NAME = "package_name"  # the Jinja variable holding the project's normalized name


def lock_template(merged, conditions, everything):
    """uv.lock as a template: header, then packages with the project placed by name."""
    header = [u for u in merged if u[0][0] == "header"]
    project = [u for u in merged if u[0][0] == "project"]
    packages = [u for u in merged if u[0][0] == "package"]
    normalized = "cookiecutter.project_slug | replace('_', '-')" + (
        " | replace('--', '-')" * 5
    )
    body = template_lines(project, conditions, everything, 0)
    body = [
        re.sub(r'^name = ".*"$', f'name = "{{{{ {normalized} }}}}"', line, count=1)
        if index < 4
        else line
        for index, line in enumerate(body)
    ]
    body = [
        re.sub(r'^version = ".*"$', 'version = "{{ cookiecutter.version }}"', line)
        if index < 4
        else line
        for index, line in enumerate(body)
    ]
    head = template_lines(header, conditions, everything, 0)
    lines = [
        head[0],
        f"{{%- set {NAME} = {normalized} %}}",
        "{%- macro project() %}",
        *body,
        "{%- endmacro %}",
        *head[1:],
    ]
    names = [key[1] for key, _text, _members in packages]
    previous = None
    for position in range(len(packages) + 1):
        following = names[position] if position < len(packages) else None
        if previous != following:
            parts = [f'"{previous}"'] if previous else []
            parts += [NAME] + ([f'"{following}"'] if following else [])
            test = " < ".join(parts)
            lines += [f"{{%- if {test} %}}", "{{- project() }}", "{%- endif %}"]
        if position < len(packages):
            lines += template_lines([packages[position]], conditions, everything, 0)
        previous = following
    return "\n".join(lines) + "\n"


def requirements_template(merged, conditions, everything):
    """A requirements lock as a template."""
    return "\n".join(template_lines(merged, conditions, everything, 0)) + "\n"


def generate(workdir, upgrade):
    """Lock every combination into `workdir`; return {file name: template text}."""
    env = environment()
    names, space = option_space(default_answers())
    rendered = [render(env, "pyproject.toml", answers) for answers in space]
    distinct = sorted(set(rendered))
    print(
        f"{len(space)} valid answer sets over {', '.join(names)};"
        f" {len(distinct)} distinct dependency lists"
    )
    started = time.monotonic()
    union = lock_union(distinct, workdir, upgrade)
    versions = locked_versions(union)
    dropped = dropped_extras(union, workdir)
    print(f"union locked in {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(
            pool.map(
                lambda i: lock_one(i, distinct[i], union, versions, workdir, dropped),
                range(len(distinct)),
            )
        )
    print(
        f"{len(distinct)} combinations locked and exported"
        f" in {time.monotonic() - started:.1f} s"
    )
    by_space = [results[distinct.index(text)] for text in rendered]
    conditions = atoms(env, space)
    everything = set(range(len(space)))
    templates = {}
    for name in OUTPUTS:
        split = lock_units if name == "uv.lock" else export_units
        merged = merge([split(result[name]) for result in by_space])
        build = lock_template if name == "uv.lock" else requirements_template
        templates[name] = build(merged, conditions, everything)
    templates["union"] = union
    return env, space, by_space, templates


def verify(env, space, by_space, templates):
    """Every combination renders to exactly what uv wrote; return the count checked."""
    checked = 0
    compiled = {name: env.from_string(templates[name]) for name in OUTPUTS}
    for answers, expected in zip(space, by_space, strict=True):
        for name, template in compiled.items():
            got = template.render(cookiecutter=answers)
            if got != expected[name]:
                import difflib

                diff = "".join(
                    difflib.unified_diff(
                        expected[name].splitlines(True),
                        got.splitlines(True),
                        "uv",
                        "template",
                    )
                )
                sys.exit(f"{name} renders wrong for {answers}:\n{diff[:4000]}")
            checked += 1
    return checked


def verify_names(env, space, templates, workdir):
    """The project's entry moves with its name: let uv check a few names."""
    answers = space[0]
    for slug in NAMES:
        folder = workdir / f"name-{slug}"
        folder.mkdir()
        named = {**answers, "project_slug": slug}
        (folder / "pyproject.toml").write_text(render(env, "pyproject.toml", named))
        (folder / "uv.lock").write_text(
            env.from_string(templates["uv.lock"]).render(cookiecutter=named)
        )
        before = (folder / "uv.lock").read_text()
        uv_lock("--locked", cwd=folder)
        uv_lock(cwd=folder)
        if (folder / "uv.lock").read_text() != before:
            sys.exit(f"uv rewrites the lock of a project named {slug}")


def pins(text):
    """{name: "name==version"} of a requirements file's pinned lines."""
    found = re.findall(
        r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", text, re.MULTILINE
    )
    return {name.lower(): f"{name}=={version}" for name, version in found}


def lock_test_environment(workdir, union, upgrade):
    """requirements/test.txt compiled from requirements-dev.txt; return its text.

    The test suite runs baked projects' tests in this environment, so the packages
    it shares with the projects get the versions of their lock: the union's pins
    are uv's preferences (read from the output file), then the previous ones.
    """
    folder = workdir / "test-environment"
    (folder / "requirements").mkdir(parents=True)
    shutil.copy(TEMPLATE / TEST_INPUT, folder / TEST_INPUT)
    previous = TEMPLATE / TEST_LOCK
    preferred = {} if upgrade or not previous.exists() else pins(previous.read_text())
    exported = uv("export", "--frozen", "--no-hashes", "--all-extras", cwd=union)
    preferred.update(pins(exported))
    (folder / TEST_LOCK).write_text("\n".join(sorted(preferred.values())) + "\n")
    uv(*TEST_COMPILE, cwd=folder)
    text = (folder / TEST_LOCK).read_text()
    locked, shared = pins(exported), pins(text)
    differ = sorted(
        f"{locked[name]} (test suite: {shared[name]})"
        for name in locked.keys() & shared.keys()
        if locked[name] != shared[name]
    )
    if differ:
        print("test environment differs from the project locks:", ", ".join(differ))
    return text


def main():
    """Regenerate (or --check) the lock templates."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--upgrade", action="store_true", help="newest releases")
    parser.add_argument("--check", action="store_true", help="fail if stale")
    options = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="flask-foundry-lock-") as tmp:
        workdir = Path(tmp)
        # A cache of this run's own: what other uv runs cached (older index
        # pages, the versions a lowest-bounds install fetched) cannot leak in.
        os.environ["UV_CACHE_DIR"] = str(workdir / "uv-cache")
        env, space, by_space, templates = generate(workdir, options.upgrade)
        checked = verify(env, space, by_space, templates)
        verify_names(env, space, templates, workdir)
        print(
            f"{checked} renderings equal uv's output; names {', '.join(NAMES)} accepted"
        )
        union = templates.pop("union")
        targets = {PROJECT / name: text for name, text in templates.items()}
        for name in ("pyproject.toml", "uv.lock"):
            targets[UNION / name] = (union / name).read_text()
        targets[TEMPLATE / TEST_LOCK] = lock_test_environment(
            workdir, union, options.upgrade
        )
        stale = [
            path
            for path, text in targets.items()
            if not path.exists() or path.read_text() != text
        ]
        if options.check:
            for path in stale:
                print(f"stale: {path.relative_to(TEMPLATE)}")
            print(f"done in {time.monotonic() - started:.1f} s")
            return 1 if stale else 0
        for path in stale:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(targets[path])
            print(f"wrote {path.relative_to(TEMPLATE)}")
    print(f"done in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
