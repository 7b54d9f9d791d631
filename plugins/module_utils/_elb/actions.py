# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Actions: a listener's default action and a rule's action (forward, redirect, fixed response).

The option as canonical snake_case, AWS's answer in the same form, the request, the validation, the argument spec,
and the one check that the target groups an action names exist.
"""

from __future__ import annotations

import re

from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import resolve_target_groups
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.protocols import HTTP_PROTOCOLS
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.protocols import NETWORK_PROTOCOLS
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_ref

REDIRECT_DEFAULTS = {
    "protocol": "#{protocol}",
    "port": "#{port}",
    "host": "#{host}",
    "path": "/#{path}",
    "query": "#{query}",
}
REDIRECT_TO_HTTPS = {
    "type": "redirect",
    "redirect": {"protocol": "HTTPS", "port": "443", "host": "#{host}", "path": "/#{path}", "query": "#{query}",
                 "status_code": 301},
}
MAX_FORWARD_GROUPS = 5
_FIXED_STATUS = re.compile(r"^[245]\d\d$")


# ---------------------------------------------------------------------------
# Canonical form, AWS's answer and the request
# ---------------------------------------------------------------------------


def _status_code(code):
    """Redirect status as AWS spells it: 301 -> HTTP_301."""
    text = str(code)
    return text if text.startswith("HTTP_") else f"HTTP_{text}"


def action_refs(action):
    """The target group references (names or ARNs) an action option names."""
    if not action or action.get("type") != "forward":
        return []
    refs = []
    if action.get("target_group"):
        refs.append(action["target_group"])
    refs.extend(g["name"] for g in action.get("target_groups") or [])
    return refs


def _group_arn(resolved, ref):
    """The ARN of a target group reference; for one that does not exist yet (check mode), its placeholder."""
    return resolved[ref] or (ref if is_predicted(ref) else predicted_ref("target-group", ref))


def desired_action(action, resolved):
    """The canonical snake_case form of an action option; target group names become ARNs via ``resolved``."""
    kind = action["type"]
    if kind == "forward":
        groups = []
        if action.get("target_group"):
            groups.append({"arn": _group_arn(resolved, action["target_group"]), "weight": 1})
        for group in action.get("target_groups") or []:
            weight = group.get("weight")
            groups.append({"arn": _group_arn(resolved, group["name"]), "weight": 1 if weight is None else weight})
        sticky = action.get("stickiness") or {}
        return {
            "type": "forward",
            "target_groups": sorted(groups, key=lambda g: g["arn"] or ""),
            "stickiness": {
                "enabled": bool(sticky.get("enabled")),
                "duration": sticky.get("duration") if sticky.get("enabled") else None,
            },
        }
    if kind == "redirect":
        redirect = action.get("redirect") or {}
        result = {"type": "redirect"}
        for key, default in REDIRECT_DEFAULTS.items():
            value = redirect.get(key)
            result[key] = str(value) if value is not None else default
        result["status_code"] = _status_code(redirect.get("status_code") or 301)
        return result
    fixed = action.get("fixed_response") or {}
    return {
        "type": "fixed_response",
        "status_code": str(fixed.get("status_code")),
        "content_type": fixed.get("content_type"),
        "message_body": fixed.get("message_body"),
    }


def action_state(boto_actions):
    """The canonical snake_case form of AWS's action list (the last, terminal action; order kept otherwise)."""
    actions = sorted(boto_actions or [], key=lambda a: a.get("Order") or 0)
    if not actions:
        return None
    action = actions[-1]
    kind = action.get("Type")
    if kind == "forward":
        config = action.get("ForwardConfig") or {}
        groups = [{"arn": g["TargetGroupArn"], "weight": g.get("Weight", 1)} for g in config.get("TargetGroups") or []]
        if not groups and action.get("TargetGroupArn"):
            groups = [{"arn": action["TargetGroupArn"], "weight": 1}]
        sticky = config.get("TargetGroupStickinessConfig") or {}
        enabled = bool(sticky.get("Enabled"))
        return {
            "type": "forward",
            "target_groups": sorted(groups, key=lambda g: g["arn"]),
            "stickiness": {"enabled": enabled, "duration": sticky.get("DurationSeconds") if enabled else None},
        }
    if kind == "redirect":
        config = action.get("RedirectConfig") or {}
        result = {"type": "redirect"}
        for key, default in REDIRECT_DEFAULTS.items():
            result[key] = config.get(key.capitalize()) or default
        result["status_code"] = config.get("StatusCode")
        return result
    if kind == "fixed-response":
        config = action.get("FixedResponseConfig") or {}
        return {
            "type": "fixed_response",
            "status_code": config.get("StatusCode"),
            "content_type": config.get("ContentType"),
            "message_body": config.get("MessageBody"),
        }
    return {"type": kind}


def action_request(action):
    """The boto3 action list for a canonical action."""
    kind = action["type"]
    if kind == "forward":
        groups = action["target_groups"]
        sticky = action["stickiness"]
        if len(groups) == 1 and groups[0]["weight"] == 1 and not sticky["enabled"]:
            return [{"Type": "forward", "TargetGroupArn": groups[0]["arn"]}]
        stickiness = {"Enabled": sticky["enabled"]}
        if sticky["enabled"] and sticky.get("duration") is not None:
            stickiness["DurationSeconds"] = sticky["duration"]
        return [
            {
                "Type": "forward",
                "ForwardConfig": {
                    "TargetGroups": [{"TargetGroupArn": g["arn"], "Weight": g["weight"]} for g in groups],
                    "TargetGroupStickinessConfig": stickiness,
                },
            }
        ]
    if kind == "redirect":
        config = {key.capitalize(): action[key] for key in REDIRECT_DEFAULTS}
        config["StatusCode"] = action["status_code"]
        return [{"Type": "redirect", "RedirectConfig": config}]
    config = {"StatusCode": action["status_code"]}
    if action.get("content_type"):
        config["ContentType"] = action["content_type"]
    if action.get("message_body") is not None:
        config["MessageBody"] = action["message_body"]
    return [{"Type": "fixed-response", "FixedResponseConfig": config}]


# ---------------------------------------------------------------------------
# Validation and argument spec
# ---------------------------------------------------------------------------


def validate_action(action, option, protocol=None):
    """The first problem with an action option, or None. ``protocol`` is the listener's, when known."""
    if not action:
        return None
    kind = action.get("type")
    given = {key for key in ("target_group", "target_groups", "stickiness", "redirect", "fixed_response") if action.get(key)}
    allowed = {
        "forward": {"target_group", "target_groups", "stickiness"},
        "redirect": {"redirect"},
        "fixed_response": {"fixed_response"},
    }[kind]
    extra = sorted(given - allowed)
    if extra:
        return f"{option}.{extra[0]} does not go with {option}.type={kind}: remove it or change the type"
    if kind == "forward":
        if bool(action.get("target_group")) == bool(action.get("target_groups")):
            return f"{option}.type=forward needs exactly one of {option}.target_group or {option}.target_groups"
        groups = action.get("target_groups") or []
        if len(groups) > MAX_FORWARD_GROUPS:
            return f"{option}.target_groups: AWS forwards to at most {MAX_FORWARD_GROUPS} target groups, {len(groups)} given"
        names = [g["name"] for g in groups]
        if len(set(names)) != len(names):
            return f"{option}.target_groups: each target group may be given once"
        for index, group in enumerate(groups):
            weight = group.get("weight")
            if weight is not None and not 0 <= weight <= 999:
                return f"{option}.target_groups[{index}].weight={weight} is out of range: use 0 to 999"
        sticky = action.get("stickiness") or {}
        duration = sticky.get("duration")
        if duration is not None and not 1 <= duration <= 604800:
            return f"{option}.stickiness.duration={duration} is out of range: use 1 to 604800 seconds"
        if sticky.get("enabled") and duration is None:
            return f"{option}.stickiness.enabled=true needs {option}.stickiness.duration (seconds)"
        if protocol in NETWORK_PROTOCOLS and (len(groups) > 1 or sticky.get("enabled")):
            return (
                f"{option}: a {protocol} listener (network load balancer) forwards to one target group without "
                "stickiness: give target_group only"
            )
    else:
        if protocol and protocol not in HTTP_PROTOCOLS:
            what = "redirect" if kind == "redirect" else "fixed response"
            return (
                f"{option}.type={kind}: a {what} needs an HTTP or HTTPS listener of an application load balancer, "
                f"not protocol={protocol}; a network load balancer can only forward"
            )
    if kind == "redirect":
        redirect = action.get("redirect") or {}
        if not any(redirect.get(k) is not None for k in REDIRECT_DEFAULTS):
            return f"{option}.redirect must change at least one of protocol, port, host, path or query, or it loops"
        path = redirect.get("path")
        if path is not None and not path.startswith("/"):
            return f"{option}.redirect.path={path!r} must start with '/'"
        port = redirect.get("port")
        if port is not None and port != "#{port}" and not (str(port).isdigit() and 1 <= int(port) <= 65535):
            return f"{option}.redirect.port={port!r} must be a port from 1 to 65535 or '#{{port}}'"
    if kind == "fixed_response":
        fixed = action.get("fixed_response") or {}
        if fixed.get("status_code") is None or not _FIXED_STATUS.match(str(fixed["status_code"])):
            return f"{option}.fixed_response.status_code={fixed.get('status_code')!r} must be a 2XX, 4XX or 5XX code"
        body = fixed.get("message_body")
        if body is not None and len(body) > 1024:
            return f"{option}.fixed_response.message_body is {len(body)} characters long: AWS allows 1024"
    return None


def action_argument_spec():
    """The argument spec of an action option (a listener's default action, a rule's action)."""
    return dict(
        type=dict(type="str", required=True, choices=["forward", "redirect", "fixed_response"]),
        target_group=dict(type="str"),
        target_groups=dict(
            type="list", elements="dict", options=dict(name=dict(type="str", required=True), weight=dict(type="int"))
        ),
        stickiness=dict(type="dict", options=dict(enabled=dict(type="bool"), duration=dict(type="int"))),
        redirect=dict(
            type="dict",
            options=dict(
                protocol=dict(type="str"),
                port=dict(type="str"),
                host=dict(type="str"),
                path=dict(type="str"),
                query=dict(type="str"),
                status_code=dict(type="int", choices=[301, 302], default=301),
            ),
        ),
        fixed_response=dict(
            type="dict",
            options=dict(
                status_code=dict(type="str", required=True),
                content_type=dict(
                    type="str",
                    choices=["text/plain", "text/css", "text/html", "application/javascript", "application/json"],
                ),
                message_body=dict(type="str"),
            ),
        ),
    )


# ---------------------------------------------------------------------------
# Referenced target groups
# ---------------------------------------------------------------------------


def missing_target_groups(resolved):
    """The target group names that do not exist, sorted."""
    return sorted(ref for ref, arn in resolved.items() if arn is None)


def existing_target_groups(client, option, action, check_mode, warn):
    """``{ref: arn}`` of the target groups that the action option ``option`` names; they must exist.

    A name that does not exist raises :class:`RolloutError`, except in check mode, where an earlier task may only
    have predicted the group: a warning, and the prediction goes on (see :func:`desired_action`).
    """
    resolved = resolve_target_groups(client, action_refs(action))
    missing = missing_target_groups(resolved)
    if missing:
        problem = (
            f"{option} names target group(s) that do not exist: {', '.join(missing)}. "
            "Create them first (webops.https_rollout.elb_target_group) or give their ARNs."
        )
        if not check_mode:
            raise RolloutError(problem)
        warn(f"{problem} Check mode goes on as if they existed.")
    return resolved
