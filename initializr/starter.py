"""The initializr's engine: a template, its bakes, and what they look like."""

import fcntl
import functools
import os
import shutil
import subprocess
import time
from pathlib import Path

from cookiecutter.config import BUILTIN_ABBREVIATIONS
from cookiecutter.repository import determine_repo_dir

from initializr import baking
from initializr.template import Template
from initializr.template import template_files


def running(pid):
    """Whether process `pid` still runs."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def local_template(source, checkout, cache_dir):
    """A local folder for `source`: a path as it is, a repository cloned.

    Each process clones into a folder of its own (a restart gets the fork's
    latest commit; no worker deletes a clone another one bakes from), and
    removes the clones of processes that are gone.
    """
    if Path(source).is_dir():
        return Path(source)
    clones = Path(cache_dir) / "templates"
    clones.mkdir(parents=True, exist_ok=True)
    with open(clones / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for old in clones.iterdir():
            if old.is_dir() and old.name.isdigit() and not running(int(old.name)):
                shutil.rmtree(old, ignore_errors=True)
        mine = clones / str(os.getpid())
        shutil.rmtree(mine, ignore_errors=True)
        mine.mkdir()
        repo_dir, _ = determine_repo_dir(
            template=source,
            abbreviations=BUILTIN_ABBREVIATIONS,  # gh:you/fork, as cookiecutter reads
            clone_to_dir=str(mine),
            checkout=checkout,
            no_input=True,
        )
    return Path(repo_dir)


def commit_time(repo_dir):
    """When the template's files last changed in git (now, outside git)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(repo_dir), "log", "-1", "--format=%ct", "--"]
            + template_files(repo_dir),
            capture_output=True,
            check=True,
            text=True,
            timeout=30,
        )
        return int(done.stdout.strip())
    except (OSError, subprocess.SubprocessError, ValueError):
        return int(time.time())


class Starter:
    """Answers in, archives and previews out; every bake cached by the answers."""

    def __init__(self, source, checkout, cache_dir, entries, timeout):
        # What pages and options.json show of the source: a URL as it is, a local
        # folder by its name only (the server's paths are nobody's business).
        self.source = (
            str(source)
            if "://" in str(source) or "@" in str(source)
            else Path(source).name
        )
        self.template = Template(local_template(source, checkout, cache_dir))
        self.cache = baking.Cache(Path(cache_dir) / "archives", entries)
        self.timeout = timeout
        self.mtime = commit_time(self.template.repo_dir)
        # The template's Jinja extensions, loaded once in the process bakes fork from.
        extensions = self.template.context["cookiecutter"].get("_extensions", [])
        baking.FORKSERVER.set_forkserver_preload(
            ["__main__", "initializr.baking"]
            + [name.partition(".")[0] for name in extensions]
        )
        # The files of recent bakes, for previews (per worker; archives are shared).
        self.files = functools.lru_cache(maxsize=32)(self._files)

    def _make_zip(self, answers):
        """Bake `answers` into a zip: the archive every other is made from."""
        files = baking.bake(self.template.repo_dir, answers, self.timeout)
        return baking.make_zip(answers["project_slug"], files, self.mtime)

    def _make_tar_gz(self, answers):
        """The zip's files as a gzipped tar (no second bake)."""
        files = baking.read_zip(self.archive(answers, "zip"))
        return baking.make_tar_gz(answers["project_slug"], files, self.mtime)

    def key(self, answers):
        """The cache key of `answers`, also the archives' ETag."""
        return baking.cache_key(self.template.version, answers)

    def archive(self, answers, kind):
        """The archive `kind` ("zip" or "tar.gz") of answers the hook accepts."""
        make = self._make_zip if kind == "zip" else self._make_tar_gz
        return self.cache.get(self.key(answers), kind, lambda: make(answers))

    def _files(self, key, frozen):
        return baking.read_zip(self.archive(dict(frozen), "zip"))

    def project(self, answers):
        """{path: (executable, bytes)} of the project baked from `answers`."""
        frozen = tuple(
            (k, tuple(v) if isinstance(v, list) else v) for k, v in answers.items()
        )
        return self.files(self.key(answers), frozen)

    def difference(self, answers, base):
        """(added, removed, changed) paths of `answers`' project against `base`'s.

        The package folder is compared by role, not by name: a project named
        otherwise has the same files, in a folder of another name.
        """
        mine = self._by_role(answers)
        theirs = self._by_role(base)
        added = sorted(p for p in mine if p not in theirs)
        removed = sorted(p for p in theirs if p not in mine)
        changed = sorted(p for p in mine if p in theirs and mine[p] != theirs[p])
        return added, removed, changed

    def _by_role(self, answers):
        slug = answers["project_slug"]
        return {
            self.as_default(path, slug): content
            for path, content in self.project(answers).items()
        }

    def as_default(self, path, slug):
        """`path` with the package folder named as in the default project."""
        default = self.template.defaults["project_slug"]
        return "/".join(default if part == slug else part for part in path.split("/"))

    def with_rules(self, answers, name, value):
        """`answers` with option `name` set to `value`, and the rules applied.

        Turning an option on turns on what it needs; turning one off turns off
        what needs it (the same rules the page's script applies as you click).
        """
        changed = {**answers, name: value}
        options = self.template.options
        todo = [name]
        while todo:
            current = todo.pop()
            if changed[current] is True:
                for needed in options[current].needs:
                    if changed[needed] is not True:
                        changed[needed] = True
                        todo.append(needed)
            elif changed[current] is False:
                for other, option in options.items():
                    if current in option.needs and changed[other] is True:
                        changed[other] = False
                        todo.append(other)
        return changed

    def effects(self, given):
        """What each answer that differs from its default adds, removes and changes.

        Each is measured alone against the default project (with the rules
        applied), so the figures are the option's own, shared by every user.
        Returns (option, value, (added, removed, changed) or refusal) triples.
        """
        defaults = self.template.defaults
        found = []
        for name, option in self.template.options.items():
            value = given.get(name)
            if option.kind == "text" or name not in given or value == defaults[name]:
                continue
            variant = self.with_rules(defaults, name, value)
            refused = self.template.problems(variant)
            if refused:
                found.append((name, value, refused[0][1]))
            else:
                found.append((name, value, self.difference(variant, defaults)))
        return found
