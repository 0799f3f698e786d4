"""The Python versions the template offers, and where this machine has them."""

import glob
import json
import os
import shutil
import subprocess

from tests.support.baking import TEMPLATE

PYTHON_VERSIONS = json.loads((TEMPLATE / "cookiecutter.json").read_text())[
    "python_version"
]
# The Pythons CI must have (space-separated): the template's workflow installs every
# offered one, .ci/run lists the ones this machine has. A Python offered but not
# listed is still proven installable from wheels by tests/test_locks.py.
REQUIRED = os.environ.get("FOUNDRY_PYTHONS", " ".join(PYTHON_VERSIONS)).split()


def find_python(version):
    """The interpreter for `version`: pythonX.Y on PATH, or a pyenv install."""
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = sorted(glob.glob(f"{root}/versions/{version}.*/bin/python{version}"))
    found = shutil.which(f"python{version}")
    if found and subprocess.run([found, "-V"], capture_output=True).returncode == 0:
        candidates.append(found)
    return candidates[-1] if candidates else None
