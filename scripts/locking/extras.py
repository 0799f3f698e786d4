"""Extras on the exported pins, as pip before 23.3 needs them.

With --require-hashes, pip before 23.3 wants `coverage[toml]==X` in the file
when a locked package (pytest-cov) asks for coverage[toml]; `uv export` strips
the extras, so they are read from uv.lock (and from uv's compile, for those
uv.lock leaves out) and written back on the pins.
"""

import re

from locking.uv import COMPILE
from locking.uv import uv


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
    compiled = uv(*COMPILE, "--no-strip-extras", "--no-header", "pins.txt", cwd=folder)
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
