"""The template's own docs: a short README whose links lead to the details."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TEMPLATE = Path(__file__).resolve().parent.parent
README = TEMPLATE / "README.md"
OPTIONS = [
    name
    for name in json.loads((TEMPLATE / "cookiecutter.json").read_text())
    if not name.startswith("_")
]
DOCS = [README, TEMPLATE / "benchmarks" / "README.md", *TEMPLATE.glob("docs/*.md")]
MARKERS = ("<!-- serving.py:begin -->", "<!-- serving.py:end -->")


def section(text, heading):
    """The body of the Markdown section `## heading`."""
    return text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def test_the_readme_reads_in_two_minutes():
    # Figures, the test inventory and each option's details live in the linked
    # files; the README keeps what a newcomer needs first.
    lines = README.read_text().splitlines()
    assert len(lines) <= 170, f"README.md has {len(lines)} lines"
    headings = [line for line in lines if line.startswith("## ")]
    assert headings[0] == "## Quick start"


@pytest.mark.parametrize("option", OPTIONS)
def test_each_option_has_a_readme_line_and_a_section_in_docs_options(option):
    lines = section(README.read_text(), "Options").splitlines()
    assert any(line.startswith("- ") and f"`{option}`" in line for line in lines)
    options_md = (TEMPLATE / "docs" / "options.md").read_text()
    assert f"\n## `{option}`\n" in options_md


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: str(path.relative_to(TEMPLATE)))
def test_relative_links_lead_to_files_of_the_template(doc):
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text())
    local = [link for link in links if "://" not in link]
    missing = [link for link in local if not (doc.parent / link).exists()]
    assert not missing, f"{doc.name} links to missing files: {missing}"


def test_serving_tables_are_written_into_the_benchmarks_readme(tmp_path):
    copy = tmp_path / "benchmarks"
    shutil.copytree(TEMPLATE / "benchmarks", copy)
    before = (copy / "README.md").read_text()
    printed = subprocess.run(
        [sys.executable, "serving.py", "--write-readme"]
        + ["--from-json", "results/2026-11-30-run3.json"],
        cwd=copy,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    after = (copy / "README.md").read_text()
    begin, end = (after.index(marker) for marker in MARKERS)
    assert after[begin + len(MARKERS[0]) : end].strip() == printed.strip()
    # Only what stands between the markers changes.
    assert after[:begin] == before[: before.index(MARKERS[0])]
    assert after[end:] == before[before.index(MARKERS[1]) :]
    assert not any(marker in README.read_text() for marker in MARKERS)
