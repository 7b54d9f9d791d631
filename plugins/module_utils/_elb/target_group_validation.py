# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Target groups: the options checked before any change, with AWS's health check defaults and rules."""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.webops.https_rollout.plugins.module_utils._elb.protocols import GENEVE_PORT
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.protocols import HTTP_PROTOCOLS
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.protocols import NETWORK_PROTOCOLS
from ansible_collections.webops.https_rollout.plugins.module_utils.common import int_or_none
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted

# Properties AWS cannot change on an existing target group.
IMMUTABLE = ("protocol", "protocol_version", "port", "vpc_id", "target_type", "ip_address_type")
_INSTANCE_ID = re.compile(r"^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
_LAMBDA_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(?::[A-Za-z0-9_$-]+)?$")
_ALB_ARN = re.compile(r"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/app/[A-Za-z0-9-]+/[0-9a-f]+$")
_HTTP_CODES = re.compile(r"^\d{3}(?:-\d{3})?(?:,\d{3}(?:-\d{3})?)*$")
_GRPC_CODES = re.compile(r"^\d{1,2}(?:-\d{1,2})?(?:,\d{1,2}(?:-\d{1,2})?)*$")
_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")


# ---------------------------------------------------------------------------
# AWS's health check defaults and rules
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
    if protocol in NETWORK_PROTOCOLS:
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


# ---------------------------------------------------------------------------
# Validation
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
        if protocol in NETWORK_PROTOCOLS and hc_protocol:
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
