# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Helpers every module of the collection shares.

Nothing here takes the module object: functions take a boto3 client (already
wrapped with :func:`aws_retry`) or plain values, so that they can be unit-tested
and reused by any module.

- :func:`aws_retry`: the retry decorator to pass to ``AnsibleAWSModule.client``.
- :data:`STACK_TAG_KEY` and the ownership helpers.
- :func:`tag_changes`: tag reconciliation that never purges the ownership tag.
- :func:`build_result`: the check-mode/diff aware result of a module run.
- :func:`wait_for`: a poll loop with a real deadline.
"""

from __future__ import annotations

import random
import time

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

#: The tag that marks a resource as owned by one rollout stack.
STACK_TAG_KEY = "https-rollout:stack"

#: Error codes retried on top of those AWSRetry already retries
#: (RequestLimitExceeded, Throttling, ServiceUnavailable, InternalError, ...).
#: ACM throttles with ``ThrottlingException``; ELBv2 and Route 53 use
#: ``Throttling`` and ``PriorRequestNotComplete``; S3-style services ``SlowDown``.
EXTRA_RETRY_CODES = (
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "PriorRequestNotComplete",
    "SlowDown",
    "RequestInProgressException",
)


def aws_retry(retries=10, delay=1, max_delay=30, extra_codes=()):
    """Return a jittered-backoff retry decorator covering every service's throttling codes.

    Pass it as ``module.client(service, retry_decorator=aws_retry())`` and call
    the client's methods with ``aws_retry=True``.
    """
    return AWSRetry.jittered_backoff(
        retries=retries,
        delay=delay,
        max_delay=max_delay,
        catch_extra_error_codes=list(EXTRA_RETRY_CODES) + list(extra_codes),
    )


class RolloutError(Exception):
    """A problem the user must fix, raised by helpers and turned into ``fail_json(msg=...)`` by the module."""


def error_code(exc):
    """The AWS error code of a botocore ClientError, or None for anything else."""
    response = getattr(exc, "response", None) or {}
    return response.get("Error", {}).get("Code")


# ---------------------------------------------------------------------------
# Check-mode predictions
# ---------------------------------------------------------------------------

#: The prefix of an identifier that check mode predicts for a resource it would create. AWS gives the real
#: ARN or ID only on creation, so ``predicted:<kind>:<name>`` stands in for it in the check-mode result, and
#: the modules that take that resource as a reference accept it in check mode (and refuse it in a real run).
PREDICTED_PREFIX = "predicted:"


def predicted_ref(kind, name):
    """The placeholder identifier (ARN, ID or DNS name) of a ``kind`` resource named ``name`` that check mode
    predicts but AWS has not created yet, for example ``predicted:load-balancer:web``."""
    return f"{PREDICTED_PREFIX}{kind}:{name}"


def is_predicted(value):
    """True for a placeholder made by :func:`predicted_ref`."""
    return isinstance(value, str) and value.startswith(PREDICTED_PREFIX)


def predicted_name(value):
    """The name inside a placeholder (``predicted:load-balancer:web`` -> ``web``); any other value as it is."""
    return value.split(":", 2)[2] if is_predicted(value) and value.count(":") >= 2 else value


def predicted_refs_error(option, values, check_mode):
    """Refuse check-mode placeholders outside check mode. Returns the problem, or None.

    ``values`` is one value or a list of them, as the user gave ``option``.
    """
    if check_mode:
        return None
    found = [v for v in (values if isinstance(values, (list, tuple)) else [values]) if is_predicted(v)]
    if not found:
        return None
    return (
        f"{option}: {', '.join(found)} is a check-mode prediction (the resource did not exist when an earlier task "
        "ran in check mode), not a real identifier. Run the task that creates it without --check first."
    )


def missing_reference(option, what, check_mode, warn):
    """A reference (``option``) to ``what``, which does not exist (yet).

    In check mode an earlier task of the play may only have predicted the resource, so the module carries on
    with a warning and predicts the rest. A real run raises :class:`RolloutError` naming the option.
    """
    if check_mode:
        warn(f"{option}: {what} does not exist yet; check mode assumes that an earlier task of the play creates it")
        return
    raise RolloutError(f"{option}: {what} does not exist. Create it first, or correct {option}")


def dependency_problem(problem, check_mode, warn):
    """A change that another resource still blocks (a target group still used by a listener, say).

    In check mode an earlier task of the play may have predicted that resource away, so the problem is a
    warning and the module predicts its own change. A real run raises :class:`RolloutError`.
    """
    if not problem:
        return
    if check_mode:
        warn(f"{problem} (check mode goes on, in case an earlier task of the play removes what blocks it)")
        return
    raise RolloutError(problem)


# ---------------------------------------------------------------------------
# AWS's string values
# ---------------------------------------------------------------------------


def int_or_none(value):
    """An attribute AWS stores as text, as an int; None when missing or not a number ("not set")."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def bool_or_none(value):
    """An attribute AWS stores as ``"true"``/``"false"``, as a bool; None when missing ("not set")."""
    if value in (None, ""):
        return None
    return str(value).lower() == "true"


def aws_text(value):
    """An option's value as AWS stores attributes: booleans as ``true``/``false``, the rest as text."""
    return str(value).lower() if isinstance(value, bool) else str(value)


# ---------------------------------------------------------------------------
# Ownership and tags
# ---------------------------------------------------------------------------


def ownership_argument_spec():
    """``tags``, ``purge_tags`` and ``stack``: the argument spec of the amazon.aws.tags and
    webops.https_rollout.stack documentation fragments, for every module that owns a resource."""
    return {
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
        "stack": {"type": "str"},
    }


def desired_tags(tags, stack):
    """The tags a resource should carry: the user's ``tags`` plus the ownership tag.

    Returns None when neither is given, meaning "leave the tags alone".
    """
    if tags is None and not stack:
        return None
    wanted = dict(tags or {})
    if stack:
        wanted[STACK_TAG_KEY] = stack
    return wanted


def ownership_error(kind, name, current_tags, stack, deleting):
    """Return why this stack may not touch the resource, or None when it may.

    - A resource owned by another stack is never changed nor deleted.
    - A resource with no ownership tag may be adopted (``present``) but is not
      deleted (``absent``): deletes touch only what this stack owns.
    - Without ``stack`` no ownership rule applies.
    """
    if not stack:
        return None
    owner = (current_tags or {}).get(STACK_TAG_KEY)
    if owner == stack:
        return None
    if owner is not None:
        return (
            f"{kind} {name!r} belongs to stack {owner!r} (tag {STACK_TAG_KEY}={owner}), not to stack {stack!r}; "
            "refusing to touch it. Use another name, or manage it from its own stack."
        )
    if deleting:
        return (
            f"{kind} {name!r} exists but does not carry the tag {STACK_TAG_KEY}={stack}; refusing to delete "
            "a resource this stack does not own. Delete it by hand, or tag it first to hand it over."
        )
    return None


def tag_changes(current, wanted, purge):
    """Return ``(to_set, to_remove)`` turning ``current`` into ``wanted``.

    ``wanted`` None means tags are not managed. The ownership tag is never purged,
    so running a module without ``stack`` does not orphan a stack's resource.
    """
    if wanted is None:
        return {}, []
    to_set, to_remove = compare_aws_tags(current or {}, wanted, purge_tags=purge)
    return to_set, sorted(key for key in to_remove if key != STACK_TAG_KEY)


def apply_tag_changes(current, to_set, to_remove):
    """The tag dict after applying ``to_set`` and ``to_remove`` (for check-mode predictions)."""
    result = {k: v for k, v in (current or {}).items() if k not in to_remove}
    result.update(to_set)
    return result


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


def build_result(changed, before, after, diff_mode, **extra):
    """The module result: ``changed``, the resource state at the top level, and a diff.

    ``before`` and ``after`` are the snake_case resource states ({} when the
    resource does not exist). In check mode ``after`` is the predicted state.
    The diff is added only in diff mode, so ordinary output stays small.
    """
    result = dict(after or {})
    result.update(extra)
    result["changed"] = bool(changed)
    if diff_mode:
        result["diff"] = {"before": before or {}, "after": after or {}}
    return result


# ---------------------------------------------------------------------------
# Waiting
# ---------------------------------------------------------------------------


class WaitTimeout(Exception):
    """The deadline passed before the condition held. ``status`` is the last thing seen."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class WaitFailed(Exception):
    """The condition can no longer hold (a terminal failure): stop waiting now."""


#: The first pause of a wait for a resource to be ready (certificate issued, load balancer active, targets healthy).
#: Short, since the wait often starts when the resource is nearly ready (the rollout did other work meanwhile); the
#: pause then grows by half each poll, so a wait of minutes on AWS still costs few calls (2, 5, 9.5, 16, 26, 41 s...).
READY_FIRST_POLL = 2


def wait_for(poll, what, timeout, delay=5, max_delay=30, describe=str, clock=time.monotonic, sleep=time.sleep):
    """Call ``poll()`` until it reports done, or fail once ``timeout`` seconds have passed.

    ``poll()`` returns ``(done, status)``; it may raise :class:`WaitFailed` to stop at once.
    The delay between polls grows with jitter up to ``max_delay`` and never
    sleeps past the deadline, so ``timeout`` is honoured to within one poll.

    Returns ``(status, waited_seconds, polls)``. On timeout raises
    :class:`WaitTimeout` naming ``what`` and the last status, rendered by ``describe``.
    """
    start = clock()
    deadline = start + timeout
    polls = 0
    pause = delay
    while True:
        done, status = poll()
        polls += 1
        now = clock()
        if done:
            return status, round(now - start, 1), polls
        remaining = deadline - now
        if remaining <= 0:
            raise WaitTimeout(
                f"Timed out after {round(timeout)}s waiting for {what}; last seen: {describe(status)}",
                status=status,
            )
        sleep(min(remaining, pause * random.uniform(0.8, 1.2)))
        pause = min(max_delay, pause * 1.5)
