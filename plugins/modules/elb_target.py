#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: elb_target
short_description: Register or deregister targets of Elastic Load Balancing v2 target groups, and wait for them
version_added: 0.2.0
description:
  - Registers (O(state=present)) or deregisters (O(state=absent)) one or more targets of one target group, or of
    every target group of a stack. The group's other targets are left alone.
  - With O(wait=true) it waits until the targets are C(healthy), or until they are fully deregistered, that is
    until connection draining (the group's deregistration delay) has ended and AWS no longer lists them.
  - A target that turns C(unhealthy) while the module waits fails the task at once with AWS's reason code (for
    example C(Target.ResponseCodeMismatch) or C(Target.Timeout)), as does a target that cannot be used at all
    (C(Target.NotInUse) when no load balancer forwards to the group, C(Target.InvalidState) for a stopped instance).
  - A target that is C(draining) is already on its way out; with O(state=present) it is registered again.
  - A second run with the same options makes read calls only and reports no change.
  - It runs on the controller. From a play on the web hosts, use C(delegate_to=localhost) and name the host's
    own target, so a rolling deploy takes each batch out of service and back in.
author:
  - webops maintainers (@webops)
options:
  target_group:
    description:
      - The target group, by name or ARN.
      - Leave it out and give O(stack) to act on every target group that carries the stack's ownership tag
        C(https-rollout:stack=<stack>) (an ALB's and an NLB's alike), found with the Resource Groups Tagging API.
    type: str
  stack:
    description:
      - Name of the rollout stack whose target groups the targets belong to, when O(target_group) is not given.
        With O(target_group) it is ignored.
    type: str
  targets:
    description:
      - The targets to register or deregister.
    type: list
    elements: dict
    required: true
    suboptions:
      id:
        description: The target, an instance ID or an IP address as the group's target type requires.
        type: str
        required: true
      port:
        description: Port of the target, if not the group's port. With O(stack), each group's own port by default.
        type: int
  state:
    description:
      - V(present) registers the targets, V(absent) deregisters them.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description:
      - With O(state=present), wait until every target is C(healthy) in every group; fail as soon as one turns
        C(unhealthy), with its reason code.
      - With O(state=absent), wait until draining has ended and no group lists the targets any more. This takes
        the group's deregistration delay (300 seconds unless the group sets another).
      - The wait happens on reruns too, so a rerun still returns only once the targets are in the state asked for.
    type: bool
    default: true
extends_documentation_fragment:
  - webops.https_rollout._attributes
  - webops.https_rollout.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    details:
      - Check mode makes read calls only and predicts the targets' health, C(initial) for a target that would be
        registered and C(draining) for one that would be deregistered. It does not wait.
  diff_mode:
    details: The diff shows the named targets' health in each group before and after.
notes:
  - The module talks to AWS through boto3. Throttling is retried with jittered backoff.
  - With O(stack), the Resource Groups Tagging API needs C(tag:GetResources) on top of the ELBv2 permissions.
seealso:
  - module: webops.https_rollout.elb_target_group
  - module: webops.https_rollout.elb_target_group_info
"""

EXAMPLES = r"""
- name: Take this web host out of every target group of the stack, and wait until its connections have drained
  webops.https_rollout.elb_target:
    stack: shop
    targets:
      - id: "{{ instance_id }}"
    state: absent
    wait_timeout: 600
  delegate_to: localhost

- name: Put it back in, and wait until the load balancer calls it healthy
  webops.https_rollout.elb_target:
    stack: shop
    targets:
      - id: "{{ instance_id }}"
    state: present
  delegate_to: localhost

- name: Register two IP targets on their own port in one group, without waiting
  webops.https_rollout.elb_target:
    target_group: shop-api
    targets:
      - id: 10.0.1.10
        port: 9000
      - id: 10.0.2.10
        port: 9000
    wait: false
"""

RETURN = r"""
target_groups:
  description:
    - The target groups acted on, each with the named targets and their health after the run (predicted in check
      mode, as last seen when a wait ended).
  returned: always
  type: list
  elements: dict
  contains:
    arn:
      description: ARN of the target group.
      type: str
    name:
      description: Name of the target group.
      type: str
    targets:
      description: The named targets, in the order given.
      type: list
      elements: dict
      contains:
        id:
          description: Target ID.
          type: str
        port:
          description: Target port.
          type: int
        health:
          description:
            - C(initial), C(healthy), C(unhealthy), C(unused), C(draining) or C(unavailable); null when the
              target is not registered.
          type: str
        reason:
          description: AWS's reason code when the target is not healthy, for example C(Target.ResponseCodeMismatch).
          type: str
  sample:
    - arn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-web/0123456789abcdef
      name: shop-web
      targets:
        - {id: i-0123456789abcdef0, port: 80, health: healthy, reason: null}
registered:
  description: The targets registered by this run, as C(group name, id, port).
  returned: always
  type: list
  elements: dict
deregistered:
  description: The targets deregistered by this run, as C(group name, id, port).
  returned: always
  type: list
  elements: dict
waited:
  description: How long the module waited, in seconds, and how many polls it made.
  returned: when O(wait=true) and not in check mode
  type: dict
  sample: {"seconds": 12.5, "polls": 4}
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
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted
from ansible_collections.webops.https_rollout.plugins.module_utils.common import missing_reference
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_refs_error

#: Seconds between two polls of a wait at first, and at most (DescribeTargetHealth is cheap).
POLL_DELAY = 2
POLL_MAX_DELAY = 10


def read_groups(client, tagging, params):
    """``(groups, states, wanted)``: the groups (boto3), the named targets' state per group, and the targets per
    group ARN with the port made explicit."""
    if params["target_group"]:
        groups = elb.find_target_groups(client, target_group=params["target_group"])
    else:
        groups = elb.find_target_groups(client, arns=elb.stack_target_group_arns(tagging, params["stack"]))
    wanted = {g["TargetGroupArn"]: elb.wanted_targets(params["targets"], g) for g in groups}
    states = [elb.group_targets_state(g, elb.describe_target_health(client, g["TargetGroupArn"]), wanted[g["TargetGroupArn"]])
              for g in groups]
    return groups, states, wanted


def changes_list(group_state, targets):
    return [{"target_group": group_state["name"], "id": t["id"], "port": t["port"]} for t in targets]


def ensure(client, groups, states, wanted, params, check_mode):
    """Register or deregister the named targets in every group, then wait. Returns ``(changed, state)``."""
    registered, deregistered, after, keys = [], [], [], []
    for group_state in states:
        to_register, to_deregister = elb.plan_targets(group_state, params["state"])
        if to_register and not check_mode:
            elb.register_targets(client, group_state["arn"], to_register)
        if to_deregister and not check_mode:
            elb.deregister_targets(client, group_state["arn"], to_deregister)
        registered += changes_list(group_state, to_register)
        deregistered += changes_list(group_state, to_deregister)
        keys += [(group_state["arn"], elb.target_key(t)) for t in to_register]
        after.append(elb.predict_group_state(group_state, to_register, to_deregister))
    changed = bool(registered or deregistered)
    state = {"target_groups": after, "registered": registered, "deregistered": deregistered}
    if params["wait"] and not check_mode:
        state["target_groups"], state["waited"] = elb.wait_for_targets(
            client, groups, wanted, params["state"], params["wait_timeout"], registered=keys,
            delay=POLL_DELAY, max_delay=POLL_MAX_DELAY,
        )
    return changed, state


def run(module):
    params = module.params
    if params["target_group"]:
        params["stack"] = None
    problem = elb.validate_targets(params) or predicted_refs_error("target_group", params["target_group"], module.check_mode)
    if problem:
        raise RolloutError(problem)

    client = module.client("elbv2", retry_decorator=aws_retry())
    if is_predicted(params["target_group"]):
        # An earlier check-mode task only predicted the group: nothing to read, every target would be registered.
        missing_reference("target_group", params["target_group"], module.check_mode, module.warn)
        groups, states, wanted = [], [], {}
    else:
        tagging = None if params["target_group"] else module.client("resourcegroupstaggingapi", retry_decorator=aws_retry())
        groups, states, wanted = read_groups(client, tagging, params)
        if not groups:
            raise elb.no_group_error(params["target_group"], params["stack"])

    changed, state = ensure(client, groups, states, wanted, params, module.check_mode)
    before = {"target_groups": states}
    after = {"target_groups": state["target_groups"]}
    extra = {k: state[k] for k in ("registered", "deregistered", "waited") if k in state}
    return build_result(changed, before, after, module._diff, **extra)


def main():
    argument_spec = dict(
        target_group=dict(type="str"),
        stack=dict(type="str"),
        targets=dict(
            type="list",
            elements="dict",
            required=True,
            options=dict(id=dict(type="str", required=True), port=dict(type="int")),
        ),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_one_of=[["target_group", "stack"]],
    )
    try:
        result = run(module)
    except (RolloutError, WaitTimeout, WaitFailed) as exc:
        module.fail_json(msg=str(exc))
    except (BotoCoreError, ClientError) as exc:
        what = params_target(module.params)
        module.fail_json_aws(exc, msg=f"Failed to {'register' if module.params['state'] == 'present' else 'deregister'} targets of {what}")
    module.exit_json(**result)


def params_target(params):
    if params.get("target_group"):
        return f"target group {params['target_group']!r}"
    return f"the target groups of stack {params.get('stack')!r}"


if __name__ == "__main__":
    main()
