# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Read the stack's whole state in as few calls as AWS allows.

One Resource Groups Tagging API ``GetResources`` by the ownership tag finds the stack's load balancers, target
groups and certificates with their tags; batched ``DescribeLoadBalancers`` / ``DescribeTargetGroups`` by ARNs
describe them, ``DescribeTags`` reads the listeners' and rules' tags 20 ARNs a call. A named resource that the tag
does not find is looked up by name, so one of another owner is refused (ownership), never shadowed.

The result feeds the same per-resource functions as the modules (``current`` in the shapes of their ``read_*``).
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.webops.https_rollout.plugins.module_utils._acm import certificates as acm
from ansible_collections.webops.https_rollout.plugins.module_utils._acm.reconcile import current_certificate
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import api
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import protocols
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import rules as elb_rules
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_listeners import read_listener
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_load_balancers import read_load_balancer
from ansible_collections.webops.https_rollout.plugins.module_utils._elb.reconcile_target_groups import target_group_from_description
from ansible_collections.webops.https_rollout.plugins.module_utils.common import STACK_TAG_KEY
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_retry

#: What GetResources is asked for: the resource types the stack tags.
RESOURCE_TYPES = ["elasticloadbalancing:loadbalancer", "elasticloadbalancing:targetgroup", "acm:certificate"]


@aws_retry()
def _tagged_pages(client, stack):
    paginator = client.get_paginator("get_resources")
    pages = paginator.paginate(TagFilters=[{"Key": STACK_TAG_KEY, "Values": [stack]}], ResourceTypeFilters=RESOURCE_TYPES)
    return pages.build_full_result()


def tagged_resources(client, stack):
    """``{arn: tags}`` of every load balancer, target group and certificate tagged ``https-rollout:stack=<stack>``.

    GetResources also names resources that were deleted a moment ago: callers describe them, and keep what exists.
    """
    found = {}
    for item in _tagged_pages(client, stack).get("ResourceTagMappingList", []):
        tags = boto3_tag_list_to_ansible_dict(item.get("Tags", []))
        if tags.get(STACK_TAG_KEY) == stack:
            found[item["ResourceARN"]] = tags
    return found


def _kind(arn):
    if ":loadbalancer/" in arn:
        return "load_balancer"
    if ":targetgroup/" in arn:
        return "target_group"
    if ":acm:" in arn:
        return "certificate"
    return None


def split_tagged(tagged):
    """``{kind: {arn: tags}}`` of :func:`tagged_resources` (load_balancer, target_group, certificate)."""
    out = {"load_balancer": {}, "target_group": {}, "certificate": {}}
    for arn, tags in tagged.items():
        if _kind(arn):
            out[_kind(arn)][arn] = tags
    return out


def _describe_load_balancers_by_arn(client, arns):
    if not arns:
        return []
    found = []
    for arn in arns:  # one call per ARN only when one of them is gone (which fails the batched call)
        found_one = api.describe_load_balancer(client, arn=arn)
        if found_one:
            found.append(found_one)
    return found


def load_balancers_by_arn(client, arns):
    """Descriptions of the load balancers ``arns``: one call, or one per ARN when one is gone."""
    arns = sorted(arns)
    if not arns:
        return []
    try:
        return api.describe_load_balancers(client, LoadBalancerArns=arns)
    except Exception as exc:  # pylint: disable=broad-except
        if "LoadBalancerNotFound" not in str(exc):
            raise
        return _describe_load_balancers_by_arn(client, arns)


def read_certificate(client, params, tagged_certificates):
    """``(owned, current, superseded)`` of the stack's certificate ``params["name"]`` from the tagged ARNs."""
    owned = []
    for arn, tags in tagged_certificates.items():
        if not acm.owned_by(tags, params["name"], params["stack"]):
            continue
        certificate = acm.describe_certificate(client, arn)
        if certificate is not None:
            owned.append((certificate, tags))
    owned.sort(key=lambda item: str(item[0].get("CreatedAt") or ""))
    current, superseded = current_certificate(owned, params, None)
    return owned, current, superseded


def read_target_groups(client, names, tagged_groups):
    """``{name: (raw_attributes, state)}`` of the named groups (missing ones absent), and the other tagged ones
    ``[(description, tags)]``."""
    groups = api.describe_target_groups(client, arns=sorted(tagged_groups)) if tagged_groups else []
    by_name = {}
    others = []
    for group in groups:
        if group["TargetGroupName"] in names and group["TargetGroupName"] not in by_name:
            by_name[group["TargetGroupName"]] = group
        else:
            others.append((group, tagged_groups.get(group["TargetGroupArn"], {})))
    result = {}
    for name in names:
        group = by_name.get(name)
        tags = tagged_groups.get(group["TargetGroupArn"]) if group else None
        if group is None:
            # Not tagged for this stack: look by name, so a group of another owner is refused, not shadowed.
            group = api.get_target_group(client, name)
        if group is not None:
            result[name] = target_group_from_description(client, group, tags)
    return result, others


def read_load_balancer_of(client, name, tagged_lbs):
    """``(raw_attributes, state, description, duplicates)`` of the named load balancer; ``duplicates`` are the other
    tagged load balancers of that name (a create whose answer was lost), ``(None, None, None, [])`` when missing."""
    lbs = load_balancers_by_arn(client, tagged_lbs)
    named = [lb for lb in lbs if lb["LoadBalancerName"] == name]
    named.sort(key=lambda lb: str(lb.get("CreatedTime") or ""))
    if named:
        lb = named[0]
        attributes, state = read_load_balancer(client, lb=lb, tags=tagged_lbs[lb["LoadBalancerArn"]])
        return attributes, state, lb, named[1:]
    lb = api.describe_load_balancer(client, name=name)
    if lb is None:
        return None, None, None, []
    attributes, state = read_load_balancer(client, lb=lb)
    return attributes, state, lb, []


def read_listeners(client, lb, rule_ports):
    """``({port: state}, {port: [rule states]})`` of the load balancer's listeners, and the rules of the listeners on
    ``rule_ports``; the tags of all of them in batches of 20."""
    listeners = api.describe_listeners(client, lb["LoadBalancerArn"])
    raw_rules = {}
    for listener in listeners:
        if listener.get("Port") in rule_ports and listener.get("Protocol") in protocols.HTTP_PROTOCOLS:
            raw_rules[listener["Port"]] = [r for r in api.describe_rules(client, listener["ListenerArn"]) if not r.get("IsDefault")]
    arns = [listener["ListenerArn"] for listener in listeners]
    arns += [rule["RuleArn"] for found in raw_rules.values() for rule in found]
    tags = api.get_tags(client, arns) if arns else {}
    states = {}
    for listener in listeners:
        states[listener.get("Port")] = read_listener(client, listener, tags.get(listener["ListenerArn"], {}))
    rule_states = {}
    for port, found in raw_rules.items():
        listener_arn = states[port]["arn"]
        rule_states[port] = [
            dict(elb_rules.rule_state(rule, tags.get(rule["RuleArn"], {})), listener_arn=listener_arn) for rule in found
        ]
    return states, rule_states
