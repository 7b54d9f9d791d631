#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: elb_ssl_policy_info
short_description: Look up the TLS security policies that Elastic Load Balancing v2 offers
version_added: 0.2.0
description:
  - Describes the security policies (the C(ELBSecurityPolicy-...) names) that an HTTPS or TLS listener of an
    Application or Network Load Balancer can use, with their protocols and ciphers.
  - A policy name that AWS does not know is not an error. It is returned in RV(missing), so a playbook can refuse a
    bad policy name before it changes anything, as the role C(webops.https_rollout.https_edge) does.
  - The names are asked for in one DescribeSSLPolicies call. AWS refuses the whole call (C(SSLPolicyNotFound)) when
    one of the names is unknown; the names are then asked for one at a time, so that the known ones are still
    returned. A single name is always one call.
  - With no O(names), every policy is returned, read through all the pages of the answer.
  - The module only reads.
author:
  - webops maintainers (@webops)
options:
  names:
    description:
      - Names of the policies to describe, for example V(ELBSecurityPolicy-TLS13-1-2-2021-06).
      - Omitted or an empty list, every policy is returned.
    type: list
    elements: str
  load_balancer_type:
    description:
      - Return only the policies that this type of load balancer supports.
      - With O(names), a named policy that this type does not support is in RV(missing).
    type: str
    choices: [application, network, gateway]
extends_documentation_fragment:
  - webops.https_rollout._attributes.info_module
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
  - module: webops.https_rollout.elb_listener
  - name: Security policies of an Application Load Balancer
    description: What each policy offers.
    link: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
"""

EXAMPLES = r"""
- name: Is the policy for the HTTPS listener one that AWS offers?
  webops.https_rollout.elb_ssl_policy_info:
    names: [ELBSecurityPolicy-TLS13-1-2-2021-06]
  register: policy

- name: Refuse an unknown policy before any change
  ansible.builtin.assert:
    that: policy.missing | length == 0
    fail_msg: "{{ policy.missing | join(', ') }} is not a TLS policy AWS offers"

- name: The policies that offer TLS 1.3, for a Network Load Balancer
  webops.https_rollout.elb_ssl_policy_info:
    load_balancer_type: network
  register: all_policies

- name: Show their names
  ansible.builtin.debug:
    msg: "{{ all_policies.ssl_policies | selectattr('protocols', 'contains', 'TLSv1.3') | map(attribute='name') | list }}"
"""

RETURN = r"""
ssl_policies:
  description:
    - The policies found, sorted by name. An empty list when none matches.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the policy.
      type: str
      sample: ELBSecurityPolicy-TLS13-1-2-2021-06
    protocols:
      description: The TLS protocol versions the policy accepts, sorted.
      type: list
      elements: str
      sample: [TLSv1.2, TLSv1.3]
    ciphers:
      description: The names of the policy's ciphers, in the policy's order of priority (most preferred first).
      type: list
      elements: str
      sample: [TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, ECDHE-ECDSA-AES128-GCM-SHA256]
    supported_load_balancer_types:
      description: The types of load balancer that support the policy, sorted; empty when AWS does not say.
      type: list
      elements: str
      sample: [application, network]
missing:
  description:
    - The names in O(names) that AWS does not know (or, with O(load_balancer_type), does not offer for that type of
      load balancer), in the order given, each once. An empty list without O(names).
  returned: always
  type: list
  elements: str
  sample: [ELBSecurityPolicy-TLS13-1-2-2099-01]
"""

try:
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.webops.https_rollout.plugins.module_utils import elb
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_retry

#: The error code of DescribeSSLPolicies when one of the names is not a policy.
NOT_FOUND = "SSLPolicyNotFound"


# ---------------------------------------------------------------------------
# Pure
# ---------------------------------------------------------------------------


def unique_names(names):
    """The names without repeats, in the order given."""
    seen = []
    for name in names or []:
        if name not in seen:
            seen.append(name)
    return seen


def validate_names(names):
    """The first problem with O(names), or None. Checked before any call."""
    for index, name in enumerate(names or []):
        if not name or not name.strip():
            return f"names[{index}] is empty: give a policy name such as ELBSecurityPolicy-TLS13-1-2-2021-06"
        if name != name.strip():
            return f"names[{index}]={name!r} has spaces around the name"
    return None


def policy_state(policy):
    """The snake_case shape of one boto3 SslPolicy."""
    ciphers = sorted(policy.get("Ciphers") or [], key=lambda cipher: cipher.get("Priority") or 0)
    return {
        "name": policy["Name"],
        "protocols": sorted(set(policy.get("SslProtocols") or [])),
        "ciphers": [cipher["Name"] for cipher in ciphers],
        "supported_load_balancer_types": sorted(policy.get("SupportedLoadBalancerTypes") or []),
    }


def shape(policies, load_balancer_type=None):
    """The snake_case policies, de-duplicated and sorted by name.

    A policy that says which load balancer types support it, and does not list ``load_balancer_type``, is
    left out (AWS filters already; this only guards against an answer that did not).
    """
    states = {}
    for policy in policies:
        state = policy_state(policy)
        types = state["supported_load_balancer_types"]
        if load_balancer_type and types and load_balancer_type not in types:
            continue
        states[state["name"]] = state
    return [states[name] for name in sorted(states)]


# ---------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------


def describe_ssl_policies(client, **params):
    """DescribeSSLPolicies through the paginator, retried as a whole on throttling."""
    return elb.paginate(client, "describe_ssl_policies", **params).get("SslPolicies", [])


def describe_if_known(client, names, **params):
    """The policies of ``names``, or None when AWS refuses the call because one of them is not a policy."""
    try:
        return describe_ssl_policies(client, Names=names, **params)
    except is_boto3_error_code(NOT_FOUND):
        return None


def find_ssl_policies(client, names=None, load_balancer_type=None):
    """``(policies, missing)``: the snake_case policies found and the requested names AWS does not know.

    All policies without ``names``. With names, one call; when AWS refuses it (one name is unknown), one call per
    name, so that the known ones are still found. A single refused name is known to be missing without more calls.
    """
    params = {"LoadBalancerType": load_balancer_type} if load_balancer_type else {}
    wanted = unique_names(names)
    if not wanted:
        return shape(describe_ssl_policies(client, **params), load_balancer_type), []
    found = describe_if_known(client, wanted, **params)
    if found is None:
        found = []
        if len(wanted) > 1:
            for name in wanted:
                found.extend(describe_if_known(client, [name], **params) or [])
    policies = shape(found, load_balancer_type)
    known = set(policy["name"] for policy in policies)
    # AWS answers only for the names asked; moto drops unknown names from the answer instead of refusing.
    policies = [policy for policy in policies if policy["name"] in wanted]
    return policies, [name for name in wanted if name not in known]


def run(module):
    params = module.params
    problem = validate_names(params["names"])
    if problem:
        raise RolloutError(problem)
    client = module.client("elbv2", retry_decorator=aws_retry())
    policies, missing = find_ssl_policies(client, params["names"], params["load_balancer_type"])
    return {"changed": False, "ssl_policies": policies, "missing": missing}


def main():
    argument_spec = dict(
        names=dict(type="list", elements="str"),
        load_balancer_type=dict(type="str", choices=["application", "network", "gateway"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        result = run(module)
    except RolloutError as exc:
        module.fail_json(msg=str(exc))
    except (BotoCoreError, ClientError) as exc:
        module.fail_json_aws(exc, msg="Failed to describe the TLS security policies")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
