"""Fixtures and hooks of the template's tests; their helpers live in tests/support."""

import pytest

from tests.support import baking

# What keeps a test out of the quick loop: a prerequisite beyond this Python and
# its packages, or a long run (pyproject.toml registers the markers).
NOT_QUICK = ("server", "image", "browser", "pythons", "network", "slow")


@pytest.fixture(scope="session", autouse=True)
def templates_compiled_once():
    """Every in-process bake reuses the templates that earlier bakes compiled."""
    with baking.templates_compiled_once():
        yield


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Mark `quick` each test that has none of NOT_QUICK, before -m selects."""
    for item in items:
        if not any(item.get_closest_marker(name) for name in NOT_QUICK):
            item.add_marker(pytest.mark.quick)


def pytest_terminal_summary(terminalreporter):
    """Print the figures tests recorded with record_property("figure", ...)."""
    figures = [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        for name, value in getattr(report, "user_properties", ())
        if name == "figure"
    ]
    if figures:
        terminalreporter.section("figures (measured, not asserted)")
        for figure in dict.fromkeys(figures):
            terminalreporter.write_line(figure)
