"""Many locks, one per answer set, merged into one Jinja template.

Each file is cut into units (a requirement with its hashes; a `[[package]]` of
uv.lock), the units of every answer set are merged in order, and each run of
units is wrapped in the `{%- if %}` of the dependency conditions that are true
on exactly the answer sets that hold it.
"""

import re
import sys

from locking.template import requirement_conditions

# The Jinja variable holding the project's normalized name in uv.lock's template.
NAME = "package_name"


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
    """{condition: indexes of the answer sets where it holds} of each dependency.

    Of two spellings true on the same answer sets, the shorter is kept.
    """
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


def template_lines(merged, conditions, everything):
    """Merged units as lines, each run of units with the same guard in one `if`."""
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


def requirements_template(merged, conditions, everything):
    """A requirements lock as a template."""
    return "\n".join(template_lines(merged, conditions, everything)) + "\n"


def lock_template(merged, conditions, everything):
    """uv.lock as a template: header, then packages with the project placed by name.

    The project's own `[[package]]` is a macro, called between the two locked
    packages its name sorts between, and its first lines take the project's
    name and version.
    """
    header = [u for u in merged if u[0][0] == "header"]
    project = [u for u in merged if u[0][0] == "project"]
    packages = [u for u in merged if u[0][0] == "package"]
    normalized = "cookiecutter.project_slug | replace('_', '-')" + (
        " | replace('--', '-')" * 5
    )
    body = template_lines(project, conditions, everything)
    for index, line in enumerate(body[:4]):
        line = re.sub(r'^name = ".*"$', f'name = "{{{{ {normalized} }}}}"', line)
        line = re.sub(
            r'^version = ".*"$', 'version = "{{ cookiecutter.version }}"', line
        )
        body[index] = line
    head = template_lines(header, conditions, everything)
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
            lines += template_lines([packages[position]], conditions, everything)
        previous = following
    return "\n".join(lines) + "\n"
