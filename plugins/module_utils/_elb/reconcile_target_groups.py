# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Target groups: read, wait for healthy targets, ensure present, ensure absent.

The one reconciliation of a target group, called by ``webops.https_rollout.elb_target_group`` and by the stack
engine. Functions of a boto3 ``elbv2`` client (wrapped with ``common.aws_retry``) and explicit arguments: ``params``
is a dict of the module's options (the same keys, the engine builds it from its suboptions). Each ``ensure_*``
returns ``(changed, state)``: ``state`` is the after-state; extras under documented keys:

- ``waited``: ``{seconds, polls}`` when it waited for healthy targets.
"""

from __future__ import annotations

from ansible_collections.webops.https_rollout.plugins.module_utils._elb import api
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import target_groups
from ansible_collections.webops.https_rollout.plugins.module_utils.common import READY_FIRST_POLL
from ansible_collections.webops.https_rollout.plugins.module_utils.common import dependency_problem
from ansible_collections.webops.https_rollout.plugins.module_utils.common import apply_tag_changes
from ansible_collections.webops.https_rollout.plugins.module_utils.common import desired_tags
from ansible_collections.webops.https_rollout.plugins.module_utils.common import tag_changes
from ansible_collections.webops.https_rollout.plugins.module_utils.common import wait_for


def target_group_from_description(client, group, tags=None):
    """``(raw_attributes, state)`` of a described group; ``tags`` when the caller already read them."""
    arn = group["TargetGroupArn"]
    attributes = api.get_target_group_attributes(client, arn)
    if tags is None:
        tags = api.get_tags(client, [arn]).get(arn, {})
    health = api.describe_target_health(client, arn)
    return attributes, target_groups.target_group_state(group, attributes, tags, health)


def read_target_group(client, name):
    """``(raw_attributes, state)`` of the named group, or ``(None, None)`` when it does not exist."""
    group = api.get_target_group(client, name)
    if group is None:
        return None, None
    return target_group_from_description(client, group)


def wait_until_healthy(client, arn, awaited, count, timeout, progress=None):
    """Wait until ``count`` of the ``awaited`` (id, port) targets are healthy; returns the last health and the wait.

    ``progress``, when given, is called with a one-line description after each poll (the engine's waits report
    through it).
    """

    def poll():
        health = target_groups.targets_state(api.describe_target_health(client, arn))
        healthy = [t for t in health if (t["id"], t["port"]) in awaited and t["health"] == "healthy"]
        if progress:
            progress(f"targets healthy: {len(healthy)} of {count} ({describe(health)})")
        return len(healthy) >= count, health

    def describe(health):
        return ", ".join(
            f"{t['id']}:{t['port']} {t['health']}" + (f" ({t['reason']})" if t["reason"] else "")
            for t in health
            if (t["id"], t["port"]) in awaited
        ) or "no target registered"

    what = f"{count} of {len(awaited)} targets of target group {arn} to be healthy"
    health, seconds, polls = wait_for(poll, what, timeout, delay=READY_FIRST_POLL, describe=describe)
    return health, {"seconds": seconds, "polls": polls}


def awaited_targets(current, desired_targets):
    """The ``{(id, port)}`` a wait for healthy targets looks at: the desired ones, else the registered ones."""
    if desired_targets is not None:
        return {(t["id"], t["port"]) for t in desired_targets}
    return {(t["id"], t["port"]) for t in (current or {}).get("targets", []) if t["health"] != "draining"}


def ensure_target_group_present(client, attributes, current, params, check_mode, wait=None, create=None):
    """Create or update the group. Returns ``(changed, state)``; a wait for healthy targets is in ``state["waited"]``.

    ``attributes`` and ``current`` come from :func:`read_target_group` (``None`` when the group does not exist).
    ``wait`` overrides ``params["wait_healthy"]`` (the engine waits in its own threads: it passes False).
    ``create``, when given, makes the CreateTargetGroup call from the request and returns the group's description
    (the engine's looks before it creates again: a lost answer).
    """
    wanted_tags = desired_tags(params["tags"], params["stack"])
    group_port = params["port"] if current is None else current["port"]
    desired_targets = None
    if params["targets"] is not None:
        desired_targets = target_groups.normalise_targets(params["targets"], group_port)

    if current is None:
        to_register, to_deregister = desired_targets or [], []
        changed = True
    else:
        hc_changes = target_groups.health_check_changes(current, params["health_check"])
        attr_changes = api.attribute_changes(attributes, target_groups.desired_target_group_attributes(params))
        to_set, to_remove = tag_changes(current["tags"], wanted_tags, params["purge_tags"])
        to_register, to_deregister = [], []
        if desired_targets is not None:
            to_register, to_deregister = target_groups.target_changes(
                current["targets"], desired_targets, params["purge_targets"]
            )
        changed = bool(hc_changes or attr_changes or to_set or to_remove or to_register or to_deregister)

    if check_mode:
        state = target_groups.predict_target_group(
            current, params, wanted_tags, params["purge_tags"], to_register, to_deregister
        )
        return changed, state

    if current is None:
        request = target_groups.create_target_group_request(params, wanted_tags)
        created = create(request) if create else target_groups.create_target_group(client, request)
        arn = created["TargetGroupArn"]
        attr_changes = target_groups.desired_target_group_attributes(params)
        if attr_changes:
            target_groups.modify_target_group_attributes(client, arn, attr_changes)
    else:
        arn = current["arn"]
        if hc_changes:
            target_groups.modify_target_group(client, arn, hc_changes)
        if attr_changes:
            target_groups.modify_target_group_attributes(client, arn, attr_changes)
        api.update_tags(client, arn, to_set, to_remove)

    if to_register:
        target_groups.register_targets(client, arn, to_register)

    waited = health = None
    if params["wait_healthy"] if wait is None else wait:
        awaited = awaited_targets(current, desired_targets)
        count = params["wait_healthy_count"] if params["wait_healthy_count"] is not None else len(awaited)
        if awaited and count:
            health, waited = wait_until_healthy(client, arn, awaited, count, params["wait_timeout"])

    if to_deregister:
        target_groups.deregister_targets(client, arn, to_deregister)

    if changed:
        # The tags are what this call wrote: read the group, its attributes and its targets, not its tags again.
        after_tags = (wanted_tags or {}) if current is None else apply_tag_changes(current["tags"], to_set, to_remove)
        # A new group's description is the create's answer (its attributes and targets are read below).
        group = created if current is None else api.get_target_group(client, params["name"])
        _attributes, state = target_group_from_description(client, group, tags=after_tags)
    elif waited:
        state = dict(current, targets=health)
    else:
        state = current
    return changed, dict(state, waited=waited) if waited else state


def ensure_target_group_absent(client, current, check_mode, warn):
    """Delete the group unless a listener or rule still uses it. Returns ``(changed, state)``.

    In check mode a user is a warning, since an earlier check-mode task may delete or repoint it.
    """
    if current is None:
        return False, {}
    if current["load_balancer_arns"]:
        users = target_groups.find_target_group_users(client, current["arn"], current["load_balancer_arns"])
        if users:
            dependency_problem(
                f"state=absent: target group {current['name']!r} is still in use by: {'; '.join(users)}. "
                "Remove or repoint those listeners and rules first, then delete the group.",
                check_mode,
                warn,
            )
    if not check_mode:
        target_groups.delete_target_group(client, current["arn"])
    return True, {}


def target_group_argument_spec():
    """The module's options (the ownership options ``tags``, ``purge_tags``, ``stack`` apart): its argument spec,
    and the defaults the stack engine fills in for what it does not set."""
    matcher = dict(http_codes=dict(type="str"), grpc_codes=dict(type="str"))
    return dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        protocol=dict(type="str", choices=["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"]),
        protocol_version=dict(type="str", choices=["HTTP1", "HTTP2", "GRPC"]),
        port=dict(type="int"),
        vpc_id=dict(type="str"),
        target_type=dict(type="str", choices=["instance", "ip", "lambda", "alb"]),
        ip_address_type=dict(type="str", choices=["ipv4", "ipv6"]),
        health_check=dict(
            type="dict",
            options=dict(
                enabled=dict(type="bool"),
                protocol=dict(type="str", choices=["HTTP", "HTTPS", "TCP"]),
                port=dict(type="str"),
                path=dict(type="str"),
                interval=dict(type="int"),
                timeout=dict(type="int"),
                healthy_threshold=dict(type="int"),
                unhealthy_threshold=dict(type="int"),
                matcher=dict(type="dict", options=matcher, mutually_exclusive=[["http_codes", "grpc_codes"]]),
            ),
        ),
        deregistration_delay=dict(type="int"),
        slow_start=dict(type="int"),
        load_balancing_algorithm=dict(
            type="str", choices=["round_robin", "least_outstanding_requests", "weighted_random"]
        ),
        preserve_client_ip=dict(type="bool"),
        proxy_protocol_v2=dict(type="bool"),
        stickiness=dict(
            type="dict",
            options=dict(
                enabled=dict(type="bool"),
                type=dict(
                    type="str",
                    choices=["lb_cookie", "app_cookie", "source_ip", "source_ip_dest_ip", "source_ip_dest_ip_proto"],
                ),
                duration=dict(type="int"),
                cookie_name=dict(type="str"),
            ),
        ),
        targets=dict(
            type="list",
            elements="dict",
            options=dict(
                id=dict(type="str", required=True),
                port=dict(type="int"),
                availability_zone=dict(type="str"),
            ),
        ),
        purge_targets=dict(type="bool", default=True),
        wait_healthy=dict(type="bool", default=False),
        wait_healthy_count=dict(type="int"),
        wait_timeout=dict(type="int", default=300),
    )
