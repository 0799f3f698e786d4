"""Build and run images with buildah on a local Debian base image (no engine)."""

import contextlib
import fcntl
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

# The stand-in for python:<version>-slim (no registry here): a minimal Debian
# rootfs with its python3 (3.11 on bookworm; the projects support 3.11+).
BASE_IMAGE = "localhost/foundry-python:bookworm"
SUITE = "bookworm"
PACKAGES = "python3,python3-venv,python-is-python3,ca-certificates"
BASE_ENV = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
BASE_ENV += ["LANG=C.UTF-8"]
TOOLS = ("buildah", "debootstrap")
APT_SOURCES = (
    Path("/etc/apt/sources.list.d/debian.sources"),
    Path("/etc/apt/sources.list"),
)
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
# All commands share one image store; vfs needs no kernel overlay support.
BUILDAH = ["buildah", "--storage-driver", "vfs"]
RUN_FLAGS = ["--isolation", "chroot", "--network", "host"]


def missing_tools():
    """Return the names of the tools this module needs that are not installed."""
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def buildah(*args, **kwargs):
    """Run one buildah command on the vfs store and return its stripped stdout."""
    done = subprocess.run([*BUILDAH, *args], capture_output=True, text=True, **kwargs)
    if done.returncode:
        output = (done.stdout + done.stderr)[-4000:]
        raise RuntimeError(f"buildah {args[0]} failed ({done.returncode}):\n{output}")
    return done.stdout.strip()


def debian_mirror(sources=APT_SOURCES, suite=SUITE):
    """Return the mirror this machine's apt configuration uses for `suite`."""
    for path in sources:
        if not path.is_file():
            continue
        text = path.read_text()
        for stanza in re.split(r"\n\s*\n", text):  # deb822 .sources format
            fields = dict(re.findall(r"^([\w-]+):\s*(.*)$", stanza, re.M))
            if suite in fields.get("Suites", "").split() and "URIs" in fields:
                return fields["URIs"].split()[0]
        line = rf"^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+{re.escape(suite)}\s"
        match = re.search(line, text, re.M)  # one-line sources.list format
        if match:
            return match.group(1)
    raise RuntimeError(f"no apt source for Debian {suite} in {sources}")


def image_exists(name):
    """Tell whether the vfs store holds an image called `name`."""
    cmd = [*BUILDAH, "inspect", "--type", "image", name]
    return subprocess.run(cmd, capture_output=True).returncode == 0


def ensure_base_image(name=BASE_IMAGE):
    """Create the base image with debootstrap unless it exists; return its name."""
    lock_path = Path(tempfile.gettempdir()) / "foundry-base-image.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel test workers wait here
        if image_exists(name):
            return name
        ctr = buildah("from", "scratch")
        try:
            root = buildah("mount", ctr)
            subprocess.run(
                ["debootstrap", "--variant=minbase", f"--include={PACKAGES}"]
                + [SUITE, root, debian_mirror()],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            for junk in ("var/lib/apt/lists", "var/cache/apt", "usr/share/doc"):
                shutil.rmtree(Path(root, junk), ignore_errors=True)
            buildah("config", *[f"--env={env}" for env in BASE_ENV], ctr)
            buildah("config", "--cmd", "python3", ctr)
            buildah("commit", "--rm", ctr, name)
        except BaseException:
            subprocess.run([*BUILDAH, "rm", ctr], capture_output=True)
            raise
    return name


def build(context, tag, base=BASE_IMAGE):
    """Build the Dockerfile in `context` as `tag`, FROM the local base image."""
    # pip inside the build has no config and reaches PyPI over the host network.
    # The host's PIP_* settings stay out: here they name local file:// folders
    # that do not exist in the build. The host CA bundle is mounted for TLS.
    buildah(
        "bud",
        *RUN_FLAGS,
        "--format=docker",  # the OCI format drops HEALTHCHECK
        "--pull=never",
        f"--volume={CA_BUNDLE}:{CA_BUNDLE}:ro",
        f"--build-arg=PYTHON_IMAGE={base}",
        f"--tag={tag}",
        str(context),
    )
    return tag


def inspect(image):
    """Return the Docker-format configuration of `image` (Cmd, Env, Healthcheck)."""
    return json.loads(buildah("inspect", "--type", "image", image))["Docker"]["config"]


def popen(ctr, argv, env=(), **kwargs):
    """Start `argv` in working container `ctr` with the image's user and workdir."""
    env_flags = [f"--env={item}" for item in env]
    cmd = [*BUILDAH, "run", *RUN_FLAGS, *env_flags, ctr, "--", *argv]
    return subprocess.Popen(cmd, **kwargs)


@contextlib.contextmanager
def working_container(image):
    """Yield a working container of `image` and its mounted root folder."""
    ctr = buildah("from", "--pull=never", image)
    try:
        yield ctr, Path(buildah("mount", ctr))
    finally:
        subprocess.run([*BUILDAH, "rm", ctr], capture_output=True)


def remove_image(image):
    """Delete `image` from the store, ignoring a missing one."""
    subprocess.run([*BUILDAH, "rmi", "--force", image], capture_output=True)


def tree_size(root):
    """Return the bytes of regular files under `root`, not following links."""
    return sum(
        path.lstat().st_size
        for path in Path(root).rglob("*")
        if path.is_file() and not path.is_symlink()
    )


# python -m tests.support.container_image: make the base image ahead of the tests.
if __name__ == "__main__":
    print(ensure_base_image())
