# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Spread across backends: the ``spread`` option, and the tally of which backend answered each request.
Pure functions: :func:`probe.probe_spread` makes the requests.
"""

from __future__ import annotations

import re

# ---------------------------------------------------------------------------
# Pure: spread across backends
# ---------------------------------------------------------------------------

SPREAD_MAX_REQUESTS = 100


def spread_problem(spread):
    """The first problem with the ``spread`` option (a dict, or None when off), or None."""
    if not spread:
        return None
    requests = spread.get("requests")
    if requests is None:
        requests = 10
    if not 2 <= requests <= SPREAD_MAX_REQUESTS:
        return f"spread.requests={requests} must be from 2 to {SPREAD_MAX_REQUESTS}"
    min_distinct = spread.get("min_distinct")
    if min_distinct is None:
        min_distinct = 2
    if min_distinct < 1:
        return f"spread.min_distinct={min_distinct} must be at least 1"
    if min_distinct > requests:
        return f"spread.min_distinct={min_distinct} can never be reached with spread.requests={requests}: raise spread.requests"
    pattern = spread.get("pattern")
    if not pattern:
        return "spread.pattern is required: a regular expression whose first group names the backend in the body"
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"spread.pattern={pattern!r} is not a valid regular expression: {exc}"
    return None


def backend_name(pattern, text):
    """The backend named in ``text``: the first group of ``pattern`` (the whole match without a group), or None."""
    match = re.search(pattern, text)
    if match is None:
        return None
    if match.re.groups:
        return match.group(1)
    return match.group(0)


def tally_spread(answers, pattern, status_codes):
    """The spread report of ``answers``, each ``{"status": int, "body": str}`` or ``{"error": str}``.

    Returns ``{requests, counts, distinct, unmatched, errors, error_messages}``: an answer with a status outside
    ``status_codes`` is an error, not a backend.
    """
    counts = {}
    unmatched = 0
    messages = []
    for answer in answers:
        if answer.get("error"):
            messages.append(answer["error"])
            continue
        if answer["status"] not in status_codes:
            messages.append(
                f"{answer.get('url') or 'the final URL'} answered {answer['status']}; expected {', '.join(map(str, status_codes))}"
            )
            continue
        name = backend_name(pattern, answer.get("body") or "")
        if name is None:
            unmatched += 1
        else:
            counts[name] = counts.get(name, 0) + 1
    return {
        "requests": len(answers),
        "counts": counts,
        "distinct": len(counts),
        "unmatched": unmatched,
        "errors": len(messages),
        "error_messages": messages,
    }


def _plural(number, word):
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def evaluate_spread(spread, min_distinct, pattern):
    """The failures of a spread report (from :func:`tally_spread`); a list of messages."""
    failures = []
    if spread["errors"]:
        first = spread["error_messages"][0]
        failures.append(f"spread: {spread['errors']} of {spread['requests']} requests failed (first: {first})")
    if spread["distinct"] < min_distinct:
        ranked = sorted(spread["counts"].items(), key=lambda item: (-item[1], item[0]))
        seen = ", ".join(f"{name}: {count}" for name, count in ranked) or "none"
        if spread["unmatched"]:
            seen += f"; {spread['unmatched']} answer(s) did not match spread.pattern {pattern!r}"
        failures.append(
            f"spread: {spread['requests']} requests reached {_plural(spread['distinct'], 'distinct backend')} "
            f"({seen}); spread.min_distinct is {min_distinct}"
        )
    return failures
