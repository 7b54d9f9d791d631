# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Elastic Load Balancing v2 load balancers, listeners and listener rules.

The API functions take a boto3 ``elbv2`` (or ``acm``) client wrapped with
``common.aws_retry`` and explicit arguments. The pure functions below them turn
AWS's CamelCase answers into the collection's snake_case state, turn options
into requests, compute what has to change and validate the options; they make
no call. Target group helpers live in ``elbv2.py``.
"""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.webops.https_rollout.plugins.module_utils.common import apply_tag_changes
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_text
from ansible_collections.webops.https_rollout.plugins.module_utils.common import bool_or_none
from ansible_collections.webops.https_rollout.plugins.module_utils.common import error_code
from ansible_collections.webops.https_rollout.plugins.module_utils.common import int_or_none
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_ref
from ansible_collections.webops.https_rollout.plugins.module_utils.common import tag_changes

#: The TLS 1.3 + TLS 1.2 policy used when ``ssl_policy`` is not given.
DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"

LB_TYPES = ("application", "network", "gateway")
HTTP_PROTOCOLS = ("HTTP", "HTTPS")
NETWORK_PROTOCOLS = ("TCP", "TLS", "UDP", "TCP_UDP")
TLS_PROTOCOLS = ("HTTPS", "TLS")

# snake_case option -> load balancer attribute key, and the LB types that take it.
LB_ATTRIBUTES = {
    "deletion_protection": ("deletion_protection.enabled", LB_TYPES),
    "idle_timeout": ("idle_timeout.timeout_seconds", ("application",)),
    "drop_invalid_header_fields": ("routing.http.drop_invalid_header_fields.enabled", ("application",)),
    "http2": ("routing.http2.enabled", ("application",)),
    "desync_mitigation_mode": ("routing.http.desync_mitigation_mode", ("application",)),
    "cross_zone": ("load_balancing.cross_zone.enabled", ("network", "gateway")),
}
ACCESS_LOG_KEYS = {
    "enabled": "access_logs.s3.enabled",
    "bucket": "access_logs.s3.bucket",
    "prefix": "access_logs.s3.prefix",
}
ACCESS_LOG_TYPES = ("application", "network")
_INT_ATTRIBUTES = ("idle_timeout",)
_STR_ATTRIBUTES = ("desync_mitigation_mode",)

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

# Listener rule conditions: snake_case name -> (AWS field, config key).
CONDITIONS = {
    "host_header": ("host-header", "HostHeaderConfig"),
    "path_pattern": ("path-pattern", "PathPatternConfig"),
    "http_header": ("http-header", "HttpHeaderConfig"),
    "http_request_method": ("http-request-method", "HttpRequestMethodConfig"),
    "query_string": ("query-string", "QueryStringConfig"),
    "source_ip": ("source-ip", "SourceIpConfig"),
}
_FIELD_TO_CONDITION = {field: name for name, (field, _config) in CONDITIONS.items()}
#: AWS quotas per listener rule.
MAX_CONDITION_VALUES = 5
MAX_WILDCARDS = 5
MAX_FORWARD_GROUPS = 5

_LB_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")
_METHOD = re.compile(r"^[A-Z_-]{1,40}$")
_SUBNET_ID = re.compile(r"^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
_SECURITY_GROUP_ID = re.compile(r"^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
#: AWS's longest value of a rule condition (host, path, header and query string values), and header name.
MAX_CONDITION_TEXT = 128
MAX_HEADER_NAME = 40
_FIXED_STATUS = re.compile(r"^[245]\d\d$")


# ---------------------------------------------------------------------------
# API calls
# ---------------------------------------------------------------------------


def describe_load_balancer(client, name=None, arn=None):
    """One load balancer by name or ARN (boto3 shape), or None when it does not exist."""
    kwargs = {"LoadBalancerArns": [arn]} if arn else {"Names": [name]}
    try:
        found = client.describe_load_balancers(aws_retry=True, **kwargs).get("LoadBalancers", [])
    except Exception as exc:  # pylint: disable=broad-except
        if error_code(exc) == "LoadBalancerNotFound":
            return None
        raise
    return found[0] if found else None


def find_load_balancer(client, ref):
    """One load balancer by a reference that is its ARN or its name, or None when it does not exist.

    A check-mode placeholder (``predicted:load-balancer:NAME``) is not sent to AWS: it names nothing yet.
    """
    if is_predicted(ref):
        return None
    if ref.startswith("arn:"):
        return describe_load_balancer(client, arn=ref)
    return describe_load_balancer(client, name=ref)


def get_load_balancer_attributes(client, arn):
    """``{key: value}``; a key AWS does not report counts as "not set"."""
    response = client.describe_load_balancer_attributes(aws_retry=True, LoadBalancerArn=arn)
    return {a["Key"]: a["Value"] for a in response.get("Attributes", [])}


def modify_load_balancer_attributes(client, arn, attributes):
    client.modify_load_balancer_attributes(
        aws_retry=True, LoadBalancerArn=arn, Attributes=[{"Key": k, "Value": v} for k, v in sorted(attributes.items())]
    )


def describe_listeners(client, load_balancer_arn):
    """Every listener of a load balancer (boto3 shape)."""
    kwargs = {"LoadBalancerArn": load_balancer_arn}
    listeners = []
    while True:
        page = client.describe_listeners(aws_retry=True, **kwargs)
        listeners.extend(page.get("Listeners", []))
        if not page.get("NextMarker"):
            return listeners
        kwargs["Marker"] = page["NextMarker"]


def describe_listener(client, arn):
    """One listener by ARN, or None (also for a check-mode placeholder, which is never sent to AWS)."""
    if is_predicted(arn):
        return None
    try:
        found = client.describe_listeners(aws_retry=True, ListenerArns=[arn]).get("Listeners", [])
    except Exception as exc:  # pylint: disable=broad-except
        if error_code(exc) == "ListenerNotFound":
            return None
        raise
    return found[0] if found else None


def describe_listener_certificates(client, listener_arn):
    """``[(certificate_arn, is_default)]`` of a listener, the SNI certificates included."""
    kwargs = {"ListenerArn": listener_arn}
    certificates = []
    while True:
        page = client.describe_listener_certificates(aws_retry=True, **kwargs)
        certificates.extend((c["CertificateArn"], bool(c.get("IsDefault"))) for c in page.get("Certificates", []))
        if not page.get("NextMarker"):
            return certificates
        kwargs["Marker"] = page["NextMarker"]


def describe_rules(client, listener_arn):
    """Every rule of a listener, the default rule included (boto3 shape)."""
    kwargs = {"ListenerArn": listener_arn}
    rules = []
    while True:
        page = client.describe_rules(aws_retry=True, **kwargs)
        rules.extend(page.get("Rules", []))
        if not page.get("NextMarker"):
            return rules
        kwargs["Marker"] = page["NextMarker"]


def ssl_policy_exists(client, name):
    """Whether ELBv2 knows the TLS security policy ``name``."""
    try:
        found = client.describe_ssl_policies(aws_retry=True, Names=[name]).get("SslPolicies", [])
    except Exception as exc:  # pylint: disable=broad-except
        if error_code(exc) == "SSLPolicyNotFound":
            return False
        raise
    return any(p.get("Name") == name for p in found)


def certificate_status(acm_client, arn):
    """The ACM status of a certificate (ISSUED, PENDING_VALIDATION, ...), or None when it does not exist."""
    try:
        return acm_client.describe_certificate(aws_retry=True, CertificateArn=arn)["Certificate"].get("Status")
    except Exception as exc:  # pylint: disable=broad-except
        if error_code(exc) in ("ResourceNotFoundException", "ValidationException"):
            return None
        raise


def _describe_target_groups_by_name(client, names):
    try:
        return client.describe_target_groups(aws_retry=True, Names=list(names)).get("TargetGroups", [])
    except Exception as exc:  # pylint: disable=broad-except
        if error_code(exc) == "TargetGroupNotFound":
            return None
        raise


def resolve_target_groups(client, refs):
    """``{ref: arn}`` for target group names or ARNs (None for a name that does not exist).

    ARNs are kept as they are. Names are looked up in one call; only when one of
    them is missing (which fails the whole call) are they asked for one by one.
    """
    resolved = {ref: None if is_predicted(ref) else ref for ref in refs if ref.startswith("arn:") or is_predicted(ref)}
    names = sorted({ref for ref in refs if ref not in resolved})
    if not names:
        return resolved
    groups = _describe_target_groups_by_name(client, names)
    if groups is None:
        groups = []
        for name in names:
            groups.extend(_describe_target_groups_by_name(client, [name]) or [])
    by_name = {g["TargetGroupName"]: g["TargetGroupArn"] for g in groups}
    resolved.update({name: by_name.get(name) for name in names})
    return resolved


def update_tags(client, arn, to_set, to_remove):
    """Add or overwrite ``to_set`` and remove ``to_remove`` on any ELBv2 resource."""
    if to_remove:
        client.remove_tags(aws_retry=True, ResourceArns=[arn], TagKeys=list(to_remove))
    if to_set:
        client.add_tags(aws_retry=True, ResourceArns=[arn], Tags=ansible_dict_to_boto3_tag_list(to_set))


# ---------------------------------------------------------------------------
# Pure: load balancers
# ---------------------------------------------------------------------------


def _an(lb_type):
    """'an application' / 'a network' / 'a gateway' load balancer."""
    return f"an {lb_type}" if lb_type[:1] in "aeiou" else f"a {lb_type}"


def lb_attributes_state(attributes):
    """Load balancer attributes as snake_case options; missing (or empty) ones are None: "not set"."""
    state = {}
    for option, (key, _types) in LB_ATTRIBUTES.items():
        value = attributes.get(key)
        if option in _INT_ATTRIBUTES:
            state[option] = int_or_none(value)
        elif option in _STR_ATTRIBUTES:
            state[option] = value or None
        else:
            state[option] = bool_or_none(value)
    state["access_logs"] = {
        "enabled": bool_or_none(attributes.get(ACCESS_LOG_KEYS["enabled"])),
        "bucket": attributes.get(ACCESS_LOG_KEYS["bucket"]) or None,
        "prefix": attributes.get(ACCESS_LOG_KEYS["prefix"]) or None,
    }
    return state


def desired_lb_attributes(params):
    """The attribute ``{key: value}`` pairs the user set, as AWS stores them (text)."""
    wanted = {}
    for option, (key, _types) in LB_ATTRIBUTES.items():
        if params.get(option) is not None:
            wanted[key] = aws_text(params[option])
    for option, key in ACCESS_LOG_KEYS.items():
        value = (params.get("access_logs") or {}).get(option)
        if value is not None:
            wanted[key] = aws_text(value)
    return wanted


def attribute_changes(current, wanted):
    """Attributes whose value differs from AWS's. A key AWS does not report is "not set", so it differs from any
    value asked for (AWS's defaults differ per attribute: HTTP/2 is on, deletion protection off)."""
    return {key: value for key, value in wanted.items() if current.get(key) != value}


def subnets_of(lb):
    return sorted(az["SubnetId"] for az in lb.get("AvailabilityZones") or [] if az.get("SubnetId"))


def load_balancer_state(lb, attributes, tags):
    """The full snake_case state of a load balancer, as the modules return and diff it."""
    zones = []
    for az in lb.get("AvailabilityZones") or []:
        addresses = [
            {
                "ip_address": a.get("IpAddress"),
                "allocation_id": a.get("AllocationId"),
                "private_ipv4_address": a.get("PrivateIPv4Address"),
                "ipv6_address": a.get("IPv6Address"),
            }
            for a in az.get("LoadBalancerAddresses") or []
        ]
        zones.append({"zone_name": az.get("ZoneName"), "subnet_id": az.get("SubnetId"), "addresses": addresses})
    return {
        "arn": lb.get("LoadBalancerArn"),
        "name": lb.get("LoadBalancerName"),
        "type": lb.get("Type"),
        # Some emulators leave Scheme out when it was not given; AWS's default is internet-facing.
        "scheme": lb.get("Scheme") or "internet-facing",
        "dns_name": lb.get("DNSName"),
        "canonical_hosted_zone_id": lb.get("CanonicalHostedZoneId"),
        "vpc_id": lb.get("VpcId"),
        "state": (lb.get("State") or {}).get("Code"),
        "ip_address_type": lb.get("IpAddressType"),
        "security_groups": sorted(lb.get("SecurityGroups") or []),
        "subnets": subnets_of(lb),
        "availability_zones": sorted(zones, key=lambda z: z["subnet_id"] or ""),
        "tags": tags,
        **lb_attributes_state(attributes),
    }


def desired_subnet_list(params):
    """The subnet IDs of ``subnets`` or ``subnet_mappings``, in the order given (empty when neither is set)."""
    if params.get("subnet_mappings"):
        return [m["subnet_id"] for m in params["subnet_mappings"]]
    return list(params.get("subnets") or [])


def desired_subnets(params):
    """The subnet IDs asked for, sorted, or None when neither ``subnets`` nor ``subnet_mappings`` is given."""
    if params.get("subnet_mappings"):
        return sorted(m["subnet_id"] for m in params["subnet_mappings"])
    if params.get("subnets"):
        return sorted(params["subnets"])
    return None


def subnet_mappings_request(mappings):
    result = []
    for mapping in mappings:
        item = {"SubnetId": mapping["subnet_id"]}
        for option, param in (
            ("allocation_id", "AllocationId"),
            ("private_ipv4_address", "PrivateIPv4Address"),
            ("ipv6_address", "IPv6Address"),
        ):
            if mapping.get(option):
                item[param] = mapping[option]
        result.append(item)
    return result


def create_load_balancer_request(params, tags):
    """The CreateLoadBalancer request for the options given."""
    request = {"Name": params["name"], "Type": params.get("type") or "application"}
    if params.get("scheme"):
        request["Scheme"] = params["scheme"]
    if params.get("ip_address_type"):
        request["IpAddressType"] = params["ip_address_type"]
    if params.get("subnet_mappings"):
        request["SubnetMappings"] = subnet_mappings_request(params["subnet_mappings"])
    elif params.get("subnets"):
        request["Subnets"] = list(params["subnets"])
    if params.get("security_groups"):
        request["SecurityGroups"] = list(params["security_groups"])
    if tags:
        request["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    return request


def load_balancer_changes(current, raw_attributes, params):
    """What an update has to do: ``{security_groups, subnets, ip_address_type, attributes}`` (empty when nothing)."""
    changes = {}
    groups = params.get("security_groups")
    if groups is not None and sorted(groups) != current["security_groups"]:
        changes["security_groups"] = sorted(groups)
    subnets = desired_subnets(params)
    if subnets is not None and subnets != current["subnets"]:
        changes["subnets"] = subnets
    if params.get("ip_address_type") and params["ip_address_type"] != current["ip_address_type"]:
        changes["ip_address_type"] = params["ip_address_type"]
    attributes = attribute_changes(raw_attributes, desired_lb_attributes(params))
    if attributes:
        changes["attributes"] = attributes
    return changes


def predict_load_balancer(current, params, wanted_tags, purge_tags):
    """The load balancer after the changes, without asking AWS (the check-mode result)."""
    if current:
        state = dict(current)
    else:
        lb_type = params.get("type") or "application"
        state = load_balancer_state(
            {
                "LoadBalancerName": params["name"],
                "Type": lb_type,
                "Scheme": params.get("scheme") or "internet-facing",
                "IpAddressType": params.get("ip_address_type") or "ipv4",
                "SecurityGroups": params.get("security_groups") or [],
                "State": {"Code": "provisioning"},
            },
            {},
            {},
        )
        # AWS makes the ARN and DNS name on creation: placeholders stand in for them (see common.predicted_ref).
        state["arn"] = state["dns_name"] = predicted_ref("load-balancer", params["name"])
    if params.get("security_groups") is not None:
        state["security_groups"] = sorted(params["security_groups"])
    subnets = desired_subnets(params)
    if subnets is not None:
        state["subnets"] = subnets
        known = {z["subnet_id"]: z for z in state["availability_zones"]}
        state["availability_zones"] = [known.get(s, {"zone_name": None, "subnet_id": s, "addresses": []}) for s in subnets]
    if params.get("ip_address_type"):
        state["ip_address_type"] = params["ip_address_type"]
    for option in LB_ATTRIBUTES:
        if params.get(option) is not None:
            state[option] = params[option]
    logs = dict(state["access_logs"])
    logs.update({k: v for k, v in (params.get("access_logs") or {}).items() if v is not None})
    state["access_logs"] = logs
    to_set, to_remove = tag_changes(state["tags"], wanted_tags, purge_tags)
    state["tags"] = apply_tag_changes(state["tags"], to_set, to_remove)
    return state


def validate_load_balancer(params, current=None, creating=False):
    """Return the first problem with the options, or None.

    Called before any call with the options alone, then with ``current`` (the
    existing load balancer's state) or ``creating=True`` when it would be created.
    """
    name = params["name"]
    if not _LB_NAME.match(name) or name.lower().startswith("internal-"):
        return (
            f"name={name!r} is not a valid load balancer name: use 1 to 32 letters, digits and hyphens, not starting "
            "or ending with a hyphen nor starting with 'internal-'"
        )
    if params.get("state") == "absent":
        return None
    lb_type = params.get("type") or (current or {}).get("type") or "application"

    if current:
        for option in ("type", "scheme"):
            wanted = params.get(option)
            if wanted is not None and wanted != current.get(option):
                return (
                    f"{option} of the existing load balancer {name!r} is {current.get(option)!r} and AWS cannot change "
                    f"it to {wanted!r}: delete the load balancer first (state=absent) or use a new name"
                )

    for option, (_key, types) in LB_ATTRIBUTES.items():
        if params.get(option) is not None and lb_type not in types:
            return f"{option} does not apply to {_an(lb_type)} load balancer (only {', '.join(types)}): remove it"
    logs = params.get("access_logs") or {}
    if any(v is not None for v in logs.values()) and lb_type not in ACCESS_LOG_TYPES:
        return f"access_logs does not apply to {_an(lb_type)} load balancer: remove it"
    if logs.get("enabled") and not logs.get("bucket"):
        return "access_logs.enabled=true needs access_logs.bucket, the S3 bucket that receives the logs"
    timeout = params.get("idle_timeout")
    if timeout is not None and not 1 <= timeout <= 4000:
        return f"idle_timeout={timeout} is out of range: use 1 to 4000 seconds"

    groups = params.get("security_groups")
    if groups is not None:
        for index, group in enumerate(groups):
            if not _SECURITY_GROUP_ID.match(str(group)) and not is_predicted(group):
                return (
                    f"security_groups[{index}]={group!r} is not a security group ID: give IDs like "
                    "sg-0123456789abcdef0 (sg- and 8 or 17 hexadecimal digits)"
                )
        if lb_type == "gateway" and groups:
            return "security_groups does not apply to a gateway load balancer: remove it"
    if params.get("ip_address_type") == "dualstack-without-public-ipv4" and lb_type != "application":
        return "ip_address_type=dualstack-without-public-ipv4 applies to application load balancers only"

    option = "subnet_mappings" if params.get("subnet_mappings") else "subnets"
    for index, subnet in enumerate(desired_subnet_list(params)):
        if not _SUBNET_ID.match(str(subnet)):
            where = f"{option}[{index}]" + (".subnet_id" if option == "subnet_mappings" else "")
            return (
                f"{where}={subnet!r} is not a subnet ID: give IDs like subnet-0123456789abcdef0 "
                "(subnet- and 8 or 17 hexadecimal digits)"
            )
    subnets = desired_subnets(params)
    if subnets is not None and len(set(subnets)) != len(subnets):
        return f"{option}: each subnet may be given once"
    for index, mapping in enumerate(params.get("subnet_mappings") or []):
        if mapping.get("allocation_id") and (lb_type != "network" or params.get("scheme") == "internal"):
            return f"subnet_mappings[{index}].allocation_id (an Elastic IP) applies to an internet-facing network load balancer only"
        if mapping.get("private_ipv4_address"):
            if lb_type != "network" or params.get("scheme") != "internal":
                return (
                    f"subnet_mappings[{index}].private_ipv4_address applies to an internal network load balancer only "
                    "(set scheme=internal and type=network)"
                )
            try:
                ipaddress.IPv4Address(mapping["private_ipv4_address"])
            except ValueError:
                return f"subnet_mappings[{index}].private_ipv4_address={mapping['private_ipv4_address']!r} is not an IPv4 address"

    if creating:
        if subnets is None:
            return f"creating load balancer {name!r} needs subnets or subnet_mappings"
        if lb_type == "application" and len(subnets) < 2:
            return "an application load balancer needs subnets in at least two availability zones: give two subnets or more"

    if current and groups is not None:
        have = current.get("security_groups") or []
        if lb_type == "network" and not have and groups:
            return (
                f"network load balancer {name!r} was created without security groups, and AWS can add security groups "
                "to a network load balancer only when it is created: remove security_groups, or delete and recreate "
                "the load balancer with them"
            )
        if lb_type == "network" and have and not groups:
            return (
                f"network load balancer {name!r} was created with security groups and must keep at least one: "
                "give at least one security group"
            )
    return None


# ---------------------------------------------------------------------------
# Pure: actions (listener default actions and rule actions)
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


def missing_target_groups(resolved):
    """The target group names that do not exist, sorted."""
    return sorted(ref for ref, arn in resolved.items() if arn is None)


# ---------------------------------------------------------------------------
# Pure: listeners
# ---------------------------------------------------------------------------


def listener_state(listener, sni_certificates, tags):
    """The snake_case state of a listener.

    ``sni_certificates`` is DescribeListenerCertificates' answer as ``[(arn, is_default)]``,
    or None for a listener without TLS. The default certificate is the first one
    DescribeListeners reports (AWS lists only that one there; some emulators list all).
    """
    protocol = listener.get("Protocol")
    certificates = [c["CertificateArn"] for c in listener.get("Certificates") or []]
    default = certificates[0] if certificates else None
    extra = sorted({arn for arn, is_default in (sni_certificates or []) if not is_default and arn != default})
    alpn = [p for p in listener.get("AlpnPolicy") or [] if p]
    tls = protocol in TLS_PROTOCOLS
    return {
        "arn": listener.get("ListenerArn"),
        "load_balancer_arn": listener.get("LoadBalancerArn"),
        "port": listener.get("Port"),
        "protocol": protocol,
        "default_action": action_state(listener.get("DefaultActions")),
        "certificate_arn": default if tls else None,
        "extra_certificate_arns": extra if tls else [],
        "ssl_policy": listener.get("SslPolicy") if tls else None,
        "alpn_policy": alpn[0] if alpn and protocol == "TLS" else None,
        "tags": tags,
    }


def desired_listener(params, action, current):
    """The listener fields the options ask for (None = keep what AWS has): protocol, action, TLS settings."""
    protocol = params.get("protocol") or (current or {}).get("protocol")
    tls = protocol in TLS_PROTOCOLS
    wanted = {"protocol": protocol, "default_action": action}
    if tls:
        wanted["certificate_arn"] = params.get("certificate_arn") or (current or {}).get("certificate_arn")
        policy = params.get("ssl_policy")
        if policy is None:
            becomes_tls = not current or current.get("protocol") not in TLS_PROTOCOLS
            policy = DEFAULT_SSL_POLICY if becomes_tls else current.get("ssl_policy")
        wanted["ssl_policy"] = policy
        if protocol == "TLS" and params.get("alpn_policy") is not None:
            wanted["alpn_policy"] = None if params["alpn_policy"] == "None" else params["alpn_policy"]
    return wanted


def listener_changes(current, wanted):
    """ModifyListener parameters for what differs between ``current`` and ``wanted``."""
    changes = {}
    if wanted["protocol"] and wanted["protocol"] != current["protocol"]:
        changes["Protocol"] = wanted["protocol"]
    if wanted["default_action"] is not None and wanted["default_action"] != current["default_action"]:
        changes["DefaultActions"] = action_request(wanted["default_action"])
    if wanted.get("certificate_arn") and wanted["certificate_arn"] != current["certificate_arn"]:
        changes["Certificates"] = [{"CertificateArn": wanted["certificate_arn"]}]
    if wanted.get("ssl_policy") and wanted["ssl_policy"] != current["ssl_policy"]:
        changes["SslPolicy"] = wanted["ssl_policy"]
    if "alpn_policy" in wanted and wanted["alpn_policy"] != current["alpn_policy"]:
        changes["AlpnPolicy"] = [wanted["alpn_policy"] or "None"]
    if "Protocol" in changes and wanted["protocol"] in TLS_PROTOCOLS:
        # AWS wants the TLS settings in the same call that turns a listener into HTTPS or TLS.
        changes.setdefault("Certificates", [{"CertificateArn": wanted["certificate_arn"]}])
        changes.setdefault("SslPolicy", wanted["ssl_policy"])
    return changes


def create_listener_request(load_balancer_arn, port, wanted, tags):
    request = {"LoadBalancerArn": load_balancer_arn, "DefaultActions": action_request(wanted["default_action"])}
    if wanted["protocol"]:
        request["Protocol"] = wanted["protocol"]
    if port is not None:
        request["Port"] = port
    if wanted.get("certificate_arn"):
        request["Certificates"] = [{"CertificateArn": wanted["certificate_arn"]}]
    if wanted.get("ssl_policy"):
        request["SslPolicy"] = wanted["ssl_policy"]
    if wanted.get("alpn_policy"):
        request["AlpnPolicy"] = [wanted["alpn_policy"]]
    if tags:
        request["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    return request


def certificate_changes(current_extra, wanted_extra, purge, default_arn):
    """``(to_add, to_remove)`` of SNI certificates, by ARN; order does not matter and the default is never an extra."""
    if wanted_extra is None:
        return [], []
    wanted = {arn for arn in wanted_extra if arn != default_arn}
    have = set(current_extra or [])
    to_add = sorted(wanted - have)
    to_remove = sorted(have - wanted) if purge else []
    return to_add, to_remove


def predict_listener(current, wanted, port, to_add, to_remove, wanted_tags, purge_tags):
    """The listener after the changes (the check-mode result)."""
    state = dict(current) if current else {
        "arn": None,
        "load_balancer_arn": None,
        "port": port,
        "protocol": None,
        "default_action": None,
        "certificate_arn": None,
        "extra_certificate_arns": [],
        "ssl_policy": None,
        "alpn_policy": None,
        "tags": {},
    }
    state["protocol"] = wanted["protocol"]
    if wanted["default_action"] is not None:
        state["default_action"] = wanted["default_action"]
    tls = wanted["protocol"] in TLS_PROTOCOLS
    state["certificate_arn"] = wanted.get("certificate_arn") if tls else None
    state["ssl_policy"] = wanted.get("ssl_policy") if tls else None
    if "alpn_policy" in wanted:
        state["alpn_policy"] = wanted["alpn_policy"]
    elif wanted["protocol"] != "TLS":
        state["alpn_policy"] = None
    extra = (set(state["extra_certificate_arns"]) | set(to_add)) - set(to_remove)
    state["extra_certificate_arns"] = sorted(extra) if tls else []
    to_set, to_remove_tags = tag_changes(state["tags"], wanted_tags, purge_tags)
    state["tags"] = apply_tag_changes(state["tags"], to_set, to_remove_tags)
    return state


def validate_listener(params):
    """Problems the options show on their own, before any call; None when there is none."""
    if params.get("state") == "absent":
        return None
    protocol = params.get("protocol")
    port = params.get("port")
    if port is not None and not 1 <= port <= 65535:
        return f"port={port} is out of range: use a port from 1 to 65535"
    action = params.get("default_action")
    if params.get("redirect_to_https"):
        if action:
            return "redirect_to_https is a default action of its own: give it or default_action, not both"
        if protocol and protocol != "HTTP":
            return f"redirect_to_https needs protocol=HTTP (it answers plain HTTP with a redirect), not protocol={protocol}"
    elif not action:
        return "state=present needs default_action (or redirect_to_https=true)"
    problem = validate_action(action, "default_action", protocol)
    if problem:
        return problem
    tls = protocol in TLS_PROTOCOLS
    if tls and not params.get("certificate_arn"):
        return (
            f"protocol={protocol} needs certificate_arn, the ACM certificate the listener presents: "
            "request or import one first (it must be ISSUED)"
        )
    if protocol and not tls:
        for option in ("certificate_arn", "extra_certificate_arns", "ssl_policy"):
            if params.get(option):
                return f"{option} applies to HTTPS and TLS listeners only, not protocol={protocol}: remove it"
    if params.get("alpn_policy") is not None and protocol and protocol != "TLS":
        return f"alpn_policy applies to TLS listeners (network load balancer) only, not protocol={protocol}"
    value = params.get("certificate_arn")
    if value and not value.startswith("arn:") and not is_predicted(value):
        return f"certificate_arn={value!r} is not a certificate ARN: give the ACM certificate's ARN"
    for index, value in enumerate(params.get("extra_certificate_arns") or []):
        if not value.startswith("arn:") and not is_predicted(value):
            return f"extra_certificate_arns[{index}]={value!r} is not a certificate ARN: give the ACM certificate's ARN"
    return None


def validate_listener_for_lb(params, lb_type):
    """Problems that show once the load balancer's type is known (still before any change)."""
    if params.get("state") == "absent":
        return None
    protocol = params.get("protocol")
    if lb_type == "gateway":
        for option in ("protocol", "port", "certificate_arn", "ssl_policy", "alpn_policy"):
            if params.get(option) is not None:
                return f"{option} does not apply to a gateway load balancer's listener: remove it"
        action = params.get("default_action") or {}
        if params.get("redirect_to_https") or action.get("type") != "forward":
            return "a gateway load balancer's listener can only forward to a GENEVE target group"
        return None
    if params.get("port") is None:
        return f"port is required for a listener of {_an(lb_type)} load balancer"
    if protocol is None:
        return f"protocol is required for a listener of {_an(lb_type)} load balancer"
    if lb_type == "application" and protocol not in HTTP_PROTOCOLS:
        return f"protocol={protocol} does not fit an application load balancer: use HTTP or HTTPS"
    if lb_type == "network":
        if protocol in HTTP_PROTOCOLS:
            hint = "use TLS for TLS offload" if protocol == "HTTPS" else "use TCP"
            return f"protocol={protocol} does not fit a network load balancer (layer 4): {hint}"
        if params.get("redirect_to_https"):
            return (
                "redirect_to_https needs an application load balancer: a network load balancer cannot redirect "
                "(let the hosts answer 301 on port 80)"
            )
    return validate_action(params.get("default_action"), "default_action", protocol)


# ---------------------------------------------------------------------------
# Pure: listener rules
# ---------------------------------------------------------------------------


def desired_conditions(conditions):
    """The canonical form of the ``conditions`` option: only what is set, values sorted."""
    conditions = conditions or {}
    result = {}
    for name in ("host_header", "path_pattern", "http_request_method", "source_ip"):
        if conditions.get(name):
            result[name] = sorted(conditions[name])
    if conditions.get("http_header"):
        result["http_header"] = sorted(
            ({"name": h["name"], "values": sorted(h["values"])} for h in conditions["http_header"]),
            key=lambda h: (h["name"].lower(), h["values"]),
        )
    if conditions.get("query_string"):
        result["query_string"] = sorted(
            ({"key": q.get("key"), "value": q["value"]} for q in conditions["query_string"]),
            key=lambda q: (q["key"] or "", q["value"]),
        )
    return result


def conditions_state(boto_conditions):
    """AWS's rule conditions in the canonical form (both the old ``Values`` and the ``*Config`` shapes)."""
    result = {}
    for condition in boto_conditions or []:
        name = _FIELD_TO_CONDITION.get(condition.get("Field"))
        if name is None:
            continue
        config = condition.get(CONDITIONS[name][1]) or {}
        if name == "http_header":
            result.setdefault(name, []).append(
                {"name": config.get("HttpHeaderName"), "values": sorted(config.get("Values") or [])}
            )
        elif name == "query_string":
            result.setdefault(name, []).extend(
                {"key": v.get("Key"), "value": v.get("Value")} for v in config.get("Values") or []
            )
        else:
            values = config.get("Values") or condition.get("Values") or []
            result[name] = sorted(set(result.get(name, [])) | set(values))
    if "http_header" in result:
        result["http_header"] = sorted(result["http_header"], key=lambda h: (h["name"].lower(), h["values"]))
    if "query_string" in result:
        result["query_string"] = sorted(result["query_string"], key=lambda q: (q["key"] or "", q["value"]))
    return result


def conditions_request(conditions):
    """The boto3 condition list for canonical conditions."""
    request = []
    for name, (field, config_key) in CONDITIONS.items():
        value = conditions.get(name)
        if not value:
            continue
        if name == "http_header":
            for header in value:
                request.append({"Field": field, config_key: {"HttpHeaderName": header["name"], "Values": header["values"]}})
        elif name == "query_string":
            pairs = []
            for pair in value:
                item = {"Value": pair["value"]}
                if pair.get("key") is not None:
                    item["Key"] = pair["key"]
                pairs.append(item)
            request.append({"Field": field, config_key: {"Values": pairs}})
        else:
            request.append({"Field": field, config_key: {"Values": list(value)}})
    return request


def condition_length_problem(conditions):
    """The first condition value longer than AWS accepts (canonical conditions), or None."""
    for name in ("host_header", "path_pattern"):
        for value in conditions.get(name, []):
            if len(value) > MAX_CONDITION_TEXT:
                return f"conditions.{name}: {value[:40]!r}... has {len(value)} characters; AWS takes at most {MAX_CONDITION_TEXT}"
    for header in conditions.get("http_header", []):
        if len(header["name"]) > MAX_HEADER_NAME:
            return f"conditions.http_header: the name {header['name']!r} has {len(header['name'])} characters; AWS takes at most {MAX_HEADER_NAME}"
        for value in header["values"]:
            if len(value) > MAX_CONDITION_TEXT:
                return (
                    f"conditions.http_header ({header['name']}): a value of {len(value)} characters; "
                    f"AWS takes at most {MAX_CONDITION_TEXT}"
                )
    for pair in conditions.get("query_string", []):
        for part in ("key", "value"):
            if len(pair.get(part) or "") > MAX_CONDITION_TEXT:
                return f"conditions.query_string: a {part} of {len(pair[part])} characters; AWS takes at most {MAX_CONDITION_TEXT}"
    return None


def condition_counts(conditions):
    """``(values, wildcards)`` of canonical conditions, as AWS counts them against a rule's quotas."""
    values = wildcards = 0
    for name, value in conditions.items():
        if name == "http_header":
            texts = [v for header in value for v in header["values"]]
        elif name == "query_string":
            texts = [(p.get("key") or "") + p["value"] for p in value]
        else:
            texts = list(value)
        values += len(texts)
        if name != "source_ip":
            wildcards += sum(text.count("*") + text.count("?") for text in texts)
    return values, wildcards


def rule_state(rule, tags):
    """The snake_case state of a listener rule."""
    priority = rule.get("Priority")
    return {
        "arn": rule.get("RuleArn"),
        "listener_arn": None,
        "priority": int_or_none(priority),
        "name": (tags or {}).get("Name"),
        "conditions": conditions_state(rule.get("Conditions")),
        "action": action_state(rule.get("Actions")),
        "tags": tags,
    }


def validate_rule(params):
    """Problems the options show on their own, before any call; None when there is none.

    Returns ``(problem, warning)``: a condition quota overrun gives both.
    """
    priority = params.get("priority")
    if priority is not None and not 1 <= priority <= 50000:
        return f"priority={priority} is out of range: use 1 to 50000", None
    if params.get("name") is None and priority is None:
        return "give priority or name (the rule's Name tag) to identify the rule", None
    if params.get("state") == "absent":
        return None, None
    if priority is None:
        return "state=present needs priority (where the rule goes in the listener's order)", None
    if not params.get("action"):
        return "state=present needs action", None
    problem = validate_action(params["action"], "action")
    if problem:
        return problem, None
    conditions = desired_conditions(params.get("conditions"))
    if not conditions:
        return "state=present needs at least one of conditions.host_header, path_pattern, http_header, " \
               "http_request_method, query_string or source_ip", None
    for method in conditions.get("http_request_method", []):
        if not _METHOD.match(method):
            return f"conditions.http_request_method: {method!r} is not an HTTP method: use upper case, like GET", None
    for cidr in conditions.get("source_ip", []):
        try:
            ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            return f"conditions.source_ip: {cidr!r} is not a CIDR block like 203.0.113.0/24", None
    for path in conditions.get("path_pattern", []):
        if not path.startswith("/") and not path.startswith("*"):
            return f"conditions.path_pattern: {path!r} must start with '/' (or a wildcard)", None
    problem = condition_length_problem(conditions)
    if problem:
        return problem, None
    values, wildcards = condition_counts(conditions)
    if values > MAX_CONDITION_VALUES or wildcards > MAX_WILDCARDS:
        warning = (
            f"the rule's conditions have {values} values and {wildcards} wildcards; AWS allows at most "
            f"{MAX_CONDITION_VALUES} values and {MAX_WILDCARDS} wildcards per rule"
        )
        return f"conditions exceed the per-rule limits: {warning}. Split them over several rules", warning
    return None, None
