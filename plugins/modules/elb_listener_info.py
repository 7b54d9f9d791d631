#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: elb_listener_info
short_description: Look up a load balancer's listeners with their rules and certificates
version_added: 0.2.0
description:
  - Returns the listeners of an Elastic Load Balancing v2 load balancer in the same snake_case shape as
    M(webops.https_rollout.elb_listener), with protocol, port, default action, default and SNI certificates, TLS
    policy and tags.
  - With O(include_rules=true) each listener also carries its rules, in the shape that
    M(webops.https_rollout.elb_listener_rule) returns, sorted by priority.
  - A load balancer that does not exist is not an error. The result is then an empty list, so the module is safe
    to use in a teardown.
  - In check mode, a load balancer given as a check-mode placeholder (C(predicted:load-balancer:<name>), as a
    check-mode M(webops.https_rollout.elb_load_balancer) returns it) does not exist yet. The result is then an
    empty list and a warning, without a call. A real run refuses such a placeholder.
  - The module only reads. It makes one DescribeListeners call, one DescribeListenerCertificates call per HTTPS or
    TLS listener, one DescribeRules call per HTTP or HTTPS listener when rules are read, and one DescribeTags call
    per 20 listeners and rules. A load balancer given by name costs one more call to find its ARN.
author:
  - webops maintainers (@webops)
options:
  load_balancer:
    description:
      - Name or ARN of the load balancer.
    type: str
    required: true
  ports:
    description:
      - Return only the listeners on these ports. All listeners by default.
      - A gateway load balancer's listener has no port, so this option leaves it out.
    type: list
    elements: int
  include_rules:
    description:
      - Whether to read the rules of each HTTP and HTTPS listener (one call per listener). Listeners of network and
        gateway load balancers have no rules.
      - The default rule is not listed among them, since it is the listener's C(default_action).
    type: bool
    default: true
extends_documentation_fragment:
  - webops.https_rollout._attributes.info_module
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
  - module: webops.https_rollout.elb_listener
  - module: webops.https_rollout.elb_listener_rule
  - module: webops.https_rollout.elb_load_balancer_info
"""

EXAMPLES = r"""
- name: The listeners of the shop's load balancer, with their rules
  webops.https_rollout.elb_listener_info:
    load_balancer: shop
  register: shop_listeners

- name: Which certificates does the HTTPS listener serve?
  ansible.builtin.debug:
    msg: >-
      {{ (shop_listeners.listeners | selectattr('port', 'eq', 443) | map(attribute='certificate_arn') | list)
         + (shop_listeners.listeners | selectattr('port', 'eq', 443) | map(attribute='extra_certificate_arns')
            | flatten | list) }}

- name: Only the HTTP listener, without rules (is the redirect in place?)
  webops.https_rollout.elb_listener_info:
    load_balancer: arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/shop/0123456789abcdef
    ports: [80]
    include_rules: false
  register: http_listener
"""

RETURN = r"""
load_balancer_arn:
  description: ARN of the load balancer; None when it does not exist.
  returned: always
  type: str
  sample: arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/shop/0123456789abcdef
listeners:
  description:
    - The listeners found, sorted by port, each in the shape that M(webops.https_rollout.elb_listener) returns,
      plus C(rules). An empty list when the load balancer does not exist.
  returned: always
  type: list
  elements: dict
  contains:
    arn:
      description: ARN of the listener.
      type: str
    load_balancer_arn:
      description: ARN of the load balancer.
      type: str
    port:
      description: Port of the listener; None for a gateway load balancer.
      type: int
      sample: 443
    protocol:
      description: Protocol of the listener.
      type: str
      sample: HTTPS
    default_action:
      description:
        - The default action, with target group ARNs. C(forward) has C(target_groups) (C(arn), C(weight)) and
          C(stickiness); C(redirect) has C(protocol), C(port), C(host), C(path), C(query) and C(status_code);
          C(fixed_response) has C(status_code), C(content_type) and C(message_body).
      type: dict
      sample: {"type": "redirect", "protocol": "HTTPS", "port": "443", "host": "#{host}", "path": "/#{path}",
               "query": "#{query}", "status_code": "HTTP_301"}
    certificate_arn:
      description: The default certificate; None without TLS.
      type: str
    extra_certificate_arns:
      description: The extra (SNI) certificates, sorted.
      type: list
      elements: str
    ssl_policy:
      description: The TLS security policy; None without TLS.
      type: str
      sample: ELBSecurityPolicy-TLS13-1-2-2021-06
    alpn_policy:
      description: The ALPN policy of a TLS listener; None when off.
      type: str
    tags:
      description: The listener's tags.
      type: dict
    rules:
      description:
        - The listener's rules but the default one, sorted by priority.
        - An empty list when O(include_rules=false), and for a listener of a network or gateway load balancer.
      type: list
      elements: dict
      contains:
        arn:
          description: ARN of the rule.
          type: str
        listener_arn:
          description: ARN of the listener.
          type: str
        priority:
          description: Priority of the rule.
          type: int
          sample: 10
        name:
          description: The rule's C(Name) tag, if any.
          type: str
        conditions:
          description:
            - The conditions, with the keys of the C(conditions) option of
              M(webops.https_rollout.elb_listener_rule); only those set are present. Values are sorted.
          type: dict
          sample: {"host_header": ["shop.example.com"]}
        action:
          description: The action, in the shape of C(default_action).
          type: dict
        tags:
          description: The rule's tags.
          type: dict
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
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_retry
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_refs_error

_LB_ARN_PART = ":loadbalancer/"
_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")


# ---------------------------------------------------------------------------
# Pure
# ---------------------------------------------------------------------------


def validate_options(load_balancer, ports):
    """The first problem with the options, or None. Checked before any call."""
    if not load_balancer:
        return "load_balancer is empty: give the load balancer's name or ARN"
    if load_balancer.startswith("arn:"):
        if _LB_ARN_PART not in load_balancer:
            return (
                f"load_balancer={load_balancer!r} is an ARN but not a load balancer's: give the load balancer's "
                "name or its arn:...:loadbalancer/... ARN"
            )
    elif not _NAME.match(load_balancer):
        return (
            f"load_balancer={load_balancer!r} cannot be a load balancer name: names have 1 to 32 letters, digits "
            "and hyphens, and neither start nor end with a hyphen"
        )
    for index, port in enumerate(ports or []):
        if not 1 <= port <= 65535:
            return f"ports[{index}]={port} is out of range: use ports from 1 to 65535"
    return None


def select_listeners(listeners, ports):
    """The listeners on ``ports`` (all when ``ports`` is None), sorted by port then ARN."""
    wanted = None if ports is None else set(ports)
    chosen = [listener for listener in listeners if wanted is None or listener.get("Port") in wanted]
    return sorted(chosen, key=lambda listener: (listener.get("Port") or 0, listener["ListenerArn"]))


def shape(listeners, certificates, rules, tags):
    """The snake_case state of each listener, with its rules.

    ``certificates`` is ``{listener_arn: [(certificate_arn, is_default)]}`` for the TLS listeners, ``rules``
    ``{listener_arn: [boto3 rule]}`` (the default rule is dropped here) and ``tags`` ``{arn: tags}``.
    """
    states = []
    for listener in listeners:
        arn = listener["ListenerArn"]
        state = elb.listener_state(listener, certificates.get(arn), tags.get(arn, {}))
        listener_rules = []
        for rule in rules.get(arn) or []:
            if rule.get("IsDefault"):
                continue
            listener_rules.append(dict(elb.rule_state(rule, tags.get(rule["RuleArn"], {})), listener_arn=arn))
        state["rules"] = sorted(listener_rules, key=lambda r: (r["priority"] is None, r["priority"] or 0, r["arn"]))
        states.append(state)
    return states


# ---------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------


def find_listeners(client, load_balancer, ports=None, include_rules=True):
    """``(load_balancer_arn, listener states)``; ``(None, [])`` when the load balancer does not exist."""
    if load_balancer.startswith("arn:"):
        lb_arn = load_balancer
    else:
        lb = elb.describe_load_balancer(client, name=load_balancer)
        if lb is None:
            return None, []
        lb_arn = lb["LoadBalancerArn"]
    try:
        listeners = elb.describe_listeners(client, lb_arn)
    except is_boto3_error_code("LoadBalancerNotFound"):
        return None, []
    listeners = select_listeners(listeners, ports)

    certificates, rules, gone = {}, {}, set()
    for listener in listeners:
        arn = listener["ListenerArn"]
        try:
            if listener.get("Protocol") in elb.TLS_PROTOCOLS:
                certificates[arn] = elb.describe_listener_certificates(client, arn)
            # Only an application load balancer's (HTTP and HTTPS) listeners have rules.
            if include_rules and listener.get("Protocol") in elb.HTTP_PROTOCOLS:
                rules[arn] = elb.describe_rules(client, arn)
        except is_boto3_error_code("ListenerNotFound"):
            gone.add(arn)  # deleted since it was listed
    listeners = [listener for listener in listeners if listener["ListenerArn"] not in gone]

    listener_arns = [listener["ListenerArn"] for listener in listeners]
    rule_arns = [rule["RuleArn"] for arn in listener_arns for rule in rules.get(arn, []) if not rule.get("IsDefault")]
    tags = elb.get_tags(client, listener_arns + rule_arns) if listener_arns else {}
    return lb_arn, shape(listeners, certificates, rules, tags)


def run(module):
    params = module.params
    if is_predicted(params["load_balancer"]):
        problem = predicted_refs_error("load_balancer", params["load_balancer"], module.check_mode)
        if problem:
            raise RolloutError(problem)
        module.warn(
            f"load_balancer={params['load_balancer']} is a check-mode prediction: that load balancer does not exist "
            "yet, so it has no listeners"
        )
        return {"changed": False, "load_balancer_arn": None, "listeners": []}
    problem = validate_options(params["load_balancer"], params["ports"])
    if problem:
        raise RolloutError(problem)
    client = module.client("elbv2", retry_decorator=aws_retry())
    lb_arn, listeners = find_listeners(client, params["load_balancer"], params["ports"], params["include_rules"])
    return {"changed": False, "load_balancer_arn": lb_arn, "listeners": listeners}


def main():
    argument_spec = dict(
        load_balancer=dict(type="str", required=True),
        ports=dict(type="list", elements="int"),
        include_rules=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        result = run(module)
    except RolloutError as exc:
        module.fail_json(msg=str(exc))
    except (BotoCoreError, ClientError) as exc:
        module.fail_json_aws(exc, msg=f"Failed to describe the listeners of load balancer {module.params['load_balancer']!r}")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
