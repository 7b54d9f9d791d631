#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: elb_listener_rule
short_description: Manage a routing rule of an Application Load Balancer listener
version_added: 0.1.0
description:
  - Creates, updates, moves and deletes one rule of an HTTP or HTTPS listener.
  - The rule is identified by its listener plus O(priority), or by O(name), its C(Name) tag. With O(name), a new
    O(priority) moves the rule (one SetRulePriorities call); it is never deleted and created again.
  - Conditions are snake_case options. Their values are compared as sets, so their order does not matter.
  - The action is given as in M(webops.https_rollout.elb_listener).
  - More conditions than AWS allows per rule give a warning and fail before any call to AWS.
  - A second run with the same options makes read calls only and reports no change.
author:
  - webops maintainers (@webops)
options:
  listener_arn:
    description:
      - ARN of the listener. Give it, or O(load_balancer) and O(port).
    type: str
  load_balancer:
    description:
      - Name or ARN of the load balancer whose listener on O(port) holds the rule.
    type: str
  port:
    description:
      - Port of the listener, with O(load_balancer).
    type: int
  priority:
    description:
      - Place of the rule in the listener's order, 1 (first) to 50000. Each priority holds one rule.
      - Required with O(state=present). Without O(name) it identifies the rule.
    type: int
  name:
    description:
      - Value of the rule's C(Name) tag, which identifies the rule when given. A rule found by name and given a new
        O(priority) is moved.
    type: str
  state:
    description:
      - V(present) creates or updates the rule, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  conditions:
    description:
      - When the rule applies; every condition given must match. At least one is required with O(state=present).
      - AWS allows 5 condition values and 5 wildcards per rule in all.
    type: dict
    suboptions:
      host_header:
        description: Host names, with C(*) and C(?) wildcards, for example V(shop.example.com) or V(*.example.com).
        type: list
        elements: str
      path_pattern:
        description: URL paths, with wildcards, for example V(/api/*).
        type: list
        elements: str
      http_header:
        description: HTTP headers and the values they must have (one of them, per header).
        type: list
        elements: dict
        suboptions:
          name:
            description: Name of the header.
            type: str
            required: true
          values:
            description: Values, with wildcards.
            type: list
            elements: str
            required: true
      http_request_method:
        description: HTTP methods, in upper case, for example V(GET) and V(HEAD).
        type: list
        elements: str
      query_string:
        description: Query string key/value pairs (one of them must be present).
        type: list
        elements: dict
        suboptions:
          key:
            description: Key; leave it out to match the value alone.
            type: str
          value:
            description: Value, with wildcards.
            type: str
            required: true
      source_ip:
        description: Client address ranges in CIDR notation, IPv4 or IPv6.
        type: list
        elements: str
  action:
    description:
      - What the rule does, in the same form as the default action of M(webops.https_rollout.elb_listener).
        Required with O(state=present).
    type: dict
    suboptions:
      type:
        description: V(forward), V(redirect) or V(fixed_response).
        type: str
        required: true
        choices: [forward, redirect, fixed_response]
      target_group:
        description: Name or ARN of the one target group to forward to.
        type: str
      target_groups:
        description: Target groups to share the traffic between by weight, up to five.
        type: list
        elements: dict
        suboptions:
          name:
            description: Name or ARN of the target group.
            type: str
            required: true
          weight:
            description: Relative share of the traffic, 0 to 999. Defaults to 1.
            type: int
      stickiness:
        description: Keep a client on the same target group of a weighted forward.
        type: dict
        suboptions:
          enabled:
            description: Whether group stickiness is on.
            type: bool
          duration:
            description: Seconds a client stays on its group, 1 to 604800. Required when enabled.
            type: int
      redirect:
        description: Where to redirect; parts left out keep the request's own.
        type: dict
        suboptions:
          protocol:
            description: V(HTTP), V(HTTPS) or V(#{protocol}).
            type: str
          port:
            description: Port, or V(#{port}).
            type: str
          host:
            description: Host name, or V(#{host}).
            type: str
          path:
            description: Path starting with C(/), or V(/#{path}).
            type: str
          query:
            description: Query string without the C(?), or V(#{query}).
            type: str
          status_code:
            description: V(301) or V(302).
            type: int
            choices: [301, 302]
            default: 301
      fixed_response:
        description: The response to send.
        type: dict
        suboptions:
          status_code:
            description: HTTP status code, 2XX, 4XX or 5XX.
            type: str
            required: true
          content_type:
            description: Content type of the body.
            type: str
            choices: [text/plain, text/css, text/html, application/javascript, application/json]
          message_body:
            description: The body, up to 1024 characters.
            type: str
extends_documentation_fragment:
  - webops.https_rollout._attributes
  - webops.https_rollout.stack
  - webops.https_rollout.predicted
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
attributes:
  check_mode:
    details: Check mode makes read calls only and returns the predicted state of the rule.
  diff_mode:
    details: The diff shows the rule before and after, its priority, conditions, action and tags included.
notes:
  - The module runs on the controller and talks to AWS through boto3. Throttling is retried with jittered backoff.
  - In check mode, a listener or target group that does not exist yet gives a warning and the rule is predicted as if
    it existed. Without check mode it is an error.
  - Without O(tags), only the C(Name) tag (from O(name)) and the ownership tag are managed; other tags are left alone.
seealso:
  - module: webops.https_rollout.elb_listener
  - module: webops.https_rollout.elb_load_balancer
"""

EXAMPLES = r"""
# Host-based routing of two apps on one ALB: the HTTPS:443 listener (webops.https_rollout.elb_listener)
# answers 404 by default, and one rule per host forwards to that app's target group.
- name: shop.example.com goes to the shop
  webops.https_rollout.elb_listener_rule:
    load_balancer: edge
    port: 443
    stack: edge
    name: shop
    priority: 10
    conditions:
      host_header: [shop.example.com]
    action:
      type: forward
      target_group: shop-web

- name: blog.example.com goes to the blog
  webops.https_rollout.elb_listener_rule:
    load_balancer: edge
    port: 443
    stack: edge
    name: blog
    priority: 20
    conditions:
      host_header: [blog.example.com]
    action:
      type: forward
      target_group: blog-web

- name: Move the blog rule ahead of the shop rule (same rule, new priority)
  webops.https_rollout.elb_listener_rule:
    load_balancer: edge
    port: 443
    name: blog
    priority: 5
    conditions:
      host_header: [blog.example.com]
    action:
      type: forward
      target_group: blog-web

- name: Only the office may reach /admin; everyone else gets a 403
  webops.https_rollout.elb_listener_rule:
    listener_arn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/edge/0123456789abcdef/fedcba9876543210
    priority: 1
    conditions:
      path_pattern: [/admin/*]
      http_request_method: [GET, POST]
    action:
      type: fixed_response
      fixed_response:
        status_code: "403"
        content_type: text/plain
        message_body: forbidden

- name: Delete the blog rule by name
  webops.https_rollout.elb_listener_rule:
    load_balancer: edge
    port: 443
    stack: edge
    name: blog
    state: absent
"""

RETURN = r"""
arn:
  description: ARN of the rule. None in check mode when it would be created.
  returned: when O(state=present)
  type: str
listener_arn:
  description: ARN of the listener.
  returned: when O(state=present)
  type: str
priority:
  description: Priority of the rule.
  returned: when O(state=present)
  type: int
  sample: 10
name:
  description: The rule's C(Name) tag, if any.
  returned: when O(state=present)
  type: str
conditions:
  description: The conditions, with the keys of O(conditions); only those set are present. Values are sorted.
  returned: when O(state=present)
  type: dict
  sample: {"host_header": ["shop.example.com"]}
action:
  description: The action, as C(default_action) of M(webops.https_rollout.elb_listener) returns it.
  returned: when O(state=present)
  type: dict
tags:
  description: The rule's tags.
  returned: when O(state=present)
  type: dict
"""

try:
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.webops.https_rollout.plugins.module_utils import elb
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import WaitFailed
from ansible_collections.webops.https_rollout.plugins.module_utils.common import WaitTimeout
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_retry
from ansible_collections.webops.https_rollout.plugins.module_utils.common import build_result
from ansible_collections.webops.https_rollout.plugins.module_utils.common import ownership_argument_spec
from ansible_collections.webops.https_rollout.plugins.module_utils.common import ownership_error
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_refs_error


def run(module):
    params = module.params
    if not params["listener_arn"] and not (params["load_balancer"] and params["port"]):
        raise RolloutError("give listener_arn, or load_balancer and port, to name the rule's listener")
    problem, warning = elb.validate_rule(params)
    if warning:
        module.warn(warning)
    if not problem and params["state"] == "present":
        for option in ("listener_arn", "load_balancer"):
            problem = problem or predicted_refs_error(option, params[option], module.check_mode)
    if problem:
        raise RolloutError(problem)

    client = module.client("elbv2", retry_decorator=aws_retry())
    listener = elb.find_rule_listener(client, params)
    if listener is None:
        if params["state"] == "absent":
            changed, state = elb.ensure_rule_absent(client, None, module.check_mode)
            return build_result(changed, {}, state, module._diff)
        where = params["listener_arn"] or f"{params['load_balancer']}:{params['port']}"
        problem = f"listener {where} does not exist: create it first (webops.https_rollout.elb_listener)"
        if not module.check_mode:
            raise RolloutError(problem)
        # In check mode the task that creates it may only have predicted it: predict the rule too.
        module.warn(f"{problem}. Check mode predicts the rule as if it existed.")
        changed, after = elb.ensure_rule_present(client, None, None, params, module.check_mode, module.warn)
        return build_result(changed, {}, after, module._diff)
    if listener.get("Protocol") not in elb.HTTP_PROTOCOLS:
        raise RolloutError(
            f"listener {listener['ListenerArn']} is {listener.get('Protocol')}: rules need an HTTP or HTTPS "
            "listener of an application load balancer"
        )
    listener_arn = listener["ListenerArn"]
    current, occupant = elb.find_rule(client, listener_arn, params)
    what = params["name"] or f"priority {params['priority']}"
    if current:
        problem = ownership_error("listener rule", what, current["tags"], params["stack"], params["state"] == "absent")
        if problem:
            raise RolloutError(problem)

    if params["state"] == "absent":
        changed, state = elb.ensure_rule_absent(client, current, module.check_mode)
        return build_result(changed, current or {}, state, module._diff)

    if occupant:
        raise RolloutError(
            f"priority {params['priority']} of listener {listener_arn} is held by another rule ({occupant['arn']}, "
            f"Name={occupant['name']!r}): choose a free priority, or move or delete that rule first"
        )
    changed, after = elb.ensure_rule_present(client, listener_arn, current, params, module.check_mode, module.warn)
    return build_result(changed, current, after, module._diff)


def main():
    argument_spec = dict(**elb.rule_argument_spec(), **ownership_argument_spec())
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[["listener_arn", "load_balancer"]],
        required_together=[["load_balancer", "port"]],
    )
    try:
        result = run(module)
    except (RolloutError, WaitTimeout, WaitFailed) as exc:
        module.fail_json(msg=str(exc))
    except (BotoCoreError, ClientError) as exc:
        module.fail_json_aws(exc, msg="Failed to manage the listener rule")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
