"""Running uv: the union's lock, and each lock from the cache where it can."""

import shutil
import subprocess
import sys
import tomllib

from locking.template import TEMPLATE

UNION = TEMPLATE / "locks" / "union"
# uv's compile as the template's test environment runs it: for every platform,
# the oldest Python a project may choose.
COMPILE = ["pip", "compile", "--quiet", "--universal", "--python-version", "3.11"]


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
    scripts/lock.py gives the run a cache of its own, which the index filled
    during this very run.
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
    """Lock the union of every combination's dependencies; return its folder.

    It starts from the committed locks/union/uv.lock (unless `upgrade`), so a
    rerun keeps the versions already tested and only adds what is new.
    """
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
