"""requirements/test.txt: the template's own test environment, pinned with hashes."""

import re
import shutil

from locking.template import TEMPLATE
from locking.uv import COMPILE
from locking.uv import uv

TEST_INPUT = "requirements-dev.txt"
TEST_LOCK = "requirements/test.txt"
TEST_COMPILE = [
    *COMPILE,
    "--generate-hashes",
    "--no-strip-extras",
    TEST_INPUT,
    "-o",
    TEST_LOCK,
]


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
