"""Unit tests for https_check's retry loop (retries/delay and deadline) and option checks, with a fake clock."""

import pytest

from ansible_collections.webops.https_rollout.plugins.modules import https_check


class FakeTime:
    """A clock that moves only when slept on, or by ``cost`` per check."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def params(**overrides):
    base = {
        "url": "https://shop.example.com/",
        "resolve": [],
        "ca_path": None,
        "validate_certs": True,
        "min_tls_version": None,
        "require_hsts": False,
        "status_code": [200],
        "body_pattern": None,
        "min_days_to_expiry": 0,
        "timeout": 10,
        "max_redirects": 5,
        "retries": 0,
        "delay": 5,
        "deadline": None,
        "spread": None,
    }
    base.update(overrides)
    return base


@pytest.fixture
def answers(monkeypatch):
    """Make check_url fail ``failing`` times, then pass; each check costs one second of fake time."""
    state = {"failing": 0, "calls": 0, "time": FakeTime()}

    def check_url(url, options):  # pylint: disable=unused-argument
        state["calls"] += 1
        state["time"].now += 1
        failures = ["unexpected status 503"] if state["calls"] <= state["failing"] else []
        return {"url": url, "failures": failures}

    monkeypatch.setattr(https_check.https, "check_url", check_url)
    return state


def run(answers, **overrides):  # pylint: disable=redefined-outer-name
    fake = answers["time"]
    return https_check.run_checks(params(**overrides), clock=fake.clock, sleep=fake.sleep)


def test_passes_first_time(answers):  # pylint: disable=redefined-outer-name
    result = run(answers, retries=3)
    assert result["passed"] and result["attempts"] == 1 and answers["time"].sleeps == []


def test_retries_until_it_passes(answers):  # pylint: disable=redefined-outer-name
    answers["failing"] = 2
    result = run(answers, retries=5, delay=7)
    assert result["passed"] and result["attempts"] == 3
    assert answers["time"].sleeps == [7, 7]


def test_retries_run_out(answers):  # pylint: disable=redefined-outer-name
    answers["failing"] = 10
    result = run(answers, retries=2, delay=1)
    assert not result["passed"] and result["attempts"] == 3
    assert result["failures"] == ["unexpected status 503"]


def test_deadline_is_honoured(answers):  # pylint: disable=redefined-outer-name
    answers["failing"] = 100
    result = run(answers, deadline=20, delay=5, retries=0)
    # Tries start at t=0, 6, 12 and 18 (each costs 1 s); the next would start at t=24, past the deadline.
    assert result["attempts"] == 4
    assert answers["time"].sleeps == [5, 5, 5]
    assert answers["time"].now - 1 < 20


def test_deadline_stops_once_it_passes(answers):  # pylint: disable=redefined-outer-name
    answers["failing"] = 1
    result = run(answers, deadline=60, delay=5)
    assert result["passed"] and result["attempts"] == 2


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"url": "shop.example.com"}, "must start with http:// or https://"),
        ({"resolve": ["shop.example.com:443"]}, "must be host:port:address"),
        ({"retries": -1}, "retries=-1 must not be negative"),
        ({"deadline": 0}, "deadline=0 must be a positive number of seconds"),
        ({"body_pattern": "(unclosed"}, "body_pattern='(unclosed' is not a valid regular expression"),
        ({"spread": {"requests": 1, "pattern": "web", "min_distinct": 1}}, "spread.requests=1 must be from 2 to 100"),
        ({"spread": {"requests": 10, "pattern": "(web", "min_distinct": 2}}, "spread.pattern='(web' is not a valid regular expression"),
        ({"spread": {"requests": 10, "pattern": "web", "min_distinct": 0}}, "spread.min_distinct=0 must be at least 1"),
    ],
)
def test_validate(overrides, message):
    assert message in https_check.validate(params(**overrides))


def test_validate_accepts_good_options():
    assert https_check.validate(params(resolve=["shop.example.com:443:192.0.2.1"], deadline=60)) is None
    assert https_check.validate(params(spread={"requests": 10, "pattern": "web[0-9]", "min_distinct": 2})) is None
