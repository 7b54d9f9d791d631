#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: elb_load_balancer_info
short_description: Look up Application, Network and Gateway Load Balancers by name, ARN or owning stack
version_added: 0.2.0
description:
  - Returns Elastic Load Balancing v2 load balancers in the same snake_case shape as
    M(webops.https_rollout.elb_load_balancer), attributes and tags included.
  - A load balancer that does not exist is not an error. It is left out of the result, so a lookup of a missing
    load balancer gives an empty list. This makes the module safe to use in a teardown.
  - O(names) and O(arns) select load balancers; with neither, every load balancer of the region is read.
    O(stack) then keeps only those that carry the ownership tag C(https-rollout:stack=<stack>).
  - An empty O(names) or O(arns) list selects none, not all, so a list built by a template that matched nothing
    never turns into "every load balancer".
  - In check mode, an ARN that is a check-mode placeholder (C(predicted:load-balancer:<name>), as a check-mode
    M(webops.https_rollout.elb_load_balancer) returns it) names a load balancer that does not exist yet. It is left
    out with a warning, without a call. A real run refuses such a placeholder.
  - The module only reads. Tags are read with one DescribeTags call per 20 load balancers, and the attributes with
    one call per load balancer that is returned.
author:
  - webops maintainers (@webops)
options:
  names:
    description:
      - Names of the load balancers to look up.
    type: list
    elements: str
  arns:
    description:
      - ARNs of the load balancers to look up.
    type: list
    elements: str
  stack:
    description:
      - Return only the load balancers that this rollout stack owns, those tagged C(https-rollout:stack=<stack>).
      - Alone, it finds the stack's load balancers among all of the region's. With O(names) or O(arns), it keeps
        those of them that the stack owns.
    type: str
  include_attributes:
    description:
      - Whether to read each load balancer's attributes (one call per load balancer).
      - With V(false) the attribute keys (C(deletion_protection), C(idle_timeout), C(access_logs), ...) are left out
        of the result.
    type: bool
    default: true
extends_documentation_fragment:
  - webops.https_rollout._attributes.info_module
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
  - module: webops.https_rollout.elb_load_balancer
  - module: webops.https_rollout.elb_listener_info
"""

EXAMPLES = r"""
- name: Find the shop's load balancer; an empty list when it is gone
  webops.https_rollout.elb_load_balancer_info:
    names: [shop]
  register: found

- name: Show where the domain should point
  ansible.builtin.debug:
    msg: "{{ found.load_balancers[0].dns_name }}"
  when: found.load_balancers | length > 0

- name: Every load balancer the shop stack owns, without their attributes
  webops.https_rollout.elb_load_balancer_info:
    stack: shop
    include_attributes: false
  register: owned

- name: The load balancer of this name, only when the shop stack owns it (before a teardown)
  webops.https_rollout.elb_load_balancer_info:
    names: [shop]
    stack: shop
  register: ours
"""

RETURN = r"""
load_balancers:
  description:
    - The load balancers found, sorted by name, each in the shape that M(webops.https_rollout.elb_load_balancer)
      returns. An empty list when none matches.
    - The attribute keys are left out when O(include_attributes=false).
  returned: always
  type: list
  elements: dict
  contains:
    arn:
      description: ARN of the load balancer.
      type: str
      sample: arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/shop/0123456789abcdef
    name:
      description: Name of the load balancer.
      type: str
      sample: shop
    type:
      description: C(application), C(network) or C(gateway).
      type: str
    scheme:
      description: C(internet-facing) or C(internal).
      type: str
    dns_name:
      description: The load balancer's DNS name, the target of the domain's alias record.
      type: str
      sample: shop-1234567890.eu-west-1.elb.amazonaws.com
    canonical_hosted_zone_id:
      description: The Route 53 hosted zone ID of the load balancer's DNS name, for an alias record.
      type: str
      sample: Z32O12XQLNTSW2
    vpc_id:
      description: VPC of the load balancer.
      type: str
    state:
      description: C(provisioning), C(active), C(active_impaired) or C(failed).
      type: str
      sample: active
    ip_address_type:
      description: The address family.
      type: str
      sample: dualstack
    security_groups:
      description: IDs of the security groups, sorted.
      type: list
      elements: str
    subnets:
      description: IDs of the subnets, sorted.
      type: list
      elements: str
    availability_zones:
      description:
        - The zones with C(zone_name), C(subnet_id) and, for a network load balancer, C(addresses) (C(ip_address),
          C(allocation_id), C(private_ipv4_address), C(ipv6_address)).
      type: list
      elements: dict
    deletion_protection:
      description: Whether deletion protection is on; None when AWS does not report it.
      returned: when O(include_attributes=true)
      type: bool
    idle_timeout:
      description: Idle timeout in seconds; None when AWS does not report it.
      returned: when O(include_attributes=true)
      type: int
    drop_invalid_header_fields:
      description: Whether invalid header fields are dropped; None when AWS does not report it.
      returned: when O(include_attributes=true)
      type: bool
    http2:
      description: Whether HTTP/2 is on; None when AWS does not report it.
      returned: when O(include_attributes=true)
      type: bool
    desync_mitigation_mode:
      description: The desync mitigation mode; None when AWS does not report it.
      returned: when O(include_attributes=true)
      type: str
    cross_zone:
      description: Whether cross-zone load balancing is on; None when AWS does not report it.
      returned: when O(include_attributes=true)
      type: bool
    access_logs:
      description: Access logs, with C(enabled), C(bucket) and C(prefix); None values are not set.
      returned: when O(include_attributes=true)
      type: dict
    tags:
      description: The load balancer's tags.
      type: dict
      sample: {"https-rollout:stack": "shop", "team": "web"}
"""

import re

try:
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.webops.https_rollout.plugins.module_utils import elb
from ansible_collections.webops.https_rollout.plugins.module_utils.common import STACK_TAG_KEY
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_retry
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_refs_error

#: DescribeLoadBalancers takes at most 20 names or 20 ARNs per call.
DESCRIBE_BATCH = 20
#: The keys of a load balancer's state that come from DescribeLoadBalancerAttributes.
ATTRIBUTE_KEYS = tuple(elb.LB_ATTRIBUTES) + ("access_logs",)

_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")
_ARN = re.compile(r"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/(?:app|net|gwy)/[^/]+/[^/]+$")


# ---------------------------------------------------------------------------
# Pure
# ---------------------------------------------------------------------------


def split_predicted(refs):
    """``(real, predicted)``: the references AWS can know, and the check-mode placeholders among them."""
    if refs is None:
        return None, []
    return [r for r in refs if not is_predicted(r)], [r for r in refs if is_predicted(r)]


def validate_options(names, arns):
    """The first problem with the options, or None. Checked before any call (placeholders left out)."""
    for index, name in enumerate(names or []):
        if name.startswith("arn:"):
            return f"names[{index}]={name!r} is an ARN: give it in arns"
        if not _NAME.match(name):
            return (
                f"names[{index}]={name!r} cannot be a load balancer name: names have 1 to 32 letters, digits and "
                "hyphens, and neither start nor end with a hyphen"
            )
    for index, arn in enumerate(arns or []):
        if not _ARN.match(arn):
            return (
                f"arns[{index}]={arn!r} is not a load balancer ARN: expected "
                "arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/<app|net|gwy>/<name>/<id>"
            )
    return None


def owned_by_stack(tags, stack):
    """Whether tags carry this stack's ownership tag (every resource counts when no stack is given)."""
    return not stack or (tags or {}).get(STACK_TAG_KEY) == stack


def shape(lbs, tags, attributes, stack):
    """The snake_case states of the load balancers the stack owns, sorted by name and de-duplicated.

    ``lbs`` are boto3 descriptions, ``tags`` is ``{arn: tags}`` and ``attributes`` ``{arn: {key: value}}``
    or None when the attributes were not read: their keys are then left out.
    """
    states = {}
    for lb in lbs:
        arn = lb["LoadBalancerArn"]
        lb_tags = tags.get(arn, {})
        if not owned_by_stack(lb_tags, stack):
            continue
        state = elb.load_balancer_state(lb, (attributes or {}).get(arn, {}), lb_tags)
        if attributes is None:
            for key in ATTRIBUTE_KEYS:
                state.pop(key, None)
        states[arn] = state
    return sorted(states.values(), key=lambda s: (s["name"] or "", s["arn"]))


# ---------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------


def describe_some(client, key, refs):
    """Load balancers by ``Names`` or ``LoadBalancerArns`` (``key``), 20 per call; missing ones are left out.

    AWS fails the whole call when one of several is missing: that batch is then asked for one at a time.
    """
    found = []
    refs = sorted(set(refs))
    for start in range(0, len(refs), DESCRIBE_BATCH):
        batch = refs[start:start + DESCRIBE_BATCH]
        try:
            found.extend(elb.describe_load_balancers(client, **{key: batch}))
            continue
        except is_boto3_error_code("LoadBalancerNotFound"):
            pass
        if len(batch) == 1:
            continue
        for ref in batch:
            try:
                found.extend(elb.describe_load_balancers(client, **{key: [ref]}))
            except is_boto3_error_code("LoadBalancerNotFound"):
                pass
    return found


def find_load_balancers(client, names=None, arns=None, stack=None, include_attributes=True):
    """The snake_case states of the matching load balancers, sorted by name."""
    if names is not None or arns is not None:
        lbs = describe_some(client, "Names", names or []) + describe_some(client, "LoadBalancerArns", arns or [])
    else:
        lbs = elb.describe_load_balancers(client)
    unique = {lb["LoadBalancerArn"]: lb for lb in lbs}
    if not unique:
        return []
    tags = elb.get_tags(client, sorted(unique))
    attributes = None
    if include_attributes:
        attributes = {}
        for arn in sorted(unique):
            if not owned_by_stack(tags.get(arn), stack):
                continue
            try:
                attributes[arn] = elb.get_load_balancer_attributes(client, arn)
            except is_boto3_error_code("LoadBalancerNotFound"):
                del unique[arn]  # deleted since it was listed
    return shape(unique.values(), tags, attributes, stack)


def run(module):
    params = module.params
    names, predicted_names = split_predicted(params["names"])
    arns, predicted_arns = split_predicted(params["arns"])
    problem = (
        predicted_refs_error("names", predicted_names, module.check_mode)
        or predicted_refs_error("arns", predicted_arns, module.check_mode)
        or validate_options(names, arns)
    )
    if problem:
        raise RolloutError(problem)
    for ref in predicted_names + predicted_arns:
        module.warn(f"{ref} is a check-mode prediction: that load balancer does not exist yet, so it is left out")
    client = module.client("elbv2", retry_decorator=aws_retry())
    found = find_load_balancers(client, names, arns, params["stack"], params["include_attributes"])
    return {"changed": False, "load_balancers": found}


def main():
    argument_spec = dict(
        names=dict(type="list", elements="str"),
        arns=dict(type="list", elements="str"),
        stack=dict(type="str"),
        include_attributes=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        result = run(module)
    except RolloutError as exc:
        module.fail_json(msg=str(exc))
    except (BotoCoreError, ClientError) as exc:
        module.fail_json_aws(exc, msg="Failed to describe load balancers")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
