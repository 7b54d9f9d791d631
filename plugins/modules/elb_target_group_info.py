#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: elb_target_group_info
short_description: Look up Elastic Load Balancing v2 target groups, their attributes, tags and target health
version_added: 0.1.0
description:
  - Returns target groups in the same snake_case shape as M(webops.https_rollout.elb_target_group), so a group can
    be inspected, compared or fed back into that module.
  - Names, ARNs and load balancers that do not exist are not an error; they are left out of the result.
  - In check mode, the placeholder ARN of a target group or load balancer that an earlier check-mode task would
    create (C(predicted:...)) is left out too, with a warning, and never sent to AWS. A real run refuses it.
author:
  - webops maintainers (@webops)
options:
  names:
    description:
      - Target group names to look up. With no O(names), O(arns) or O(load_balancer_arn), every group is returned.
    type: list
    elements: str
  arns:
    description:
      - Target group ARNs to look up. A group that does not exist is left out.
    type: list
    elements: str
  load_balancer_arn:
    description:
      - Return the groups that this load balancer forwards to; none when it does not exist.
    type: str
  include_targets:
    description:
      - Whether to read each group's registered targets and their health (one more call per group).
    type: bool
    default: true
extends_documentation_fragment:
  - webops.https_rollout._attributes.info_module
  - webops.https_rollout.predicted
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
  - module: webops.https_rollout.elb_target_group
"""

EXAMPLES = r"""
- name: How healthy are the web hosts?
  webops.https_rollout.elb_target_group_info:
    names: [shop-web]
  register: tg

- name: Show unhealthy targets
  ansible.builtin.debug:
    msg: "{{ tg.target_groups[0].targets | rejectattr('health', 'eq', 'healthy') | list }}"
"""

RETURN = r"""
target_groups:
  description:
    - The target groups found, sorted by name, each in the shape that M(webops.https_rollout.elb_target_group) returns.
    - C(targets) is an empty list when O(include_targets=false).
  returned: always
  type: list
  elements: dict
  sample:
    - arn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-web/0123456789abcdef
      name: shop-web
      protocol: HTTP
      port: 8080
      target_type: instance
      health_check: {path: /healthz, interval: 15, timeout: 5}
      deregistration_delay: 30
      tags: {"https-rollout:stack": shop}
      targets: [{id: i-0123456789abcdef0, port: 8080, health: healthy, reason: null}]
"""

try:
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.webops.https_rollout.plugins.module_utils import elb
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_retry
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted
from ansible_collections.webops.https_rollout.plugins.module_utils.common import missing_reference
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_refs_error


def list_target_groups(client, names, arns, load_balancer_arn, include_targets):
    """The snake_case states of the matching groups, sorted by name."""
    groups = []
    # DescribeTargetGroups fails the whole call when one of several names or ARNs is missing:
    # ask for one at a time, so a missing one is simply left out.
    for name in names or []:
        groups.extend(elb.describe_target_groups(client, names=[name]))
    for arn in arns or []:
        if not is_predicted(arn):
            groups.extend(elb.describe_target_groups(client, arns=[arn]))
    if load_balancer_arn and not is_predicted(load_balancer_arn):
        groups.extend(elb.describe_target_groups(client, load_balancer_arn=load_balancer_arn))
    if not (names or arns or load_balancer_arn):
        groups = elb.describe_target_groups(client)

    unique = {g["TargetGroupArn"]: g for g in groups}
    tags = elb.get_tags(client, list(unique)) if unique else {}
    states = []
    for arn, group in unique.items():
        attributes = elb.get_target_group_attributes(client, arn)
        health = elb.describe_target_health(client, arn) if include_targets else []
        states.append(elb.target_group_state(group, attributes, tags.get(arn, {}), health))
    return sorted(states, key=lambda s: s["name"])


def check_placeholders(params, check_mode, warn):
    """Refuse check-mode placeholders in a real run; in check mode warn that they are left out."""
    refs = [("arns", arn) for arn in params["arns"] or []]
    if params["load_balancer_arn"]:
        refs.append(("load_balancer_arn", params["load_balancer_arn"]))
    for option, value in refs:
        problem = predicted_refs_error(option, value, check_mode)
        if problem:
            raise RolloutError(problem)
        if is_predicted(value):
            missing_reference(option, value, check_mode, warn)


def run(module):
    params = module.params
    check_placeholders(params, module.check_mode, module.warn)
    client = module.client("elbv2", retry_decorator=aws_retry())
    groups = list_target_groups(
        client, params["names"], params["arns"], params["load_balancer_arn"], params["include_targets"]
    )
    return {"changed": False, "target_groups": groups}


def main():
    argument_spec = dict(
        names=dict(type="list", elements="str"),
        arns=dict(type="list", elements="str"),
        load_balancer_arn=dict(type="str"),
        include_targets=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        result = run(module)
    except RolloutError as exc:
        module.fail_json(msg=str(exc))
    except (BotoCoreError, ClientError) as exc:
        module.fail_json_aws(exc, msg="Failed to describe target groups")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
