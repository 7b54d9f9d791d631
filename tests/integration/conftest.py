"""pytest plumbing for the integration targets: harness imports and the API call summary."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).resolve().parent.parent / "harness"
if str(HARNESS) not in sys.path:
    sys.path.insert(0, str(HARNESS))

# Per-target API call tables, filled by test_targets.py, printed after the run.
API_CALL_TABLES = pytest.StashKey[dict]()


def pytest_configure(config):
    """Give the session an empty table store and, for a whole run, drop results of earlier runs.

    A run of selected targets (``-k``) leaves the others' results alone: several such runs may go on at once,
    and each target rewrites its own files.
    """
    config.stash[API_CALL_TABLES] = {}
    if config.option.keyword:
        return
    results = Path(__file__).resolve().parents[2] / ".build" / "results"
    for stale in [*results.glob("api_calls/*.json"), *results.glob("integration/*.log")]:
        stale.unlink()


@pytest.fixture
def api_call_tables(pytestconfig):
    """Return the session's {target: table} store for the terminal summary."""
    return pytestconfig.stash[API_CALL_TABLES]


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # pylint: disable=unused-argument
    """Print the per-phase API call table of every target that ran."""
    tables = config.stash.get(API_CALL_TABLES, {})
    if not tables:
        return
    terminalreporter.section("AWS API calls per phase")
    for target, table in sorted(tables.items()):
        terminalreporter.write_line(f"[{target}]")
        terminalreporter.write_line(table)
        terminalreporter.write_line("")
