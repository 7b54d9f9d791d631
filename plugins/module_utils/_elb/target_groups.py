# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Target groups: the calls that change them, their state, requests, changes and check-mode predictions.

The reads are in :mod:`api`; the validation, with AWS's health check rules, in :mod:`target_group_validation`.
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import describe_listeners
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import describe_rules
from ansible_collections.webops.https_rollout.plugins.module_utils.common import apply_tag_changes
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_text
from ansible_collections.webops.https_rollout.plugins.module_utils.common import bool_or_none
from ansible_collections.webops.https_rollout.plugins.module_utils.common import int_or_none
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_ref
from ansible_collections.webops.https_rollout.plugins.module_utils.common import tag_changes

#: RegisterTargets / DeregisterTargets take a list of targets per call. Neither botocore's service model
#: (elbv2 2015-12-01: ``TargetDescriptions`` has no ``max``) nor the API reference (RegisterTargets,
#: ``Targets.member.N``) states a maximum per call; the limit AWS documents is per target group (1,000 targets,
#: "Quotas for your Application Load Balancers"). Lists are sent 200 a call to keep each request small:
#: 1,000 targets cost 5 calls.
TARGET_BATCH = 200
# snake_case option -> ELBv2 target group attribute key
ATTRIBUTE_KEYS = {
    "deregistration_delay": "deregistration_delay.timeout_seconds",
    "slow_start": "slow_start.duration_seconds",
    "load_balancing_algorithm": "load_balancing.algorithm.type",
    "preserve_client_ip": "preserve_client_ip.enabled",
    "proxy_protocol_v2": "proxy_protocol_v2.enabled",
}
STICKINESS_KEYS = {
    "enabled": "stickiness.enabled",
    "type": "stickiness.type",
    "cookie_name": "stickiness.app_cookie.cookie_name",
}
STICKINESS_DURATION_KEYS = {
    "lb_cookie": "stickiness.lb_cookie.duration_seconds",
    "app_cookie": "stickiness.app_cookie.duration_seconds",
}
# snake_case health_check suboption -> CreateTargetGroup / ModifyTargetGroup parameter
HEALTH_CHECK_PARAMS = {
    "enabled": "HealthCheckEnabled",
    "protocol": "HealthCheckProtocol",
    "port": "HealthCheckPort",
    "path": "HealthCheckPath",
    "interval": "HealthCheckIntervalSeconds",
    "timeout": "HealthCheckTimeoutSeconds",
    "healthy_threshold": "HealthyThresholdCount",
    "unhealthy_threshold": "UnhealthyThresholdCount",
}


# ---------------------------------------------------------------------------
# Calls that change a target group
# ---------------------------------------------------------------------------


def _boto_targets(targets):
    result = []
    for target in targets:
        item = {"Id": target["id"]}
        if target.get("port") is not None:
            item["Port"] = target["port"]
        if target.get("availability_zone"):
            item["AvailabilityZone"] = target["availability_zone"]
        result.append(item)
    return result


def register_targets(client, arn, targets):
    """Register targets in as few calls as possible."""
    boto = _boto_targets(targets)
    for start in range(0, len(boto), TARGET_BATCH):
        client.register_targets(aws_retry=True, TargetGroupArn=arn, Targets=boto[start:start + TARGET_BATCH])


def deregister_targets(client, arn, targets):
    """Deregister targets in as few calls as possible."""
    boto = _boto_targets(targets)
    for start in range(0, len(boto), TARGET_BATCH):
        client.deregister_targets(aws_retry=True, TargetGroupArn=arn, Targets=boto[start:start + TARGET_BATCH])


def create_target_group(client, request):
    """Create a target group from a CreateTargetGroup request; returns its description."""
    return client.create_target_group(aws_retry=True, **request)["TargetGroups"][0]


def modify_target_group(client, arn, changes):
    """Apply health check changes (ModifyTargetGroup parameters)."""
    client.modify_target_group(aws_retry=True, TargetGroupArn=arn, **changes)


def modify_target_group_attributes(client, arn, attributes):
    """Set attributes given as ``{key: value}``."""
    client.modify_target_group_attributes(
        aws_retry=True,
        TargetGroupArn=arn,
        Attributes=[{"Key": k, "Value": v} for k, v in sorted(attributes.items())],
    )


def delete_target_group(client, arn):
    client.delete_target_group(aws_retry=True, TargetGroupArn=arn)


# ---------------------------------------------------------------------------
# What uses a target group
# ---------------------------------------------------------------------------


def _forwards_to(actions, tg_arn):
    for action in actions or []:
        if action.get("TargetGroupArn") == tg_arn:
            return True
        groups = (action.get("ForwardConfig") or {}).get("TargetGroups") or []
        if any(g.get("TargetGroupArn") == tg_arn for g in groups):
            return True
    return False


def find_target_group_users(client, tg_arn, load_balancer_arns):
    """Listeners and rules that forward to the group, as readable strings.

    Only the load balancers that AWS reports for the group are searched, through :mod:`api`'s paginated reads.
    What uses a group is a listener or a rule that forwards to it, nothing else: a load balancer that AWS still
    names but whose listeners no longer forward to the group (an emulator may never forget it) does not hold it.
    """
    users = []
    for lb_arn in load_balancer_arns:
        try:
            listeners = describe_listeners(client, lb_arn)
        except is_boto3_error_code("LoadBalancerNotFound"):
            continue  # deleted since the group was described: it uses nothing any more
        for listener in listeners:
            where = f"listener {listener['ListenerArn']} ({listener.get('Protocol', '?')}:{listener.get('Port', '?')})"
            if _forwards_to(listener.get("DefaultActions"), tg_arn):
                users.append(f"{where} default action")
            for rule in describe_rules(client, listener["ListenerArn"]):
                if not rule.get("IsDefault") and _forwards_to(rule.get("Actions"), tg_arn):
                    users.append(f"{where} rule {rule['RuleArn']} (priority {rule.get('Priority')})")
    return users


# ---------------------------------------------------------------------------
# AWS answer -> snake_case state
# ---------------------------------------------------------------------------


def health_check_state(tg):
    """The health check of a target group description, snake_case."""
    matcher = tg.get("Matcher") or {}
    return {
        "enabled": tg.get("HealthCheckEnabled"),
        "protocol": tg.get("HealthCheckProtocol"),
        "port": tg.get("HealthCheckPort"),
        "path": tg.get("HealthCheckPath"),
        "interval": tg.get("HealthCheckIntervalSeconds"),
        "timeout": tg.get("HealthCheckTimeoutSeconds"),
        "healthy_threshold": tg.get("HealthyThresholdCount"),
        "unhealthy_threshold": tg.get("UnhealthyThresholdCount"),
        "matcher": {"http_codes": matcher.get("HttpCode"), "grpc_codes": matcher.get("GrpcCode")},
    }


def target_group_attributes_state(attributes):
    """Attributes ``{key: value}`` as snake_case options; missing ones are None ("not set")."""
    sticky_type = attributes.get(STICKINESS_KEYS["type"])
    duration_key = STICKINESS_DURATION_KEYS.get(sticky_type or "lb_cookie")
    return {
        "deregistration_delay": int_or_none(attributes.get(ATTRIBUTE_KEYS["deregistration_delay"])),
        "slow_start": int_or_none(attributes.get(ATTRIBUTE_KEYS["slow_start"])),
        "load_balancing_algorithm": attributes.get(ATTRIBUTE_KEYS["load_balancing_algorithm"]),
        "preserve_client_ip": bool_or_none(attributes.get(ATTRIBUTE_KEYS["preserve_client_ip"])),
        "proxy_protocol_v2": bool_or_none(attributes.get(ATTRIBUTE_KEYS["proxy_protocol_v2"])),
        "stickiness": {
            "enabled": bool_or_none(attributes.get(STICKINESS_KEYS["enabled"])),
            "type": sticky_type,
            "duration": int_or_none(attributes.get(duration_key)) if duration_key else None,
            "cookie_name": attributes.get(STICKINESS_KEYS["cookie_name"]),
        },
    }


def targets_state(health_descriptions):
    """Registered targets, sorted, with their health; draining targets are reported as such."""
    targets = []
    for desc in health_descriptions:
        target = desc.get("Target", {})
        health = desc.get("TargetHealth", {})
        targets.append(
            {
                "id": target.get("Id"),
                "port": target.get("Port"),
                "availability_zone": target.get("AvailabilityZone"),
                "health": health.get("State"),
                "reason": health.get("Reason"),
            }
        )
    return sorted(targets, key=lambda t: (t["id"] or "", t["port"] or 0))


def target_group_state(tg, attributes, tags, health_descriptions):
    """The full snake_case state of a target group, as modules return it and diff it."""
    return {
        "arn": tg.get("TargetGroupArn"),
        "name": tg.get("TargetGroupName"),
        "protocol": tg.get("Protocol"),
        "protocol_version": tg.get("ProtocolVersion"),
        "port": tg.get("Port"),
        "vpc_id": tg.get("VpcId"),
        "target_type": tg.get("TargetType"),
        "ip_address_type": tg.get("IpAddressType"),
        "health_check": health_check_state(tg),
        "load_balancer_arns": sorted(tg.get("LoadBalancerArns") or []),
        "tags": tags,
        "targets": targets_state(health_descriptions),
        **target_group_attributes_state(attributes),
    }


# ---------------------------------------------------------------------------
# Options -> requests, changes and predictions
# ---------------------------------------------------------------------------


def desired_target_group_attributes(params):
    """The attribute ``{key: value}`` pairs the user asked for (strings, as AWS stores them)."""
    wanted = {}
    for option, key in ATTRIBUTE_KEYS.items():
        value = params.get(option)
        if value is not None:
            wanted[key] = aws_text(value)
    sticky = params.get("stickiness") or {}
    for option, key in STICKINESS_KEYS.items():
        value = sticky.get(option)
        if value is not None:
            wanted[key] = aws_text(value)
    if sticky.get("duration") is not None:
        wanted[STICKINESS_DURATION_KEYS[sticky.get("type") or "lb_cookie"]] = str(sticky["duration"])
    return wanted


def health_check_request(health_check):
    """CreateTargetGroup / ModifyTargetGroup parameters for the suboptions the user set."""
    request = {}
    for option, param in HEALTH_CHECK_PARAMS.items():
        value = (health_check or {}).get(option)
        if value is not None:
            request[param] = str(value) if option == "port" else value
    matcher = (health_check or {}).get("matcher") or {}
    if matcher.get("http_codes") is not None:
        request["Matcher"] = {"HttpCode": matcher["http_codes"]}
    elif matcher.get("grpc_codes") is not None:
        request["Matcher"] = {"GrpcCode": matcher["grpc_codes"]}
    return request


def health_check_changes(current_state, health_check):
    """ModifyTargetGroup parameters for suboptions that differ from ``current_state['health_check']``."""
    current = current_state["health_check"]
    changes = {}
    for option, param in HEALTH_CHECK_PARAMS.items():
        value = (health_check or {}).get(option)
        if value is None:
            continue
        if option == "port":
            if str(value) != str(current.get("port")):
                changes[param] = str(value)
        elif value != current.get(option):
            changes[param] = value
    matcher = (health_check or {}).get("matcher") or {}
    for option, key in (("http_codes", "HttpCode"), ("grpc_codes", "GrpcCode")):
        if matcher.get(option) is not None and matcher[option] != current["matcher"].get(option):
            changes["Matcher"] = {key: matcher[option]}
    return changes


def create_target_group_request(params, tags):
    """The CreateTargetGroup request for the options given."""
    request = {"Name": params["name"], "TargetType": params.get("target_type") or "instance"}
    for option, param in (
        ("protocol", "Protocol"),
        ("protocol_version", "ProtocolVersion"),
        ("port", "Port"),
        ("vpc_id", "VpcId"),
        ("ip_address_type", "IpAddressType"),
    ):
        if params.get(option) is not None:
            request[param] = params[option]
    request.update(health_check_request(params.get("health_check")))
    if tags:
        request["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    return request


def normalise_targets(targets, group_port):
    """Desired targets with the port made explicit (a target's port defaults to the group's)."""
    result = []
    for target in targets or []:
        port = target.get("port")
        result.append(
            {
                "id": target["id"],
                "port": port if port is not None else group_port,
                "availability_zone": target.get("availability_zone"),
            }
        )
    return result


def target_changes(current_targets, desired_targets, purge):
    """``(to_register, to_deregister)`` by (id, port).

    Draining targets are on their way out, so a desired one is registered again.
    """

    def key(target):
        return (target["id"], target.get("port"))

    active = {key(t): t for t in current_targets if t.get("health") != "draining"}
    desired = {key(t): t for t in desired_targets}
    to_register = [t for k, t in desired.items() if k not in active]
    to_deregister = []
    if purge:
        to_deregister = [
            {"id": t["id"], "port": t.get("port"), "availability_zone": t.get("availability_zone")}
            for k, t in active.items()
            if k not in desired
        ]
    return to_register, to_deregister


def predict_target_group(current, params, wanted_tags, purge_tags, to_register, to_deregister):
    """The state after the changes, without asking AWS (the check-mode result)."""
    state = dict(current) if current else {
        # AWS gives the ARN on creation: later check-mode tasks take this placeholder for it.
        "arn": predicted_ref("target-group", params["name"]),
        "name": params["name"],
        "protocol": params.get("protocol"),
        "protocol_version": params.get("protocol_version"),
        "port": params.get("port"),
        "vpc_id": params.get("vpc_id"),
        "target_type": params.get("target_type") or "instance",
        "ip_address_type": params.get("ip_address_type"),
        "health_check": health_check_state({}),
        "load_balancer_arns": [],
        "tags": {},
        "targets": [],
        **target_group_attributes_state({}),
    }
    health = dict(state["health_check"])
    for option in HEALTH_CHECK_PARAMS:
        value = (params.get("health_check") or {}).get(option)
        if value is not None:
            health[option] = str(value) if option == "port" else value
    matcher = dict(health.get("matcher") or {})
    matcher.update({k: v for k, v in ((params.get("health_check") or {}).get("matcher") or {}).items() if v is not None})
    health["matcher"] = matcher
    state["health_check"] = health

    for option in ATTRIBUTE_KEYS:
        if params.get(option) is not None:
            state[option] = params[option]
    sticky = dict(state.get("stickiness") or {})
    sticky.update({k: v for k, v in (params.get("stickiness") or {}).items() if v is not None})
    state["stickiness"] = sticky

    to_set, to_remove = tag_changes(state["tags"], wanted_tags, purge_tags)
    state["tags"] = apply_tag_changes(state["tags"], to_set, to_remove)

    gone = {(t["id"], t.get("port")) for t in to_deregister}
    targets = [t for t in state["targets"] if (t["id"], t.get("port")) not in gone]
    targets += [dict(t, health="initial", reason=None) for t in to_register]
    state["targets"] = sorted(targets, key=lambda t: (t["id"] or "", t["port"] or 0))
    return state
