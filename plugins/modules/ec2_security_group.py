#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ec2_security_group
short_description: Manage one EC2 security group of a VPC and its inbound rules
version_added: 0.2.0
description:
  - Creates, updates and deletes one security group of a VPC, identified by its name in the VPC.
  - Inbound rules are compared source by source (an IPv4 or IPv6 network, another group, a prefix list). Missing
    rules are added in one call, rules that are no longer wanted are removed in one call (O(purge_rules)), and a
    changed rule description is updated in place. Outbound rules are left as they are.
  - No fixed pause after a create; the group is created with its tags in one call.
  - A second run with the same options makes one read call and reports no change.
  - With O(stack), a group of that name that does not carry this stack's ownership tag is never changed nor deleted,
    even when it carries no ownership tag at all, since its inbound rules would be replaced. Tag it
    C(https-rollout:stack=<stack>) to hand it over.
author:
  - webops maintainers (@webops)
options:
  name:
    description:
      - Name of the group, unique in its VPC. 1 to 255 characters, not starting with C(sg-).
    type: str
    required: true
  description:
    description:
      - Description of the group, required to create it. AWS cannot change it later; a different one is a warning.
    type: str
  vpc_id:
    description:
      - The VPC of the group. Required with O(state=present).
      - With O(state=absent) it narrows the search; without it, the name must be unique across the region's VPCs.
    type: str
  state:
    description:
      - V(present) creates or updates the group, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  rules:
    description:
      - The inbound rules. Leave it out to leave the rules alone; V([]) with O(purge_rules=true) removes them all.
      - Each rule opens a protocol and a port range to one or more sources.
    type: list
    elements: dict
    suboptions:
      proto:
        description: The protocol; V(all) opens every protocol and port.
        type: str
        choices: [tcp, udp, icmp, icmpv6, all]
        default: tcp
      from_port:
        description:
          - First port, 1 to 65535, for V(tcp) and V(udp). The ICMP type for V(icmp) and V(icmpv6) (V(-1) for all).
        type: int
      to_port:
        description: Last port (the ICMP code), by default O(rules[].from_port).
        type: int
      cidr_ip:
        description: IPv4 networks with their prefix length, for example V(203.0.113.0/24) or V(0.0.0.0/0).
        type: list
        elements: str
      cidr_ipv6:
        description: IPv6 networks with their prefix length, for example V(2001:db8::/32) or V(::/0).
        type: list
        elements: str
      group_id:
        description:
          - IDs of security groups whose members may connect, for example the load balancer's group.
          - In check mode, the placeholder C(predicted:security-group:<name>) of a group that an earlier check-mode
            task would create is taken.
        type: list
        elements: str
      prefix_list_id:
        description: IDs of managed prefix lists (C(pl-...)).
        type: list
        elements: str
      description:
        description: Description of the rule, for every source of the rule.
        type: str
  purge_rules:
    description:
      - Whether inbound rules that are not in O(rules) are removed.
    type: bool
    default: true
extends_documentation_fragment:
  - webops.https_rollout._attributes
  - webops.https_rollout.predicted
  - webops.https_rollout.stack
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
attributes:
  check_mode:
    details:
      - Check mode makes one read call and returns the predicted state of the group.
      - A group that would be created gets the placeholder ID C(predicted:security-group:<name>).
  diff_mode:
    details: The diff shows the group's state before and after, inbound rules and tags included.
notes:
  - The module runs on the controller and talks to AWS through boto3. Throttling is retried with jittered backoff.
  - AWS refuses to delete a group that a network interface or another group's rule still uses; the module then
    fails and says so. Take the group off the instances first.
seealso:
  - module: amazon.aws.ec2_security_group
  - module: amazon.aws.ec2_security_group_info
"""

EXAMPLES = r"""
- name: The load balancer's group, HTTP and HTTPS from anywhere (IPv4 and IPv6)
  webops.https_rollout.ec2_security_group:
    name: shop-lb
    description: Load balancer of shop
    vpc_id: vpc-0123456789abcdef0
    stack: shop
    rules:
      - from_port: 80
        cidr_ip: [0.0.0.0/0]
        cidr_ipv6: ["::/0"]
        description: HTTP to the load balancer
      - from_port: 443
        cidr_ip: [0.0.0.0/0]
        cidr_ipv6: ["::/0"]
        description: HTTPS to the load balancer
    tags:
      Name: shop-lb
  register: lb_group

- name: The hosts' group, the app port from the load balancer's group only, SSH from the office
  webops.https_rollout.ec2_security_group:
    name: shop-instances
    description: Web hosts of shop
    vpc_id: vpc-0123456789abcdef0
    stack: shop
    rules:
      - from_port: 8080
        group_id: ["{{ lb_group.group_id }}"]
        description: App port from the load balancer
      - from_port: 22
        cidr_ip: [198.51.100.0/24]
        description: SSH from the office

- name: Delete the group (a no-op once it is gone)
  webops.https_rollout.ec2_security_group:
    name: shop-instances
    vpc_id: vpc-0123456789abcdef0
    stack: shop
    state: absent
"""

RETURN = r"""
group_id:
  description:
    - ID of the group.
    - In check mode, when the group would be created, the placeholder C(predicted:security-group:<name>).
  returned: when O(state=present)
  type: str
  sample: sg-0123456789abcdef0
group_name:
  description: Name of the group.
  returned: when O(state=present)
  type: str
  sample: shop-lb
description:
  description: Description of the group.
  returned: when O(state=present)
  type: str
vpc_id:
  description: The VPC of the group.
  returned: when O(state=present)
  type: str
  sample: vpc-0123456789abcdef0
owner_id:
  description: The AWS account that owns the group; null for a group predicted or just created.
  returned: when O(state=present)
  type: str
tags:
  description: Tags of the group, the ownership tag included.
  returned: when O(state=present)
  type: dict
  sample: {"Name": "shop-lb", "https-rollout:stack": "shop"}
rules:
  description: The inbound rules, one per source, sorted by protocol, port and source.
  returned: when O(state=present)
  type: list
  elements: dict
  sample:
    - {"proto": "tcp", "from_port": 443, "to_port": 443, "cidr_ip": "0.0.0.0/0", "description": "HTTPS"}
ip_permissions:
  description: The inbound rules in AWS's shape, snake_case.
  returned: when O(state=present)
  type: list
  elements: dict
ip_permissions_egress:
  description: The outbound rules in AWS's shape, snake_case (not managed by this module).
  returned: when O(state=present)
  type: list
  elements: dict
authorized:
  description: The inbound rules added (in check mode, that would be added), as a person reads them.
  returned: when O(state=present)
  type: list
  elements: str
  sample: ["tcp 443 from 0.0.0.0/0"]
revoked:
  description: The inbound rules removed (in check mode, that would be removed), as a person reads them.
  returned: when O(state=present)
  type: list
  elements: str
  sample: ["tcp 22 from 0.0.0.0/0"]
"""

try:
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.webops.https_rollout.plugins.module_utils import ec2
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_retry
from ansible_collections.webops.https_rollout.plugins.module_utils.common import build_result
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted
from ansible_collections.webops.https_rollout.plugins.module_utils.common import missing_reference
from ansible_collections.webops.https_rollout.plugins.module_utils.common import ownership_argument_spec
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_refs_error


def desired_group(params):
    """The ``desired`` of ec2.ensure_security_group from the module's options."""
    return {
        "name": params["name"],
        "description": params["description"],
        "vpc_id": params["vpc_id"],
        "rules": params["rules"],
        "purge_rules": params["purge_rules"],
        "tags": params["tags"],
        "purge_tags": params["purge_tags"],
        "stack": params["stack"],
    }


def references(params):
    """``[(option, value)]`` of the group IDs the rules name (placeholders are looked for among them)."""
    if params["state"] == "absent":
        return []
    return [(f"rules[{index}].group_id", group_id) for index, rule in enumerate(params["rules"] or [])
            for group_id in rule["group_id"] or []]


def validate(params, check_mode):
    """The first problem with the options, before any AWS call; None when fine."""
    if params["state"] == "present" and not params["vpc_id"]:
        return "vpc_id: give the VPC of the group (vpc-...) with state=present."
    if params["vpc_id"] and not params["vpc_id"].startswith("vpc-"):
        return f"vpc_id: {params['vpc_id']!r} is not a VPC ID (vpc-...)."
    problem = ec2.validate_security_group(desired_group(params), creating=False) if params["state"] == "present" else None
    for option, value in references(params):
        problem = problem or predicted_refs_error(option, value, check_mode)
    return problem


def run(module):
    params = module.params
    problem = validate(params, module.check_mode)
    if problem:
        raise RolloutError(problem)
    for option, value in references(params):
        if is_predicted(value):
            missing_reference(option, value, module.check_mode, module.warn)

    client = module.client("ec2", retry_decorator=aws_retry())
    current = ec2.read_security_groups(client, params["vpc_id"], [params["name"]])[params["name"]]

    if params["state"] == "absent":
        changed, state = ec2.ensure_security_group_absent(client, current, params["stack"], module.check_mode)
        return build_result(changed, current, state, module._diff)

    changed, state = ec2.ensure_security_group(client, current, desired_group(params), module.check_mode)
    note = state.pop("description_differs", None)
    if note:
        module.warn(note)
    extra = {"authorized": state.pop("authorized"), "revoked": state.pop("revoked")}
    return build_result(changed, current, state, module._diff, **extra)


def main():
    rule = dict(
        proto=dict(type="str", choices=["tcp", "udp", "icmp", "icmpv6", "all"], default="tcp"),
        from_port=dict(type="int"),
        to_port=dict(type="int"),
        cidr_ip=dict(type="list", elements="str"),
        cidr_ipv6=dict(type="list", elements="str"),
        group_id=dict(type="list", elements="str"),
        prefix_list_id=dict(type="list", elements="str"),
        description=dict(type="str"),
    )
    argument_spec = dict(
        name=dict(type="str", required=True),
        description=dict(type="str"),
        vpc_id=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        rules=dict(type="list", elements="dict", options=rule),
        purge_rules=dict(type="bool", default=True),
        **ownership_argument_spec(),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        result = run(module)
    except RolloutError as exc:
        module.fail_json(msg=str(exc))
    except (BotoCoreError, ClientError) as exc:
        module.fail_json_aws(exc, msg=f"Failed to manage security group {module.params['name']!r}")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
