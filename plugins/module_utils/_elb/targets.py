# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Targets of one or more target groups, one at a time: register, deregister and wait (the elb_target module).

The calls themselves (RegisterTargets, DeregisterTargets, DescribeTargetHealth) and the target state are those of
:mod:`target_groups` and :mod:`api`; this file adds what a rolling deploy needs on top of them:

- the stack's target groups, found by their ownership tag through the Resource Groups Tagging API;
- the plan for a few targets (register what is not in service, deregister what is), which leaves the other
  targets of the group alone;
- the waits: until the targets are healthy (failing at once, with AWS's reason code, when one turns unhealthy),
  or until they are gone (draining finished).
"""

from __future__ import annotations

from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import describe_target_groups
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import describe_target_health
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import paginate
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import resolve_target_groups
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.target_groups import normalise_targets
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.target_groups import targets_state
from ansible_collections.webops.https_rollout.plugins.module_utils.common import STACK_TAG_KEY
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import WaitFailed
from ansible_collections.webops.https_rollout.plugins.module_utils.common import wait_for

#: The resource type of target groups in the Resource Groups Tagging API.
TARGET_GROUP_RESOURCE_TYPE = "elasticloadbalancing:targetgroup"
#: Health states of a target that is out of service for good: no wait for healthy can end well.
#: ``unused`` with these reasons: the group is not used by a load balancer, the instance is stopped or
#: terminated, or the IP address cannot be used.
UNUSABLE_REASONS = ("Target.NotInUse", "Target.InvalidState", "Target.IpUnusable", "Target.DeregistrationInProgress")


# ---------------------------------------------------------------------------
# Which target groups
# ---------------------------------------------------------------------------


def stack_target_group_arns(tagging_client, stack):
    """ARNs of every target group tagged ``https-rollout:stack=<stack>``, sorted (one paginated GetResources)."""
    result = paginate(
        tagging_client,
        "get_resources",
        TagFilters=[{"Key": STACK_TAG_KEY, "Values": [stack]}],
        ResourceTypeFilters=[TARGET_GROUP_RESOURCE_TYPE],
    )
    return sorted({item["ResourceARN"] for item in result.get("ResourceTagMappingList", [])})


def find_target_groups(client, target_group=None, arns=None):
    """Descriptions (boto3 shape) of the named group (a name or an ARN) or of the ``arns``; [] when none exists."""
    if target_group is not None:
        arn = resolve_target_groups(client, [target_group]).get(target_group)
        if arn is None:
            return []
        arns = [arn]
    if not arns:
        return []
    return sorted(describe_target_groups(client, arns=arns), key=lambda g: g["TargetGroupName"])


# ---------------------------------------------------------------------------
# State, plan and prediction
# ---------------------------------------------------------------------------


def target_key(target):
    """A target's identity in a group: (id, port)."""
    return (target["id"], target.get("port"))


def wanted_targets(targets, group):
    """The targets the user named, with the group's port where they name none (boto3 group description)."""
    return [{"id": t["id"], "port": t["port"]} for t in normalise_targets(targets, group.get("Port"))]


def group_targets_state(group, health_descriptions, wanted):
    """The state of the named targets in one group: id, port, health and reason (``None`` health: not registered).

    The group's other targets are not reported: the module manages the named ones only.
    """
    registered = {target_key(t): t for t in targets_state(health_descriptions)}
    targets = []
    for target in wanted:
        seen = registered.get(target_key(target))
        targets.append({
            "id": target["id"],
            "port": target["port"],
            "health": seen["health"] if seen else None,
            "reason": seen["reason"] if seen else None,
        })
    return {"arn": group["TargetGroupArn"], "name": group["TargetGroupName"], "targets": targets}


def plan_targets(group_state, state):
    """``(to_register, to_deregister)`` for one group's named targets.

    - present: a target that is not registered, or draining (on its way out), is registered (again);
    - absent: a registered target that is not draining yet is deregistered; a draining one is already on its way.
    """
    targets = group_state["targets"]
    if state == "present":
        return [t for t in targets if t["health"] in (None, "draining")], []
    return [], [t for t in targets if t["health"] not in (None, "draining")]


def predict_group_state(group_state, to_register, to_deregister):
    """The named targets after the changes, without asking AWS: registered ones start ``initial``, deregistered
    ones ``draining`` (as AWS reports them)."""
    registering = {target_key(t) for t in to_register}
    deregistering = {target_key(t) for t in to_deregister}
    targets = []
    for target in group_state["targets"]:
        target = dict(target)
        if target_key(target) in registering:
            target.update(health="initial", reason="Elb.RegistrationInProgress")
        elif target_key(target) in deregistering:
            target.update(health="draining", reason="Target.DeregistrationInProgress")
        targets.append(target)
    return dict(group_state, targets=targets)


# ---------------------------------------------------------------------------
# Waits
# ---------------------------------------------------------------------------


def describe_targets(targets):
    """``i-1:80 healthy, i-2:80 unhealthy (Target.ResponseCodeMismatch)`` for a wait's messages."""
    return ", ".join(
        f"{t['id']}:{t['port']} {t['health'] or 'not registered'}" + (f" ({t['reason']})" if t.get("reason") else "")
        for t in targets
    ) or "no target"


def target_failure(group_state, target, watched_initial):
    """Why a wait for ``target`` to be healthy can no longer succeed, or None.

    A target fails when it turns ``unhealthy`` after ``initial`` (or after this run registered it), and when it is
    ``unused`` for a reason that lasts (group not used by a load balancer, instance stopped, IP address unusable).
    A target that was already unhealthy before and was not registered now may still recover: it is awaited.
    """
    key = (group_state["arn"], target_key(target))
    where = f"target {target['id']}:{target['port']} of target group {group_state['name']}"
    if target["health"] == "unhealthy" and key in watched_initial:
        return f"{where} turned unhealthy: {target['reason'] or 'no reason given'}"
    if target["health"] == "unused" and target["reason"] in UNUSABLE_REASONS:
        return f"{where} is unused: {target['reason']}"
    return None


def wait_for_targets(client, groups, wanted, state, timeout, registered=(), delay=5, **wait_options):
    """Wait until the named targets are healthy (present) or no longer registered (absent), in every group.

    ``groups`` are boto3 group descriptions, ``wanted`` is ``{group ARN: [targets]}``, ``registered`` the
    ``(group ARN, (id, port))`` keys this run registered. One deadline for all groups. Raises
    :class:`WaitFailed` with the reason code when a target turns unhealthy, :class:`WaitTimeout` at the deadline.
    Returns ``(group states, {"seconds", "polls"})``.
    """
    watched_initial = set(registered)

    def poll():
        states = [group_targets_state(g, describe_target_health(client, g["TargetGroupArn"]), wanted[g["TargetGroupArn"]])
                  for g in groups]
        done = True
        for group_state in states:
            for target in group_state["targets"]:
                key = (group_state["arn"], target_key(target))
                if target["health"] == "initial":
                    watched_initial.add(key)
                if state == "absent":
                    done = done and target["health"] is None
                    continue
                problem = target_failure(group_state, target, watched_initial)
                if problem:
                    raise WaitFailed(problem)
                done = done and target["health"] == "healthy"
        return done, states

    def describe(states):
        return "; ".join(f"{s['name']}: {describe_targets(s['targets'])}" for s in states or [])

    names = ", ".join(g["TargetGroupName"] for g in groups)
    what = f"the targets to be {'healthy' if state == 'present' else 'deregistered (draining finished)'} in {names}"
    states, seconds, polls = wait_for(poll, what, timeout, delay=delay, describe=describe, **wait_options)
    return states, {"seconds": seconds, "polls": polls}


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


def validate_targets(params):
    """The problem with the elb_target options, or None; checked before any call to AWS."""
    if not params.get("target_group") and not params.get("stack"):
        return "Name the target group in target_group (a name or an ARN), or give stack to act on every target group of the stack."
    if not params.get("targets"):
        return "targets is empty: name at least one target (id, and port when it is not the group's)."
    seen = set()
    for index, target in enumerate(params["targets"]):
        if not (target.get("id") or "").strip():
            return f"targets[{index}].id is empty: give an instance ID, an IP address or an ARN."
        port = target.get("port")
        if port is not None and not 1 <= port <= 65535:
            return f"targets[{index}].port is {port}: use a port from 1 to 65535, or leave it out for the group's port."
        key = (target["id"], port)
        if key in seen:
            return f"targets[{index}] names {target['id']}:{port if port is not None else 'group port'} twice; name each target once."
        seen.add(key)
    if params.get("wait_timeout") is not None and params["wait_timeout"] < 0:
        return f"wait_timeout is {params['wait_timeout']}: use 0 or more seconds."
    return None


def no_group_error(target_group, stack):
    """The error when no target group matches."""
    if target_group:
        return RolloutError(f"target_group: target group {target_group!r} does not exist. Create it first, or correct target_group.")
    return RolloutError(
        f"stack: no target group carries the tag {STACK_TAG_KEY}={stack}. Roll the stack out first, "
        "or name the group in target_group."
    )
