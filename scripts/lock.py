"""Regenerate the lock files a baked project ships, from the pyproject template.

    python scripts/lock.py            # keep the pinned versions, add what is new
    python scripts/lock.py --upgrade  # re-resolve everything to the newest releases
    python scripts/lock.py --check    # fail if a committed lock file is stale

A baked project must carry a `uv.lock` (and pip's `requirements*.lock`) equal to
what uv writes for the dependencies it chose, but the bake is offline: the lock
comes from the template. So this script, run by the template's developers:

1. renders the generated `pyproject.toml` for every valid answer set that changes
   the dependencies (the options its dependency lists name), keeping one of each
   distinct result (locking/template.py);
2. locks their union once (`locks/union/`, committed, so that a rerun keeps the
   versions already tested and only adds what is new), which fixes one version
   per package for every combination (locking/uv.py);
3. locks and exports each distinct combination with that union as uv's
   preference (uv reads the package index, or its cache, for what the union's
   lock does not record), writing on each pin the extras old pips need
   (locking/extras.py);
4. merges the results into Jinja templates whose `{%- if %}` guards wrap whole
   lines, each guard being the condition (taken from the pyproject template) of
   the direct dependencies that bring the lines in (locking/merge.py);
5. renders the templates for every combination (and a few project names, which
   move the project's own entry in `uv.lock`) and checks that each rendering is
   byte for byte what uv wrote;
6. compiles the template's own test environment, requirements/test.txt, with the
   union's versions preferred (locking/test_environment.py).
"""

import argparse
import concurrent.futures
import difflib
import os
import shutil
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from locking import extras
from locking import merge
from locking.template import PROJECT
from locking.template import TEMPLATE
from locking.template import default_answers
from locking.template import environment
from locking.template import option_space
from locking.template import render
from locking.test_environment import TEST_LOCK
from locking.test_environment import lock_test_environment
from locking.uv import UNION
from locking.uv import lock_union
from locking.uv import locked_versions
from locking.uv import uv
from locking.uv import uv_lock

# The generated files: uv's lock, and what pip installs with --require-hashes
# (with the extra that `uv export` is given for it).
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
            wanted = extras.requested_extras(packages, extra, exported, dropped)
            texts[name] = extras.with_extras(exported, wanted, name)
    return texts


def generate(env, space, workdir, upgrade):
    """Lock every answer set; return the union's folder, uv's files per answer
    set, and {file name: template text}."""
    rendered = [render(env, "pyproject.toml", answers) for answers in space]
    distinct = sorted(set(rendered))
    print(f"{len(distinct)} distinct dependency lists")
    started = time.monotonic()
    union = lock_union(distinct, workdir, upgrade)
    versions = locked_versions(union)
    dropped = extras.dropped_extras(union, workdir)
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
    conditions = merge.atoms(env, space)
    everything = set(range(len(space)))
    templates = {}
    for name in OUTPUTS:
        split = merge.lock_units if name == "uv.lock" else merge.export_units
        merged = merge.merge([split(result[name]) for result in by_space])
        build = (
            merge.lock_template if name == "uv.lock" else merge.requirements_template
        )
        templates[name] = build(merged, conditions, everything)
    return union, by_space, templates


def verify(env, space, by_space, templates):
    """Every combination renders to exactly what uv wrote; return the count checked."""
    checked = 0
    compiled = {name: env.from_string(templates[name]) for name in OUTPUTS}
    for answers, expected in zip(space, by_space, strict=True):
        for name, template in compiled.items():
            got = template.render(cookiecutter=answers)
            if got != expected[name]:
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


def verify_names(env, answers, lock_template, workdir):
    """The project's entry moves with its name: let uv check a few names."""
    for slug in NAMES:
        folder = workdir / f"name-{slug}"
        folder.mkdir()
        named = {**answers, "project_slug": slug}
        (folder / "pyproject.toml").write_text(render(env, "pyproject.toml", named))
        (folder / "uv.lock").write_text(
            env.from_string(lock_template).render(cookiecutter=named)
        )
        before = (folder / "uv.lock").read_text()
        uv_lock("--locked", cwd=folder)
        uv_lock(cwd=folder)
        if (folder / "uv.lock").read_text() != before:
            sys.exit(f"uv rewrites the lock of a project named {slug}")


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
        env = environment()
        names, space = option_space(default_answers())
        print(f"{len(space)} valid answer sets over {', '.join(names)};", end=" ")
        union, by_space, templates = generate(env, space, workdir, options.upgrade)
        checked = verify(env, space, by_space, templates)
        verify_names(env, space[0], templates["uv.lock"], workdir)
        print(
            f"{checked} renderings equal uv's output; names {', '.join(NAMES)} accepted"
        )
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
