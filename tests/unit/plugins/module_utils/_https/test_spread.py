"""Unit tests for _https/spread.py: the spread option and the tally of the backends."""

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils._https import spread as https_spread


HOST_PATTERN = r'"host":\s*"([^"]+)"'


def answer(host=None, status=200, body=None):
    return {"url": "https://shop.example.com/", "status": status, "body": body if body is not None else '{"host": "%s"}' % host}


@pytest.mark.parametrize(
    "spread, problem",
    [
        (None, None),
        ({"requests": 10, "pattern": HOST_PATTERN, "min_distinct": 2}, None),
        ({"requests": 2, "pattern": "web[0-9]", "min_distinct": 1}, None),
        ({"requests": 100, "pattern": "x", "min_distinct": 100}, None),
        ({"requests": 1, "pattern": "x", "min_distinct": 1}, "spread.requests=1 must be from 2 to 100"),
        ({"requests": 101, "pattern": "x", "min_distinct": 2}, "spread.requests=101 must be from 2 to 100"),
        ({"requests": 10, "pattern": "x", "min_distinct": 0}, "spread.min_distinct=0 must be at least 1"),
        ({"requests": 3, "pattern": "x", "min_distinct": 4}, "spread.min_distinct=4 can never be reached with spread.requests=3"),
        ({"requests": 10, "pattern": "", "min_distinct": 2}, "spread.pattern is required"),
        ({"requests": 10, "pattern": "(web", "min_distinct": 2}, "spread.pattern='(web' is not a valid regular expression"),
    ],
)
def test_spread_problem(spread, problem):
    found = https_spread.spread_problem(spread)
    if problem is None:
        assert found is None
    else:
        assert problem in found


@pytest.mark.parametrize(
    "pattern, text, name",
    [
        (HOST_PATTERN, '{"app": "webapp", "host": "web1", "identity": "x"}', "web1"),
        (HOST_PATTERN, '{"app": "webapp"}', None),
        (r"web[0-9]+", "served by web12 today", "web12"),  # no group: the whole match
        (r"(?:node|web)-(\w+)", "web-b", "b"),  # the first capturing group
        (r"(web1)|(web2)", "web2", None),  # the first group took no part: unmatched
    ],
)
def test_backend_name(pattern, text, name):
    assert https_spread.backend_name(pattern, text) == name


def test_tally_spread_counts_backends_unmatched_and_errors():
    answers = [answer("web1"), answer("web2"), answer("web1"), answer(body="maintenance"), answer("web2", status=502),
               {"error": "connection refused by 127.0.0.1:443 (for shop.example.com)"}, answer("web1")]
    tally = https_spread.tally_spread(answers, HOST_PATTERN, [200])
    assert tally == {
        "requests": 7,
        "counts": {"web1": 3, "web2": 1},
        "distinct": 2,
        "unmatched": 1,
        "errors": 2,
        "error_messages": [
            "https://shop.example.com/ answered 502; expected 200",
            "connection refused by 127.0.0.1:443 (for shop.example.com)",
        ],
    }


def test_tally_spread_honours_the_status_codes():
    tally = https_spread.tally_spread([answer("web1", status=401), answer("web2", status=200)], HOST_PATTERN, [200, 401])
    assert tally["counts"] == {"web1": 1, "web2": 1} and tally["errors"] == 0


def test_evaluate_spread_passes_with_enough_backends():
    tally = https_spread.tally_spread([answer("web1"), answer("web2"), answer("web1")], HOST_PATTERN, [200])
    assert https_spread.evaluate_spread(tally, 2, HOST_PATTERN) == []
    assert https_spread.evaluate_spread(tally, 3, HOST_PATTERN) != []


def test_evaluate_spread_names_the_one_backend():
    tally = https_spread.tally_spread([answer("web1")] * 10, HOST_PATTERN, [200])
    assert https_spread.evaluate_spread(tally, 2, HOST_PATTERN) == [
        "spread: 10 requests reached 1 distinct backend (web1: 10); spread.min_distinct is 2"
    ]


def test_evaluate_spread_ranks_backends_and_names_unmatched():
    tally = https_spread.tally_spread([answer("b"), answer("a"), answer("b"), answer(body="{}")], HOST_PATTERN, [200])
    assert https_spread.evaluate_spread(tally, 3, HOST_PATTERN) == [
        "spread: 4 requests reached 2 distinct backends (b: 2, a: 1; 1 answer(s) did not match spread.pattern %r); "
        "spread.min_distinct is 3" % HOST_PATTERN
    ]
    nothing = https_spread.tally_spread([answer(body="{}")] * 2, HOST_PATTERN, [200])
    assert https_spread.evaluate_spread(nothing, 1, HOST_PATTERN)[0].startswith("spread: 2 requests reached 0 distinct backends (none; 2 answer(s)")


def test_evaluate_spread_fails_on_errors_even_with_enough_backends():
    tally = https_spread.tally_spread([answer("web1"), answer("web2"), answer("web2", status=503)], HOST_PATTERN, [200])
    assert https_spread.evaluate_spread(tally, 2, HOST_PATTERN) == [
        "spread: 1 of 3 requests failed (first: https://shop.example.com/ answered 503; expected 200)"
    ]
