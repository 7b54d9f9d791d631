"""Unit tests for make bench's side-by-side table: medians, ratios, targets and formatting."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import side_by_side as sbs  # noqa: E402  pylint: disable=wrong-import-position


def run(total, read, wall, phase="rollout_2"):
    return {"phases": {phase: {"wall_s": wall, "calls": {"total": total, "read": read, "mutating": total - read}}}}


def test_median_and_ratio():
    assert sbs.median([3, None, 1, 2]) == 2
    assert sbs.median([1, 2]) == 1.5
    assert sbs.median([None]) is None
    assert sbs.ratio(5, 20) == 0.25
    assert sbs.ratio(5, 0) is None and sbs.ratio(None, 3) is None
    assert sbs.fmt_ratio(0.256) == "0.26" and sbs.fmt_ratio(None) == "-"


def test_phase_medians_over_alternating_rounds():
    calls, wall = sbs.phase_medians([run(52, 52, 23.1), run(50, 50, 20.9)], "rollout_2")
    assert calls == {"total": 51, "read": 51, "mutating": 0} and wall == 22.0
    assert sbs.fmt_calls(calls) == "51 (51/0)"
    calls, wall = sbs.phase_medians([run(52, 52, 23.1)], "teardown_1")
    assert sbs.fmt_calls(calls) == "-" and wall is None


def test_target_notes():
    assert sbs.target_note("rollout_2", {"total": 16, "read": 16, "mutating": 0}, 0.30) == "met"
    assert sbs.target_note("rollout_2", {"total": 51, "read": 50, "mutating": 1}, 1.08) == (
        "MISSED: calls 51 > 16, mutating 1 > 0, wall ratio 1.08 > 0.30")
    assert sbs.target_note("teardown_2", {"total": 7, "read": 7, "mutating": 0}, None) == "MISSED: calls 7 > 6"
    assert sbs.target_note("seed", {"total": 7, "read": 7, "mutating": 0}, None) == ""


def test_main_table_prints_the_issue_rows_with_ratios():
    baseline = [run(52, 52, 23.1), run(52, 52, 21.1)]
    ours = [run(51, 51, 25.0), run(51, 51, 24.0)]
    text = sbs.main_table(baseline, ours)
    lines = text.splitlines()
    assert lines[0].split(" | ")[0].strip() == "phase"
    assert set(lines[1]) <= {"-", "+"}
    row = [cell.strip() for cell in lines[3].split(" | ")]
    assert row == ["no-op rerun", "52 (52/0)", "51 (51/0)", "0.98", "22.1", "24.5", "1.11",
                   "MISSED: calls 51 > 16, wall ratio 1.11 > 0.30"]
    assert [line.split(" | ")[0].strip() for line in lines[2:]] == [
        "first rollout", "no-op rerun", "teardown", "teardown again"]


def test_acm_wait_row_target():
    row = sbs.acm_wait_row(20, (24.2, 30.0), 41.0, 32.5, 30.0)
    assert row == ("first rollout, certificate wait 20 s", "41.0", "32.5", "0.79",
                   "added by the wait: base +16.8 s, ours +2.5 s", "met")
    assert sbs.acm_wait_row(20, (None, 30.0), 41.0, 32.5, 30.0)[4] == "added by the wait: base -, ours +2.5 s"
    assert sbs.acm_wait_row(20, (24.2, 10.0), 41.0, 30.0, 10.0)[-1] == "MISSED: > 23.0"


def test_fmt_count():
    assert sbs.fmt_count(0.0) == "0" and sbs.fmt_count(13) == "13" and sbs.fmt_count(None) == "-"


def test_rerun_processes_reads_the_callback_lines():
    side = {"processes": [{"processes": 9, "async_jobs": 0}, {"processes": 18, "async_jobs": 3}]}
    assert sbs.rerun_processes(side, 1) == (18, 3)
    assert sbs.rerun_processes(side, 2) == (None, None)
