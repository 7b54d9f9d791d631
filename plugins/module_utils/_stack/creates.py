# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A create whose answer was lost is found, not duplicated.

CreateLoadBalancer is not idempotent everywhere (an emulator makes a second load balancer of the same name), and
botocore's own retries would send the create again, unseen. The engine's creates go through a client without
botocore retries; when one fails in a way that may hide a success (a 5xx, a connection error, a "duplicate name"),
the resource is looked up by name and ownership tag before the create is tried again.
"""

from __future__ import annotations

import time

try:
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
except ImportError:
    pass  # the module reports a missing botocore

from ansible_collections.webops.https_rollout.plugins.module_utils._elb import api
from ansible_collections.webops.https_rollout.plugins.module_utils.common import STACK_TAG_KEY
from ansible_collections.webops.https_rollout.plugins.module_utils.common import EXTRA_RETRY_CODES
from ansible_collections.webops.https_rollout.plugins.module_utils.common import error_code

#: Errors after which AWS may have acted: look before creating again.
MAYBE_DONE_CODES = frozenset((
    "InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable", "RequestTimeout",
    "DuplicateLoadBalancerName", "DuplicateTargetGroupName",
    "Throttling", "ThrottlingException", "RequestLimitExceeded",
) + tuple(EXTRA_RETRY_CODES))


def _maybe_done(exc):
    if isinstance(exc, BotoCoreError):
        return True  # no answer at all (connection closed, read timeout)
    status = (getattr(exc, "response", None) or {}).get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
    return error_code(exc) in MAYBE_DONE_CODES or status >= 500


def create_once(create, find, attempts=5, delay=1.0, sleep=time.sleep):
    """``create()``, retried only after ``find()`` (by name and ownership tag) found nothing; returns what either
    gave. An error that cannot hide a success is raised at once."""
    error = None
    for attempt in range(attempts):
        if attempt:
            found = find()
            if found is not None:
                return found
            sleep(min(delay * 2 ** (attempt - 1), 10))
        try:
            return create()
        except (BotoCoreError, ClientError) as exc:
            if not _maybe_done(exc):
                raise
            error = exc
    raise error


def _owned(client, arn, stack):
    return api.get_tags(client, [arn]).get(arn, {}).get(STACK_TAG_KEY) == stack


def load_balancer_creator(clients, stack):
    """The ``create`` of ``ensure_load_balancer_present``: CreateLoadBalancer once, then look before again."""

    def create(request):
        def find():
            lb = api.describe_load_balancer(clients.elbv2(), name=request["Name"])
            if lb is not None and _owned(clients.elbv2(), lb["LoadBalancerArn"], stack):
                return {"LoadBalancers": [lb]}
            return None

        return create_once(lambda: clients.elbv2_once().create_load_balancer(**request), find)

    return create


def target_group_creator(clients, stack):
    """The ``create`` of ``ensure_target_group_present``: CreateTargetGroup once, then look before again."""

    def create(request):
        def find():
            group = api.get_target_group(clients.elbv2(), request["Name"])
            if group is not None and _owned(clients.elbv2(), group["TargetGroupArn"], stack):
                return group
            return None

        return create_once(lambda: clients.elbv2_once().create_target_group(**request)["TargetGroups"][0], find)

    return create
