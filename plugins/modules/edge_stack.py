#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: edge_stack
short_description: The AWS side of one phase of an HTTPS edge in one process (security groups, certificate, load balancer, DNS, ...)
version_added: 0.2.0
description:
  - The stack engine. It does the AWS side of one phase of an HTTPS rollout in one module process, with the same
    reconciliation code as the per-resource modules (M(webops.https_rollout.acm_certificate),
    M(webops.https_rollout.elb_target_group), M(webops.https_rollout.elb_load_balancer),
    M(webops.https_rollout.elb_listener), M(webops.https_rollout.elb_listener_rule),
    M(webops.https_rollout.route53_record), M(webops.https_rollout.ec2_security_group)). One piece of logic, two front
    doors. The roles C(webops.https_rollout.inbound_rules) and C(webops.https_rollout.https_edge) drive it;
    people who compose their own playbooks may use the per-resource modules instead.
  - It reads the stack's whole state at once (the Resource Groups Tagging API by the ownership tag, batched
    describes, tags 20 resources a call), validates every option before the first change, and applies in
    dependency order.
  - O(phase=start) requests the certificate (no wait) and creates or updates the target groups, the load
    balancer (no wait) and the listeners that serve no certificate, and publishes the certificate's validation
    records (O(dns)). When everything is already in place and ready (a rerun), it does the finish phase's work at
    once and returns RV(finished=true).
  - O(phase=finish) waits for the certificate to be issued, the load balancer to be active and the targets to be
    healthy, concurrently (threads in this process, one deadline O(wait_timeout)), then creates or updates the
    listeners that serve the certificate and the rules, points the names of O(dns.alias_names) at the load
    balancer, and deletes the superseded certificates nothing serves.
  - O(phase=targets) follows a start phase that returned RV(finished=true), and only reads the health of the
    targets of the target groups that wait for it (C(wait_healthy)), and waits for them as the finish phase
    would. Hosts configured between the two phases may have gone down; this sees it, in one read call per
    target group when O(target_group_arns) gives their ARNs.
  - O(phase=absent) tears down, in reverse order, every load balancer, target group and certificate that carries
    the tag C(https-rollout:stack=<stack>), even two of one name, and nothing else. A resource it cannot remove
    (a target group still in use, a load balancer of the given name that another owner holds) is named in
    RV(left); the rest of the teardown goes on. With O(dns), the alias records that still point at the load
    balancer go first, and the deleted certificates' validation records last.
  - The name says what it manages, the edge of one stack; C(stack) alone would read as the ownership option every
    module of the collection has.
author:
  - webops maintainers (@webops)
options:
  stack:
    description:
      - Name of the rollout stack. Every resource is tagged C(https-rollout:stack=<stack>); resources another stack
        owns are refused, never changed.
    type: str
    required: true
  phase:
    description:
      - The phase of the rollout to run, as the role's phases. See the description.
    type: str
    required: true
    choices: [start, finish, targets, absent]
  certificate:
    description:
      - The stack's ACM certificate, DNS-validated, as the options O(webops.https_rollout.acm_certificate#module:name),
        O(webops.https_rollout.acm_certificate#module:domain_name),
        O(webops.https_rollout.acm_certificate#module:subject_alternative_names),
        O(webops.https_rollout.acm_certificate#module:allow_more_names) and
        O(webops.https_rollout.acm_certificate#module:key_algorithm) of M(webops.https_rollout.acm_certificate).
      - With O(phase=absent), only its C(name) counts; without it every certificate of the stack is deleted.
    type: dict
  target_groups:
    description:
      - The target groups, each with the options of M(webops.https_rollout.elb_target_group) (its
        O(webops.https_rollout.elb_target_group#module:state) and
        O(webops.https_rollout.elb_target_group#module:wait_timeout) apart), checked against that module's argument
        spec.
      - C(wait_healthy) (default V(true)) says whether the finish phase waits for the group's targets to be healthy.
    type: list
    elements: dict
    default: []
  load_balancer:
    description:
      - The load balancer, with the options of M(webops.https_rollout.elb_load_balancer) (its
        O(webops.https_rollout.elb_load_balancer#module:state), O(webops.https_rollout.elb_load_balancer#module:wait),
        O(webops.https_rollout.elb_load_balancer#module:wait_timeout) and
        O(webops.https_rollout.elb_load_balancer#module:force_disable_deletion_protection) apart).
    type: dict
  listeners:
    description:
      - The listeners of the load balancer, each with the options of M(webops.https_rollout.elb_listener)
        (its O(webops.https_rollout.elb_listener#module:load_balancer), O(webops.https_rollout.elb_listener#module:state)
        and O(webops.https_rollout.elb_listener#module:certificate_arn) apart).
      - An HTTPS or TLS listener serves the stack's certificate (O(certificate)); it is made in the finish phase.
      - A default action's C(target_group) may name one of O(target_groups).
    type: list
    elements: dict
    default: []
  rules:
    description:
      - The rules of the load balancer's listeners, each with the options of
        M(webops.https_rollout.elb_listener_rule) (O(webops.https_rollout.elb_listener_rule#module:listener_arn) and
        O(webops.https_rollout.elb_listener_rule#module:load_balancer) apart). C(port) (default V(443)) names the
        listener. Without C(action) a rule forwards to the first of O(target_groups).
    type: list
    elements: dict
    default: []
  dns:
    description:
      - The stack's Route 53 records, reconciled as M(webops.https_rollout.route53_record) does, in one call per
        phase (the zone is found once and read once).
      - Without it the module touches no record; the validation records are returned in RV(certificate) (its C(validation_records))
        for the caller to publish.
    type: dict
    version_added: 0.2.0
    suboptions:
      zone:
        description:
          - The hosted zone (name or ID) of the records. By default the most specific public zone that contains
            each name.
        type: str
      publish_validation_records:
        description:
          - Publish the certificate's DNS validation records (CNAME) as soon as it is requested, and keep them.
        type: bool
        default: true
      validation_ttl:
        description: TTL of the validation records, in seconds.
        type: int
        default: 300
      alias_names:
        description:
          - Names to point at the load balancer with alias records, once its HTTPS listener is in place (the
            finish phase, or a start phase that finishes).
        type: list
        elements: str
        default: []
      alias_types:
        description: The alias record types per name; V(AAAA) as well for a dualstack load balancer.
        type: list
        elements: str
        choices: [A, AAAA]
        default: [A]
      evaluate_target_health:
        description: The alias records' C(EvaluateTargetHealth).
        type: bool
        default: true
      remove_validation_records:
        description:
          - With O(phase=absent), remove the validation records of the certificates the teardown deleted (only
            where they still hold the certificate's values). Another certificate of the same names in this
            account uses the same records; keep them (V(false)) when one does.
        type: bool
        default: true
  target_group_arns:
    description:
      - With O(phase=targets), the ARNs of O(target_groups) by name, as the start phase returned them in
        RV(target_groups). The phase then reads no target group by name, only the targets' health.
      - A group missing here is looked up by name.
    type: dict
    default: {}
    version_added: 0.2.0
  security_groups:
    description:
      - The stack's two security groups, as the role C(webops.https_rollout.inbound_rules) defines them, reconciled
        with the same code as M(webops.https_rollout.ec2_security_group). They are the load balancer's group (its ports from
        the allowed networks) and the instances' group (the app port from the load balancer's group only, plus the
        admin rules), then the instances' group on the primary network interface of each instance, keeping the
        interface's other groups. Both groups carry the tag C(https-rollout:stack=<stack>).
      - With O(phase=start) or O(phase=finish), both groups are read in one DescribeSecurityGroups call and the
        instances in one DescribeInstances call; a rerun makes these two calls only. A group of one of the two names
        that does not carry this stack's tag is refused before any change. Inbound rules the groups should not have
        are removed; those that opened the app port to others than the load balancer's group are named in a warning.
        In check mode a group that would be created gets the ID C(predicted:security-group:<name>).
      - With O(phase=absent), after the other resources, the instances' group is taken off the instances, then
        deleted, then the load balancer's group; a group of one of the names that the stack does not own is left
        and named in RV(left).
      - With O(load_balancer) in the same call, the groups are reconciled first and the load balancer takes the
        load balancer's group first in its security groups (then the groups its own C(security_groups) names), so one
        call can make both.
      - A phase given only this option (no O(certificate), O(target_groups), O(load_balancer), O(listeners) nor
        O(rules)) changes the security groups only, and makes no call to Elastic Load Balancing, ACM or the tagging
        API.
    type: dict
    version_added: 0.2.0
    suboptions:
      vpc_id:
        description:
          - The VPC of both groups, required with O(phase=start) and O(phase=finish).
          - With O(phase=absent) it narrows the search; without it, the groups of the two names are looked for in
            every VPC.
        type: str
      tags:
        description:
          - Tags of both groups. C(Name) (the group's name) and the ownership tag are always set.
          - Without it, the module's O(tags) are used. O(purge_tags) applies.
        type: dict
      load_balancer:
        description: The load balancer's group.
        type: dict
        required: true
        suboptions:
          name:
            description: Name of the group, unique in its VPC.
            type: str
            required: true
          description:
            description:
              - Description of the group, used when it is created (AWS cannot change it later).
              - Defaults to C(Load balancer of <stack>) followed by what it admits.
            type: str
          ports:
            description: The ports the load balancer listens on, open to O(security_groups.load_balancer.cidrs) and
              O(security_groups.load_balancer.ipv6_cidrs).
            type: list
            elements: int
            default: [80, 443]
          cidrs:
            description: IPv4 networks that may reach the load balancer. V([]) closes IPv4.
            type: list
            elements: str
            default: [0.0.0.0/0]
          ipv6_cidrs:
            description: IPv6 networks that may reach the load balancer. V([]) closes IPv6.
            type: list
            elements: str
            default: ["::/0"]
      instances:
        description: The instances' group.
        type: dict
        required: true
        suboptions:
          name:
            description: Name of the group, unique in its VPC; different from the load balancer group's.
            type: str
            required: true
          description:
            description:
              - Description of the group, used when it is created (AWS cannot change it later).
              - Defaults to C(Web hosts of <stack>) followed by what it admits.
            type: str
          app_port:
            description: The port the load balancer sends traffic to. Only the load balancer's group may reach it.
            type: int
            default: 80
          admin_rules:
            description:
              - Admin access to the hosts (SSH and the like). A rule may not open the app port, nor open anything to
                C(0.0.0.0/0) or C(::/0).
            type: list
            elements: dict
            default: []
            suboptions:
              port:
                description: Port, 1 to 65535.
                type: int
                required: true
              cidr:
                description: IPv4 or IPv6 network the access comes from, for example V(198.51.100.0/24).
                type: str
                required: true
              proto:
                description: Protocol.
                type: str
                choices: [tcp, udp]
                default: tcp
              description:
                description: Description of the rule; defaults to C(admin <proto>/<port> from <cidr>).
                type: str
          instance_ids:
            description:
              - Instances whose primary network interface gets the group, keeping its other groups; every instance
                must exist and be in O(security_groups.vpc_id).
              - With O(phase=absent), the group is taken off these instances before it is deleted.
            type: list
            elements: str
            default: []
      option_names:
        description:
          - The names errors give the suboptions, by their path below O(security_groups) (V(vpc_id),
            V(load_balancer.name), V(load_balancer.ports), V(load_balancer.cidrs), V(load_balancer.ipv6_cidrs),
            V(instances.name), V(instances.app_port), V(instances.admin_rules), V(instances.instance_ids)); by default
            C(security_groups.<path>).
          - The role C(webops.https_rollout.inbound_rules) passes its variables' names, so its errors name them.
        type: dict
        default: {}
  wait_timeout:
    description:
      - Seconds the finish phase waits, for all its waits together (one deadline), and the teardown for the load
        balancer to be gone.
    type: int
    default: 900
  wait_slice:
    description:
      - With more than V(0), the finish (or targets) phase waits this many seconds at most and, when something is still not
        ready, returns C(pending) in RV(waited) with RV(finished=false) instead of waiting on. The module's action plugin
        uses it to print, between slices, what it waits on (V(20) seconds a slice unless the task sets it); each
        slice is one module run in the foreground, under the one deadline O(wait_timeout).
      - V(0) waits until everything is ready or O(wait_timeout) passes.
    type: int
    default: 0
extends_documentation_fragment:
  - webops.https_rollout._attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
attributes:
  check_mode:
    details: Check mode is the plan. It reads only, and returns RV(plan) and RV(plan_table), one row per resource.
  diff_mode:
    details: One diff per resource, before and after.
notes:
  - The ownership tag C(https-rollout:stack) is never removed by O(purge_tags).
  - The waits run in threads of this module's process, so nothing outlives an interrupted playbook.
  - The module has an action plugin, which runs the finish phase in slices of O(wait_slice) seconds and prints
    what it waits on between them, for example the targets healthy so far.
"""

EXAMPLES = r"""
- name: Start the rollout of the AWS side (no waits)
  webops.https_rollout.edge_stack:
    stack: shop
    phase: start
    certificate:
      name: shop-edge
      domain_name: shop.example.com
    target_groups:
      - name: shop-web
        protocol: HTTP
        port: 8080
        vpc_id: vpc-0123456789abcdef0
        health_check: {path: /healthz}
        targets: [{id: i-0123456789abcdef0}]
    load_balancer:
      name: shop-edge
      type: application
      subnets: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]
    listeners:
      - {port: 80, protocol: HTTP, redirect_to_https: true}
      - port: 443
        protocol: HTTPS
        default_action: {type: forward, target_group: shop-web}
    dns: {alias_names: [shop.example.com]}
  register: shop_start

# The same options for each phase: build them once (a variable) so the phases cannot drift apart.
- name: Finish it (waits for the certificate, the load balancer and the targets at once; HTTPS, DNS aliases)
  webops.https_rollout.edge_stack:
    stack: shop
    phase: "{{ 'targets' if shop_start.finished else 'finish' }}"
    certificate: "{{ shop_edge.certificate }}"
    target_groups: "{{ shop_edge.target_groups }}"
    load_balancer: "{{ shop_edge.load_balancer }}"
    listeners: "{{ shop_edge.listeners }}"
    dns: {alias_names: [shop.example.com]}

- name: Tear down what stack shop owns
  webops.https_rollout.edge_stack:
    stack: shop
    phase: absent
    certificate: {name: shop-edge}
    load_balancer: {name: shop-edge}
    dns: {alias_names: [shop.example.com]}
"""

RETURN = r"""
plan:
  description: What the phase does (or, in check mode, would do), one row per resource.
  returned: always
  type: list
  elements: dict
  sample: [{"resource": "load balancer shop-edge", "action": "create", "fields": ["scheme", "subnets", "type"]}]
plan_table:
  description: RV(plan) as the lines of a readable table (resource, action, fields that change).
  returned: always
  type: list
  elements: str
finished:
  description: Whether the finish phase's work is done (always with O(phase=finish) and O(phase=absent)).
  returned: always
  type: bool
waited:
  description:
    - The waits of the finish phase, C(seconds) in all and C(last_seen) per wait; empty when nothing was waited for.
    - C(pending), with O(wait_slice), the waits not over when the slice ended (one line each).
  returned: when O(phase) is not V(absent)
  type: dict
progress:
  description: The progress lines the action plugin printed between slices of the finish phase's waits.
  returned: when the finish phase waited for more than one slice
  type: list
  elements: str
certificate:
  description: The certificate, as M(webops.https_rollout.acm_certificate) returns it (C(arn), C(status), C(validation_records), ...).
  returned: when O(phase) is not V(absent) and O(certificate) is set
  type: dict
target_groups:
  description: The target groups by name, as M(webops.https_rollout.elb_target_group) returns each.
  returned: when O(phase) is not V(absent)
  type: dict
load_balancer:
  description: The load balancer, as M(webops.https_rollout.elb_load_balancer) returns it (C(arn), C(dns_name), ...).
  returned: when O(phase) is not V(absent) and O(load_balancer) is set
  type: dict
listeners:
  description: The listeners this phase reconciled, by port, as M(webops.https_rollout.elb_listener) returns each.
  returned: when O(phase) is not V(absent)
  type: dict
rules:
  description: The rules this phase reconciled, as M(webops.https_rollout.elb_listener_rule) returns each.
  returned: when O(phase) is not V(absent)
  type: list
  elements: dict
dns:
  description:
    - The Route 53 records the phase reconciled, as M(webops.https_rollout.route53_record) returns them in its
      C(after) (C(records)), and the C(changes) it made.
  returned: when O(phase) is V(start) or V(finish)
  type: dict
  sample: {"records": [{"name": "shop.example.com", "type": "A", "alias": {"dns_name": "shop-edge-1.eu-west-1.elb.amazonaws.com"}}], "changes": []}
security_groups:
  description:
    - The two security groups, C(load_balancer) and C(instances), each as
      M(webops.https_rollout.ec2_security_group) returns it (C(group_id), C(group_name), C(rules), C(tags), ...)
      with C(authorized) and C(revoked), the rules added and removed.
    - C(instances) also has C(intruders) (the rules that opened the app port to others than the load balancer's
      group, removed), C(interfaces) (each instance's primary interface and its groups) and C(changed_instances).
    - In check mode a group that would be created has the C(group_id) C(predicted:security-group:<name>).
  returned: when O(phase) is not V(absent) and O(security_groups) is set
  type: dict
  version_added: 0.2.0
  sample: {"load_balancer": {"group_id": "sg-0123456789abcdef0"}, "instances": {"group_id": "sg-0fedcba9876543210"}}
left:
  description: What the teardown could not remove, and why.
  returned: when O(phase=absent)
  type: list
  elements: str
deleted:
  description: The ARNs the teardown deleted (C(load_balancers), C(target_groups), C(certificates)) and the
    certificates' C(validation_records), for the records to remove; with O(security_groups), the IDs of the deleted
    C(security_groups).
  returned: when O(phase=absent)
  type: dict
"""

try:
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.webops.https_rollout.plugins.module_utils import stack
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import WaitFailed
from ansible_collections.webops.https_rollout.plugins.module_utils.common import WaitTimeout
from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_retry


def client(module, service, once):
    """The module's client with the collection's retries, or for creates one that sends each request once (the
    engine looks for a lost create's result before it creates again)."""
    if once:
        return module.client(service, config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))
    return module.client(service, retry_decorator=aws_retry())


def run(module):
    clients = stack.Clients(lambda service, once: client(module, service, once))
    result = stack.run_phase(module.params, clients, module.check_mode, module.warn)
    if not module._diff:
        result.pop("diff")
    return result


def main():
    argument_spec = dict(
        **stack.stack_argument_spec(),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        result = run(module)
    except (RolloutError, WaitTimeout, WaitFailed) as exc:
        module.fail_json(msg=str(exc))
    except (BotoCoreError, ClientError) as exc:
        module.fail_json_aws(exc, msg=f"Failed to run phase {module.params['phase']} of stack {module.params['stack']!r}")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
