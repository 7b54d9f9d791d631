# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ELBv2 reads every resource shares: load balancers, listeners, rules, target groups and tags.

Functions of a boto3 ``elbv2`` client wrapped with ``common.aws_retry`` and explicit arguments. Listings go through
boto3's paginators (:func:`paginate`, retried as a whole with ``aws_retry``); tags are read 20 resources a call.
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.webops.https_rollout.plugins.module_utils.common import STACK_TAG_KEY
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_retry
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted

#: DescribeTags accepts at most 20 resource ARNs per call.
DESCRIBE_TAGS_BATCH = 20


# ---------------------------------------------------------------------------
# Paginated listings
# ---------------------------------------------------------------------------


@aws_retry()
def _full_result(client, operation, params):
    return client.get_paginator(operation).paginate(**params).build_full_result()


def paginate(client, operation, **params):
    """The full result of a paginated ELBv2 call (``describe_listeners``, ...): every page, through boto3's
    paginator, retried as a whole on throttling."""
    return _full_result(client, operation, params)


def describe_load_balancers(client, **params):
    """DescribeLoadBalancers (all, or by ``Names`` / ``LoadBalancerArns``) through the paginator (boto3 shape)."""
    return paginate(client, "describe_load_balancers", **params).get("LoadBalancers", [])


def stack_load_balancers(client, stack):
    """``[(load balancer, tags)]`` of every load balancer tagged ``https-rollout:stack=<stack>`` (boto3 shape):
    all load balancers through the paginator, then their tags 20 ARNs a call."""
    lbs = describe_load_balancers(client)
    tags = get_tags(client, [lb["LoadBalancerArn"] for lb in lbs]) if lbs else {}
    return [(lb, tags.get(lb["LoadBalancerArn"], {})) for lb in lbs
            if tags.get(lb["LoadBalancerArn"], {}).get(STACK_TAG_KEY) == stack]


def describe_listeners(client, load_balancer_arn):
    """Every listener of a load balancer (boto3 shape)."""
    return paginate(client, "describe_listeners", LoadBalancerArn=load_balancer_arn).get("Listeners", [])


def describe_listener_certificates(client, listener_arn):
    """``[(certificate_arn, is_default)]`` of a listener, the SNI certificates included."""
    result = paginate(client, "describe_listener_certificates", ListenerArn=listener_arn)
    return [(c["CertificateArn"], bool(c.get("IsDefault"))) for c in result.get("Certificates", [])]


def describe_rules(client, listener_arn):
    """Every rule of a listener, the default rule included (boto3 shape)."""
    return paginate(client, "describe_rules", ListenerArn=listener_arn).get("Rules", [])


def describe_target_groups(client, names=None, arns=None, load_balancer_arn=None):
    """Target group descriptions (boto3 shape); [] when a named group does not exist."""
    kwargs = {}
    if names:
        kwargs["Names"] = list(names)
    if arns:
        kwargs["TargetGroupArns"] = list(arns)
    if load_balancer_arn:
        kwargs["LoadBalancerArn"] = load_balancer_arn
    try:
        return paginate(client, "describe_target_groups", **kwargs).get("TargetGroups", [])
    except is_boto3_error_code(("TargetGroupNotFound", "LoadBalancerNotFound")):
        # A load balancer that does not exist (any more) forwards to nothing.
        return []


# ---------------------------------------------------------------------------
# Load balancers
# ---------------------------------------------------------------------------


def describe_load_balancer(client, name=None, arn=None):
    """One load balancer by name or ARN (boto3 shape), or None when it does not exist."""
    kwargs = {"LoadBalancerArns": [arn]} if arn else {"Names": [name]}
    try:
        found = client.describe_load_balancers(aws_retry=True, **kwargs).get("LoadBalancers", [])
    except is_boto3_error_code("LoadBalancerNotFound"):
        return None
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


# ---------------------------------------------------------------------------
# Listeners
# ---------------------------------------------------------------------------


def describe_listener(client, arn):
    """One listener by ARN, or None (also for a check-mode placeholder, which is never sent to AWS)."""
    if is_predicted(arn):
        return None
    try:
        found = client.describe_listeners(aws_retry=True, ListenerArns=[arn]).get("Listeners", [])
    except is_boto3_error_code("ListenerNotFound"):
        return None
    return found[0] if found else None


# ---------------------------------------------------------------------------
# TLS policies
# ---------------------------------------------------------------------------


#: TLS policies found to exist in this process: AWS never withdraws one during a run, so the stack engine's early
#: check and the listener's own check ask once.
_KNOWN_SSL_POLICIES = set()


def ssl_policy_exists(client, name):
    """Whether ELBv2 knows the TLS security policy ``name`` (a policy found once is not asked for again)."""
    if name in _KNOWN_SSL_POLICIES:
        return True
    try:
        found = client.describe_ssl_policies(aws_retry=True, Names=[name]).get("SslPolicies", [])
    except is_boto3_error_code("SSLPolicyNotFound"):
        return False
    if any(p.get("Name") == name for p in found):
        _KNOWN_SSL_POLICIES.add(name)
        return True
    return False


# ---------------------------------------------------------------------------
# Target groups
# ---------------------------------------------------------------------------


def get_target_group(client, name):
    """One target group by name, or None."""
    groups = describe_target_groups(client, names=[name])
    return groups[0] if groups else None


def get_target_group_attributes(client, arn):
    """The group's attributes as ``{key: value}``; a key AWS does not report is "not set"."""
    response = client.describe_target_group_attributes(aws_retry=True, TargetGroupArn=arn)
    return {a["Key"]: a["Value"] for a in response.get("Attributes", [])}


def describe_target_health(client, arn):
    """Registered targets with their health (boto3 ``TargetHealthDescriptions``)."""
    response = client.describe_target_health(aws_retry=True, TargetGroupArn=arn)
    return response.get("TargetHealthDescriptions", [])


def _describe_target_groups_by_name(client, names):
    try:
        return client.describe_target_groups(aws_retry=True, Names=list(names)).get("TargetGroups", [])
    except is_boto3_error_code("TargetGroupNotFound"):
        return None


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


# ---------------------------------------------------------------------------
# Attributes and tags (any ELBv2 resource)
# ---------------------------------------------------------------------------


def attribute_changes(current, wanted):
    """Attributes (of a load balancer or a target group) whose value differs from AWS's.

    A key AWS does not report is "not set", so it differs from any value asked for (AWS's defaults differ per
    attribute: HTTP/2 is on, deletion protection off)."""
    return {key: value for key, value in wanted.items() if current.get(key) != value}


def get_tags(client, arns):
    """``{arn: {key: value}}`` for up to any number of ELBv2 resources, 20 per call."""
    arns = list(arns)
    tags = {}
    for start in range(0, len(arns), DESCRIBE_TAGS_BATCH):
        response = client.describe_tags(aws_retry=True, ResourceArns=arns[start:start + DESCRIBE_TAGS_BATCH])
        for desc in response.get("TagDescriptions", []):
            tags[desc["ResourceArn"]] = boto3_tag_list_to_ansible_dict(desc.get("Tags", []))
    return tags


def update_tags(client, arn, to_set, to_remove):
    """Add or overwrite ``to_set`` and remove the keys in ``to_remove`` on any ELBv2 resource."""
    if to_remove:
        client.remove_tags(aws_retry=True, ResourceArns=[arn], TagKeys=list(to_remove))
    if to_set:
        client.add_tags(aws_retry=True, ResourceArns=[arn], Tags=ansible_dict_to_boto3_tag_list(to_set))
