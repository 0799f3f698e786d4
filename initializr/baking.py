"""Bake answers into archives: in a child process with a time limit, cached on disk."""

import contextlib
import fcntl
import gzip
import hashlib
import io
import json
import multiprocessing
import os
import signal
import stat
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

from cookiecutter.generate import generate_files

FORMATS = ("zip", "tar.gz")
# A forkserver preloaded with cookiecutter: each bake is a fork of a clean,
# single-threaded process (cheap, and safe from any thread), which can be killed.
# The main module (gunicorn's, flask's, pytest's) is preloaded too, as
# multiprocessing does by default, so that no bake imports it again.
FORKSERVER = multiprocessing.get_context("forkserver")
FORKSERVER.set_forkserver_preload(["__main__", "initializr.baking"])


class BakeError(Exception):
    """The template failed to bake answers its hook accepted (its output attached)."""


class BakeTimeout(BakeError):
    """The bake ran past its time limit and was stopped."""


def _bake_in_child(repo_dir, answers, output_dir, log):
    """Child process: bake with cookiecutter's API, the hooks' output to `log`."""
    os.setsid()  # its own process group, so the hooks it runs are killed with it
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    generate_files(
        repo_dir=repo_dir, context={"cookiecutter": answers}, output_dir=output_dir
    )


def bake(repo_dir, answers, timeout):
    """Bake `answers` in a temporary folder; return the project's files.

    The files come back as {relative path: (executable, bytes)}, the folder is
    removed whatever happens, and a bake slower than `timeout` seconds is
    killed with every process it started.
    """
    with tempfile.TemporaryDirectory(prefix="initializr-") as workdir:
        log = Path(workdir) / "bake.log"
        output = Path(workdir) / "out"
        child = FORKSERVER.Process(
            target=_bake_in_child,
            args=(str(repo_dir), answers, str(output), str(log)),
            daemon=True,
        )
        child.start()
        child.join(timeout)
        if child.exitcode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.join()
            raise BakeTimeout(f"the bake took longer than {timeout} s")
        if child.exitcode != 0:
            text = log.read_text(errors="replace") if log.exists() else ""
            raise BakeError(text[-4000:])
        project = output / answers["project_slug"]
        return read_tree(project)


def read_tree(project):
    """{relative path: (executable, bytes)} of every file under `project`, sorted."""
    files = {}
    for path in sorted(project.rglob("*")):
        if path.is_file() and not path.is_symlink():
            executable = bool(path.stat().st_mode & stat.S_IXUSR)
            files[path.relative_to(project).as_posix()] = (
                executable,
                path.read_bytes(),
            )
    return files


def folders(files):
    """Every folder that holds a file, parents first."""
    found = set()
    for path in files:
        parts = path.split("/")[:-1]
        found.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return sorted(found)


def make_zip(root, files, mtime):
    """A zip of `files` under the folder `root`, with fixed dates and modes."""
    date = time.gmtime(max(mtime, 315532800))[:6]  # zip dates start in 1980
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for folder in folders(files):
            info = zipfile.ZipInfo(f"{root}/{folder}/", date)
            info.external_attr = (stat.S_IFDIR | 0o755) << 16 | 0x10
            archive.writestr(info, b"")
        for path, (executable, data) in files.items():
            info = zipfile.ZipInfo(f"{root}/{path}", date)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def make_tar_gz(root, files, mtime):
    """A gzipped tar of `files` under the folder `root`, owned by root, fixed dates."""
    buffer = io.BytesIO()
    with (
        # mtime=0: the gzip header carries no date, so archives are reproducible.
        gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=6, mtime=0) as packed,
        tarfile.open(fileobj=packed, mode="w", format=tarfile.PAX_FORMAT) as archive,
    ):
        for folder in [root, *(f"{root}/{f}" for f in folders(files))]:
            info = tarfile.TarInfo(folder)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, mtime
            archive.addfile(info)
        for path, (executable, data) in files.items():
            info = tarfile.TarInfo(f"{root}/{path}")
            info.size, info.mtime = len(data), mtime
            info.mode = 0o755 if executable else 0o644
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def read_zip(data):
    """{relative path: (executable, bytes)} of an archive made by make_zip."""
    files = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            path = info.filename.partition("/")[2]
            executable = bool((info.external_attr >> 16) & stat.S_IXUSR)
            files[path] = (executable, archive.read(info))
    return files


def cache_key(version, answers):
    """The name of a bake: the template's version, today's date and the answers.

    The date is there because a template may render it (the LICENSE's year).
    """
    public = {k: v for k, v in answers.items() if not k.startswith("_")}
    text = json.dumps(
        [version, time.strftime("%Y-%m-%d", time.gmtime()), public], sort_keys=True
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class Cache:
    """Archives on disk, shared by the server's workers, at most `entries` bakes.

    A lock file per archive makes a second worker asking for the same answers
    wait for the first one's archive instead of baking it again. The least
    recently used bakes are removed beyond `entries`.
    """

    def __init__(self, folder, entries):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.entries = entries

    def path(self, key, kind):
        """Where the archive `kind` (zip or tar.gz) of bake `key` is kept."""
        return self.folder / f"{key}.{kind}"

    def get(self, key, kind, make):
        """The archive `kind` of bake `key`, made by `make()` (its bytes) on a miss."""
        path = self.path(key, kind)
        for _ in range(3):  # another worker may evict it between the two steps
            if not path.exists():
                self._make(path, make)
            with contextlib.suppress(FileNotFoundError):
                data = path.read_bytes()
                os.utime(path)  # just used: the eviction keeps the most recent
                return data
        raise BakeError("the cache folder keeps losing its archives")

    def _make(self, path, make):
        """Make the archive once, even when several workers ask at the same time."""
        with open(path.with_name(path.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if path.exists():
                return
            partial = path.with_name(path.name + ".partial")
            partial.write_bytes(make())
            partial.replace(path)
        self._evict()

    def _evict(self):
        """Remove the least recently used bakes beyond the limit."""
        used = {}
        for path in self.folder.glob("*.*"):
            key = path.name.partition(".")[0]
            if path.suffix in (".lock", ".partial"):
                continue  # not an archive: says nothing of when it was used
            with contextlib.suppress(FileNotFoundError):
                used[key] = max(used.get(key, 0), path.stat().st_mtime)
        for key in sorted(used, key=used.get, reverse=True)[self.entries :]:
            for path in self.folder.glob(f"{key}.*"):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
