# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Elastic Load Balancing v2: plain functions over a boto3 ``elbv2`` client.

API functions take a client wrapped with ``common.aws_retry`` and explicit
arguments. The pure functions below them turn AWS's CamelCase answers into the
collection's snake_case state and compute what has to change; they make no call.
"""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.webops.https_rollout.plugins.module_utils.common import apply_tag_changes
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_text
from ansible_collections.webops.https_rollout.plugins.module_utils.common import bool_or_none
from ansible_collections.webops.https_rollout.plugins.module_utils.common import error_code
from ansible_collections.webops.https_rollout.plugins.module_utils.common import int_or_none
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_ref
from ansible_collections.webops.https_rollout.plugins.module_utils.common import tag_changes

#: RegisterTargets / DeregisterTargets take many targets in one call; very long
#: lists are split into chunks of this size.
TARGET_BATCH = 200
#: DescribeTags accepts at most 20 resource ARNs per call.
DESCRIBE_TAGS_BATCH = 20

HTTP_PROTOCOLS = ("HTTP", "HTTPS")
#: Target group protocols of a Network Load Balancer.
NLB_PROTOCOLS = ("TCP", "TLS", "UDP", "TCP_UDP")
GENEVE_PORT = 6081

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
# Properties AWS cannot change on an existing target group.
IMMUTABLE = ("protocol", "protocol_version", "port", "vpc_id", "target_type", "ip_address_type")

_INSTANCE_ID = re.compile(r"^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
_LAMBDA_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(?::[A-Za-z0-9_$-]+)?$")
_ALB_ARN = re.compile(r"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/app/[A-Za-z0-9-]+/[0-9a-f]+$")
_HTTP_CODES = re.compile(r"^\d{3}(?:-\d{3})?(?:,\d{3}(?:-\d{3})?)*$")
_GRPC_CODES = re.compile(r"^\d{1,2}(?:-\d{1,2})?(?:,\d{1,2}(?:-\d{1,2})?)*$")
_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")


# ---------------------------------------------------------------------------
# API calls
# ---------------------------------------------------------------------------


def describe_target_groups(client, names=None, arns=None, load_balancer_arn=None):
    """Target group descriptions (boto3 shape); [] when a named group does not exist."""
    kwargs = {}
    if names:
        kwargs["Names"] = list(names)
    if arns:
        kwargs["TargetGroupArns"] = list(arns)
    if load_balancer_arn:
        kwargs["LoadBalancerArn"] = load_balancer_arn
    groups = []
    try:
        while True:
            page = client.describe_target_groups(aws_retry=True, **kwargs)
            groups.extend(page.get("TargetGroups", []))
            if not page.get("NextMarker"):
                return groups
            kwargs["Marker"] = page["NextMarker"]
    except Exception as exc:  # pylint: disable=broad-except
        # A load balancer that does not exist (any more) forwards to nothing.
        if error_code(exc) in ("TargetGroupNotFound", "LoadBalancerNotFound"):
            return []
        raise


def get_target_group(client, name):
    """One target group by name, or None."""
    groups = describe_target_groups(client, names=[name])
    return groups[0] if groups else None


def get_target_group_attributes(client, arn):
    """The group's attributes as ``{key: value}``; a key AWS does not report is "not set"."""
    response = client.describe_target_group_attributes(aws_retry=True, TargetGroupArn=arn)
    return {a["Key"]: a["Value"] for a in response.get("Attributes", [])}


def get_tags(client, arns):
    """``{arn: {key: value}}`` for up to any number of ELBv2 resources, 20 per call."""
    arns = list(arns)
    tags = {}
    for start in range(0, len(arns), DESCRIBE_TAGS_BATCH):
        response = client.describe_tags(aws_retry=True, ResourceArns=arns[start:start + DESCRIBE_TAGS_BATCH])
        for desc in response.get("TagDescriptions", []):
            tags[desc["ResourceArn"]] = boto3_tag_list_to_ansible_dict(desc.get("Tags", []))
    return tags


def describe_target_health(client, arn):
    """Registered targets with their health (boto3 ``TargetHealthDescriptions``)."""
    response = client.describe_target_health(aws_retry=True, TargetGroupArn=arn)
    return response.get("TargetHealthDescriptions", [])


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


def update_tags(client, arn, to_set, to_remove):
    """Add or overwrite ``to_set`` and remove the keys in ``to_remove``."""
    if to_remove:
        client.remove_tags(aws_retry=True, ResourceArns=[arn], TagKeys=list(to_remove))
    if to_set:
        client.add_tags(aws_retry=True, ResourceArns=[arn], Tags=ansible_dict_to_boto3_tag_list(to_set))


def delete_target_group(client, arn):
    client.delete_target_group(aws_retry=True, TargetGroupArn=arn)


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

    Only the load balancers that AWS reports for the group are searched. What uses a group is a listener or a
    rule that forwards to it, nothing else: a load balancer that AWS still names but whose listeners no longer
    forward to the group (an emulator may never forget it) does not hold the group.
    """
    users = []
    for lb_arn in load_balancer_arns:
        try:
            listeners = client.describe_listeners(aws_retry=True, LoadBalancerArn=lb_arn).get("Listeners", [])
        except Exception as exc:  # pylint: disable=broad-except
            if error_code(exc) == "LoadBalancerNotFound":
                continue  # deleted since the group was described: it uses nothing any more
            raise
        for listener in listeners:
            where = f"listener {listener['ListenerArn']} ({listener.get('Protocol', '?')}:{listener.get('Port', '?')})"
            if _forwards_to(listener.get("DefaultActions"), tg_arn):
                users.append(f"{where} default action")
            rules = client.describe_rules(aws_retry=True, ListenerArn=listener["ListenerArn"]).get("Rules", [])
            for rule in rules:
                if not rule.get("IsDefault") and _forwards_to(rule.get("Actions"), tg_arn):
                    users.append(f"{where} rule {rule['RuleArn']} (priority {rule.get('Priority')})")
    return users


# ---------------------------------------------------------------------------
# Pure: AWS answer -> snake_case state
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


def attributes_state(attributes):
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
        **attributes_state(attributes),
    }


# ---------------------------------------------------------------------------
# Pure: desired options -> AWS requests and changes
# ---------------------------------------------------------------------------


def default_health_check_protocol(protocol, target_type=None):
    """What AWS uses when no health check protocol is given."""
    if protocol in HTTP_PROTOCOLS:
        return protocol
    if target_type == "alb":
        return "HTTP"  # an Application Load Balancer target is checked over HTTP(S), never TCP
    return "TCP" if protocol else None


def health_check_defaults(protocol, target_type, hc_protocol):
    """``(interval, timeout)`` in seconds that AWS gives a new group when they are not set; None when unknown.

    From the CreateTargetGroup reference and the load balancer guides: an Application Load Balancer group
    (HTTP/HTTPS) checks every 30 s with a 5 s timeout; a lambda group every 35 s with 30 s; a Gateway Load
    Balancer group (GENEVE) every 10 s with 5 s; a Network Load Balancer group (TCP, TLS, UDP, TCP_UDP) every
    30 s, with a timeout of 6 s for an HTTP health check and 10 s for a TCP or HTTPS one.
    """
    if target_type == "lambda":
        return 35, 30
    if protocol in HTTP_PROTOCOLS:
        return 30, 5
    if protocol == "GENEVE":
        return 10, 5
    if protocol in NLB_PROTOCOLS:
        return 30, 6 if hc_protocol == "HTTP" else 10
    return None, None


def timeout_below_interval(protocol, target_type):
    """Whether AWS wants the timeout strictly below the interval (True), or not above it (False); None: unknown.

    Application Load Balancer groups (HTTP, HTTPS, lambda) refuse a timeout equal to the interval; Network and
    Gateway Load Balancer groups take it (10 s and 10 s is the classic fast NLB health check).
    """
    if target_type == "lambda" or protocol in HTTP_PROTOCOLS:
        return True
    if protocol:
        return False
    return None


def desired_attributes(params):
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


def attribute_changes(current, wanted):
    """Attributes whose value differs from AWS's; a missing key counts as not set."""
    return {key: value for key, value in wanted.items() if current.get(key) != value}


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


def create_request(params, tags):
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


def predict_state(current, params, wanted_tags, purge_tags, to_register, to_deregister):
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
        **attributes_state({}),
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


# ---------------------------------------------------------------------------
# Pure: validation (runs before any change in AWS)
# ---------------------------------------------------------------------------


def target_id_error(target_id, target_type):
    """What a ``target_type`` group takes, when ``target_id`` is not that; else None."""
    if target_type == "instance" and not _INSTANCE_ID.match(target_id):
        return "an EC2 instance ID (i- followed by 8 or 17 hex digits)"
    if target_type == "ip":
        try:
            ipaddress.ip_address(target_id)
        except ValueError:
            return "an IPv4 or IPv6 address"
    if target_type == "lambda" and not _LAMBDA_ARN.match(target_id):
        return "a Lambda function ARN"
    if target_type == "alb" and not _ALB_ARN.match(target_id):
        return "an Application Load Balancer ARN"
    return None


def _check_port(value, option):
    if value is not None and not 1 <= int(value) <= 65535:
        return f"{option}={value} is out of range: use a port from 1 to 65535"
    return None


def _a(word):
    """``word`` with its indefinite article, as read aloud: an HTTP, a TCP."""
    return f"an {word}" if word.startswith("HTTP") else f"a {word}"


def interval_timeout_error(hc, current_hc, creating, protocol, target_type, hc_protocol):
    """Why AWS would refuse the health check's interval and timeout together, or None.

    Only what the user set is compared, completed with what AWS would hold beside it:
    - creating: the values left out are AWS's defaults for the group (:func:`health_check_defaults`), so a create
      that AWS would refuse is refused here, before any call;
    - updating (``current_hc`` given): the values left out are the group's current ones, and the pair is checked
      only when the user's interval or timeout differs from AWS's, that is, when a change would be sent;
    - first pass (neither): only a pair that the user set in full.
    A rerun with the options of the create therefore meets the same rule as the create did.
    """
    wanted = {"interval": hc.get("interval"), "timeout": hc.get("timeout")}
    values, origins = {}, {}
    if creating:
        defaults = dict(zip(("interval", "timeout"), health_check_defaults(protocol, target_type, hc_protocol)))
        default = "AWS's default"
        if protocol in NLB_PROTOCOLS and hc_protocol:
            default += f" for {_a(hc_protocol)} health check"
        for option in wanted:
            values[option] = wanted[option] if wanted[option] is not None else defaults[option]
            origins[option] = "" if wanted[option] is not None else f", {default}"
    elif current_hc is not None:
        if all(wanted[o] is None or wanted[o] == current_hc.get(o) for o in wanted):
            return None  # nothing about them would change
        for option in wanted:
            values[option] = wanted[option] if wanted[option] is not None else current_hc.get(option)
            origins[option] = "" if wanted[option] is not None else ", the group's current value"
    else:
        values, origins = dict(wanted), {"interval": "", "timeout": ""}
    interval, timeout = values["interval"], values["timeout"]
    if interval is None or timeout is None:
        return None
    strict = timeout_below_interval(protocol, target_type)
    group = f" on {_a(protocol)} target group" if protocol else (" on a lambda target group" if target_type == "lambda" else "")
    pair = (
        f"health_check.interval ({interval}s{origins['interval']}) must be {{}} health_check.timeout "
        f"({timeout}s{origins['timeout']}){group}: raise health_check.interval or lower health_check.timeout"
    )
    if strict and interval <= timeout:
        return pair.format("longer than")
    if strict is not True and interval < timeout:
        return pair.format("at least as long as")
    return None


def validate_target_group(params, current=None, creating=False):
    """Return the first problem with the options, or None.

    Called twice: first with the options alone, before any call to AWS; then
    with ``current``, the existing group's state (None when ``creating``).
    Options AWS cannot change are compared against ``current``, options the
    user left out are taken from it, and what a create needs is checked only
    when ``creating``.
    """
    name = params["name"]
    if not _NAME.match(name):
        return (
            f"name={name!r} is not a valid target group name: use 1 to 32 letters, digits and hyphens, "
            "not starting or ending with a hyphen"
        )
    if params.get("state") == "absent":
        return None
    cur = current or {}
    protocol = params.get("protocol") or cur.get("protocol")
    # Unknown (None) in the first pass when the user leaves it out: AWS's default applies only to a create.
    target_type = params.get("target_type") or cur.get("target_type") or ("instance" if creating else None)
    port = params.get("port") if params.get("port") is not None else cur.get("port")
    hc = params.get("health_check") or {}
    cur_hc = cur.get("health_check") or {}

    if current:
        for option in IMMUTABLE:
            wanted = params.get(option)
            if wanted is not None and current.get(option) is not None and wanted != current.get(option):
                return (
                    f"{option} of the existing target group {name!r} is {current.get(option)!r} and AWS cannot "
                    f"change it to {wanted!r}: delete the group first (state=absent) or use a new name"
                )

    for value, option in ((params.get("port"), "port"), (int_or_none(hc.get("port")), "health_check.port")):
        problem = _check_port(value, option)
        if problem:
            return problem
    if hc.get("port") is not None and hc["port"] != "traffic-port" and int_or_none(hc["port"]) is None:
        return f"health_check.port={hc['port']!r} must be a port number or 'traffic-port'"

    if target_type == "lambda":
        for option in ("protocol", "port", "vpc_id"):
            if params.get(option) is not None:
                return f"{option} does not apply to a lambda target group: remove it"
    elif creating:
        missing = [o for o in ("protocol", "port", "vpc_id") if params.get(o) is None]
        if missing:
            return f"creating target group {name!r} needs {', '.join(missing)} (target_type={target_type})"

    if protocol == "GENEVE" and port is not None and port != GENEVE_PORT:
        return f"port={port}: a GENEVE target group listens on port {GENEVE_PORT}"
    if params.get("protocol_version") and protocol not in HTTP_PROTOCOLS:
        return f"protocol_version applies to HTTP and HTTPS target groups only, not protocol={protocol}"

    hc_protocol = hc.get("protocol") or cur_hc.get("protocol") or default_health_check_protocol(protocol, target_type)
    if hc.get("path") is not None:
        if hc_protocol and hc_protocol not in HTTP_PROTOCOLS and target_type != "lambda":
            return (
                f"health_check.path is set but the health check protocol is {hc_protocol}: a path needs an "
                "HTTP or HTTPS health check (set health_check.protocol=HTTP) or remove health_check.path"
            )
        if not hc["path"].startswith("/"):
            return f"health_check.path={hc['path']!r} must start with '/'"
    matcher = hc.get("matcher") or {}
    if matcher.get("http_codes") is not None and not _HTTP_CODES.match(matcher["http_codes"]):
        return f"health_check.matcher.http_codes={matcher['http_codes']!r}: use codes like '200', '200,302' or '200-299'"
    if matcher.get("grpc_codes") is not None and not _GRPC_CODES.match(matcher["grpc_codes"]):
        return f"health_check.matcher.grpc_codes={matcher['grpc_codes']!r}: use codes like '0', '0,12' or '0-99'"

    ranges = (
        (hc.get("interval"), "health_check.interval", 5, 300),
        (hc.get("timeout"), "health_check.timeout", 2, 120),
        (hc.get("healthy_threshold"), "health_check.healthy_threshold", 2, 10),
        (hc.get("unhealthy_threshold"), "health_check.unhealthy_threshold", 2, 10),
        (params.get("deregistration_delay"), "deregistration_delay", 0, 3600),
        ((params.get("stickiness") or {}).get("duration"), "stickiness.duration", 1, 604800),
    )
    for value, option, low, high in ranges:
        if value is not None and not low <= value <= high:
            return f"{option}={value} is out of range: use {low} to {high}"
    slow_start = params.get("slow_start")
    if slow_start is not None and slow_start != 0 and not 30 <= slow_start <= 900:
        return f"slow_start={slow_start} is out of range: use 30 to 900 seconds, or 0 to turn slow start off"

    problem = interval_timeout_error(hc, cur_hc if current else None, creating, protocol, target_type, hc_protocol)
    if problem:
        return problem

    sticky = params.get("stickiness") or {}
    if sticky.get("type") == "app_cookie" and sticky.get("enabled") and not sticky.get("cookie_name"):
        return "stickiness.type=app_cookie needs stickiness.cookie_name"
    if sticky.get("type") in ("lb_cookie", "app_cookie") and protocol and protocol not in HTTP_PROTOCOLS:
        return f"stickiness.type={sticky['type']} needs an HTTP or HTTPS target group, not protocol={protocol}"
    if sticky.get("duration") is not None and sticky.get("type") not in (None, "lb_cookie", "app_cookie"):
        return f"stickiness.duration applies to cookie stickiness, not stickiness.type={sticky['type']}"

    for index, target in enumerate(params.get("targets") or []):
        # A check-mode placeholder (an ALB that an earlier check-mode task would create) has no shape to check:
        # the module warns about it in check mode and refuses it in a real run.
        expected = target_id_error(target["id"], target_type) if target_type and not is_predicted(target["id"]) else None
        if expected:
            return f"targets[{index}].id={target['id']!r} does not fit target_type={target_type}: use {expected}"
        problem = _check_port(target.get("port"), f"targets[{index}].port")
        if problem:
            return problem
        if target_type == "lambda" and target.get("port") is not None:
            return f"targets[{index}].port does not apply to a lambda target: remove it"

    count = params.get("wait_healthy_count")
    if count is not None and params.get("targets") is not None and count > len(params["targets"]):
        return (
            f"wait_healthy_count={count} is more than the {len(params['targets'])} targets given: "
            "it could never be reached"
        )
    return None
