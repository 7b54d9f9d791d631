# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Load balancers: AWS's answer as snake_case state, options as requests, changes, predictions and validation.

Pure functions (no call); the reads are in :mod:`api`.
"""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.webops.https_rollout.plugins.module_utils._elb.api import attribute_changes
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.protocols import LB_TYPES
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.protocols import an
from ansible_collections.webops.https_rollout.plugins.module_utils.common import apply_tag_changes
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_text
from ansible_collections.webops.https_rollout.plugins.module_utils.common import bool_or_none
from ansible_collections.webops.https_rollout.plugins.module_utils.common import int_or_none
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_ref
from ansible_collections.webops.https_rollout.plugins.module_utils.common import tag_changes

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
_LB_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")
_SUBNET_ID = re.compile(r"^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
_SECURITY_GROUP_ID = re.compile(r"^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$")


# ---------------------------------------------------------------------------
# State
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Options -> requests, changes and predictions
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


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
            return f"{option} does not apply to {an(lb_type)} load balancer (only {', '.join(types)}): remove it"
    logs = params.get("access_logs") or {}
    if any(v is not None for v in logs.values()) and lb_type not in ACCESS_LOG_TYPES:
        return f"access_logs does not apply to {an(lb_type)} load balancer: remove it"
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
