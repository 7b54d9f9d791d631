# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The engine's security groups: the stack's two groups, as the inbound_rules role defines them, and the instance
group on the instances' primary network interfaces.

Every function here calls the same reconciliation as the module ``webops.https_rollout.ec2_security_group``
(``_ec2/security_groups.py``, ``_ec2/instances.py``, ``_ec2/stack_groups.py``):

- :func:`group_params`: the option ``security_groups`` validated (no AWS call), or None without it;
- :func:`read_groups`: ONE DescribeSecurityGroups for both groups and ONE DescribeInstances for the instances;
  a group of a stack name that the stack does not own is refused here, before any change;
- :func:`apply_groups`: the load balancer's group, then the instance group (the app port from the load balancer's
  group only, the intruders on the app port purged and named in a warning), then the instance group on the
  instances, keeping their other groups;
- :func:`teardown_groups`: the instance group off the instances, then the instance group, then the load
  balancer's group, only those carrying the stack's ownership tag; the others are named in ``left``.

Errors name the option, or the name given for it in ``option_names`` (the role passes its variables' names).
"""

from __future__ import annotations

from ansible_collections.webops.https_rollout.plugins.module_utils import ec2
from ansible_collections.webops.https_rollout.plugins.module_utils._stack import table
from ansible_collections.webops.https_rollout.plugins.module_utils.common import STACK_TAG_KEY
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError

#: The option paths below ``security_groups`` that errors name (``option_names`` may rename each).
OPTION_PATHS = (
    "vpc_id", "load_balancer.name", "load_balancer.ports", "load_balancer.cidrs", "load_balancer.ipv6_cidrs",
    "instances.name", "instances.app_port", "instances.admin_rules", "instances.instance_ids",
)
#: Engine options of the rest of the edge: without any of them, a phase touches security groups only.
EDGE_OPTIONS = ("certificate", "target_groups", "load_balancer", "listeners", "rules")


def security_groups_argument_spec():
    """The argument spec of the engine's option ``security_groups``."""
    admin_rule = dict(
        port=dict(type="int", required=True),
        cidr=dict(type="str", required=True),
        proto=dict(type="str", default="tcp", choices=["tcp", "udp"]),
        description=dict(type="str"),
    )
    return dict(
        type="dict",
        options=dict(
            vpc_id=dict(type="str"),
            tags=dict(type="dict"),
            load_balancer=dict(type="dict", required=True, options=dict(
                name=dict(type="str", required=True),
                description=dict(type="str"),
                ports=dict(type="list", elements="int", default=[80, 443]),
                cidrs=dict(type="list", elements="str", default=["0.0.0.0/0"]),
                ipv6_cidrs=dict(type="list", elements="str", default=["::/0"]),
            )),
            instances=dict(type="dict", required=True, options=dict(
                name=dict(type="str", required=True),
                description=dict(type="str"),
                app_port=dict(type="int", default=80),
                admin_rules=dict(type="list", elements="dict", default=[], options=admin_rule),
                instance_ids=dict(type="list", elements="str", default=[]),
            )),
            option_names=dict(type="dict", default={}),
        ),
    )


def has_edge(options):
    """Whether the phase has anything but security groups to do (a certificate, a load balancer, ...)."""
    return any(options.get(key) for key in EDGE_OPTIONS)


class GroupParams(dict):
    """The validated option ``security_groups`` (a dict), with ``name(path)``: what errors call an option."""

    def name(self, path):
        return (self.get("option_names") or {}).get(path) or f"security_groups.{path}"


def group_params(options):
    """The option ``security_groups`` validated against the phase, before any AWS call; None without it.

    Raises :class:`RolloutError` naming the option (or the name ``option_names`` gives it) and the fix.
    """
    values = options.get("security_groups")
    if not values:
        return None
    params = GroupParams(values)
    unknown = sorted(set(params.get("option_names") or {}) - set(OPTION_PATHS))
    if unknown:
        raise RolloutError(f"security_groups.option_names: {', '.join(unknown)} is not one of {', '.join(OPTION_PATHS)}.")
    lb, instances = params["load_balancer"], params["instances"]
    if lb["name"] == instances["name"]:
        raise RolloutError(
            f"{params.name('load_balancer.name')} and {params.name('instances.name')}: both are {lb['name']!r}; "
            "the two groups need two names."
        )
    vpc_id = params.get("vpc_id") or ""
    if vpc_id and not vpc_id.startswith("vpc-"):
        raise RolloutError(f"{params.name('vpc_id')}: {vpc_id!r} is not a VPC ID (vpc-...).")
    if options["phase"] == "absent":
        return params
    if not vpc_id:
        raise RolloutError(f"{params.name('vpc_id')}: give the VPC of the groups (vpc-...) with phase {options['phase']}.")
    if not lb["ports"] or any(not 1 <= int(port) <= 65535 for port in lb["ports"]):
        raise RolloutError(f"{params.name('load_balancer.ports')}: {lb['ports']} must be ports from 1 to 65535, at least one.")
    for key, version in (("cidrs", 4), ("ipv6_cidrs", 6)):
        for value in lb[key] or []:
            problem = ec2.network_error(params.name(f"load_balancer.{key}"), value, version)
            if problem:
                raise RolloutError(problem)
    if not 1 <= int(instances["app_port"]) <= 65535:
        raise RolloutError(f"{params.name('instances.app_port')}: {instances['app_port']} is not a port from 1 to 65535.")
    problem = ec2.admin_rules_error(instances["admin_rules"], instances["app_port"], params.name("instances.admin_rules"))
    if problem:
        raise RolloutError(problem)
    return params


def _tags(options, params):
    return params.get("tags") if params.get("tags") is not None else options.get("tags")


def _foreign_message(params, foreign, stack):
    """The refusal of groups of the stack's names that the stack does not own (the inbound_rules role's words)."""
    lb_option, instance_option = params.name("load_balancer.name"), params.name("instances.name")
    parts = []
    for path, state in foreign:
        owner = (state.get("tags") or {}).get(STACK_TAG_KEY)
        held = f" (it carries {STACK_TAG_KEY}={owner})" if owner else ""
        parts.append(f"{params.name(path)}: security group {state['group_name']} = {state['group_id']} in "
                     f"{state['vpc_id']} exists without the tag {STACK_TAG_KEY}={stack}{held}")
    return (
        "; ".join(parts) + f"; this stack changes nothing in a group it does not own. Set {lb_option} / "
        f"{instance_option} to names that are free, or, if this stack should own the group (its inbound rules will be "
        f"replaced), tag it {STACK_TAG_KEY}={stack}."
    )


def read_groups(params, options, clients):
    """What the start and finish phases need, read before any change: ``{load_balancer, instances, interfaces}``
    (the groups' states or None, the instances' primary interfaces). One DescribeSecurityGroups, and one
    DescribeInstances when instances are given. A foreign group of a stack name is refused here."""
    lb_name, instance_name = params["load_balancer"]["name"], params["instances"]["name"]
    found = ec2.read_security_groups(clients.ec2(), params["vpc_id"], [lb_name, instance_name])
    current = {"load_balancer": found[lb_name], "instances": found[instance_name]}
    foreign = [(f"{key}.name", state) for key, state in current.items()
               if ec2.foreign_error(state, options["stack"]) is not None]
    if foreign:
        raise RolloutError(_foreign_message(params, foreign, options["stack"]))
    ids = params["instances"]["instance_ids"]
    current["interfaces"] = ec2.primary_interfaces(clients.ec2(), ids, params.name("instances.instance_ids")) if ids else []
    if ids:
        elsewhere = [f"{eni['instance_id']} in {eni['vpc_id']}" for eni in current["interfaces"]
                     if eni["vpc_id"] != params["vpc_id"]]
        if elsewhere:
            raise RolloutError(f"{params.name('instances.instance_ids')}: every instance must exist and be in "
                               f"{params['vpc_id']}; found {', '.join(elsewhere)}.")
    return current


def _interface_groups(interfaces):
    return {eni["instance_id"]: list(eni["groups"]) for eni in interfaces}


def _lb_desired(params, options):
    """The load balancer group's ``desired`` dict (as :func:`ec2.ensure_security_group` takes it)."""
    stack, lb = options["stack"], params["load_balancer"]
    description = lb["description"] or f"Load balancer of {stack}: its ports from the allowed networks"
    desired = ec2.load_balancer_group(stack, params["vpc_id"], lb["name"], description, lb["ports"], lb["cidrs"],
                                      lb["ipv6_cidrs"], _tags(options, params))
    desired["option"] = params.name("load_balancer.name")
    return desired


def _instance_desired(params, options, lb_group_id):
    """The instance group's ``desired`` dict, admitting the app port from ``lb_group_id``."""
    stack, instances = options["stack"], params["instances"]
    description = instances["description"] or f"Web hosts of {stack}: app port from the load balancer only"
    desired = ec2.instance_group(stack, params["vpc_id"], instances["name"], description, instances["app_port"],
                                 lb_group_id, instances["admin_rules"], _tags(options, params))
    desired["option"] = params.name("instances.name")
    return desired


def desired_groups(params, options, lb_group_id):
    """The two groups' ``desired`` dicts, the instance group admitting the app port from ``lb_group_id``."""
    return _lb_desired(params, options), _instance_desired(params, options, lb_group_id)


def _reconcile(clients, current, desired, check_mode, warn, record):
    changed, state = ec2.ensure_security_group(clients.ec2(), current, desired, check_mode)
    note = state.pop("description_differs", None)
    if note:
        warn(note)
    extra = {"authorized": state.pop("authorized"), "revoked": state.pop("revoked")}
    record(f"security group {desired['name']}", changed, current, state)
    return dict(state, **extra)


def apply_groups(params, current, options, clients, check_mode, warn, record):
    """The two groups and the instance group on the instances; ``record(resource, changed, before, after)`` takes
    each plan row. Returns ``{load_balancer: state, instances: state}``; the instance group's state also carries
    ``intruders`` (the rules that opened the app port to others, purged), ``interfaces`` and ``changed_instances``."""
    lb_current, instance_current = current["load_balancer"], current["instances"]
    lb_known = lb_current["group_id"] if lb_current else None
    app_port = int(params["instances"]["app_port"])
    intruders = ec2.intruders(instance_current, app_port, [lb_known] if lb_known else [])
    if intruders:
        warn(f"{params['instances']['name']}: the app port {app_port} is open to others than the load balancer's "
             f"group; {'removing' if not check_mode else 'would remove'}: {', '.join(intruders)}")

    lb_state = _reconcile(clients, lb_current, _lb_desired(params, options), check_mode, warn, record)
    instance_desired = _instance_desired(params, options, lb_state["group_id"])
    instance_state = _reconcile(clients, instance_current, instance_desired, check_mode, warn, record)
    instance_state["intruders"] = intruders

    ids = params["instances"]["instance_ids"]
    instance_state["interfaces"], instance_state["changed_instances"] = [], []
    if ids:
        before = _interface_groups(current["interfaces"])
        changed, attached = ec2.ensure_instance_security_group(
            clients.ec2(), ids, instance_state["group_id"], check_mode, attach=True, vpc_id=params["vpc_id"],
            option=params.name("instances.instance_ids"), interfaces=[dict(eni) for eni in current["interfaces"]],
        )
        after = _interface_groups(attached["interfaces"])
        record(f"security group {params['instances']['name']} on the instances", changed, before, after)
        instance_state.update(attached)
    return {"load_balancer": lb_state, "instances": instance_state}


def teardown_groups(params, options, clients, check_mode, rows, diffs, left):
    """The absent phase's part: the instance group off the instances, then the instance group, then the load
    balancer's group, each only when it carries the stack's tag (the others go to ``left``). Appends to ``rows``,
    ``diffs`` and ``left``; returns the IDs of the deleted groups. One DescribeSecurityGroups, and one
    DescribeInstances when an instance group of the stack is there and instances are given."""
    stack = options["stack"]
    lb_name, instance_name = params["load_balancer"]["name"], params["instances"]["name"]
    client = clients.ec2()
    # Without vpc_id every VPC is searched, so a group of the stack's name may be found more than once.
    found = ec2.find_security_groups(client, params.get("vpc_id") or "", [lb_name, instance_name])
    owned, foreign = [], []
    for state in found:
        (foreign if ec2.foreign_error(state, stack) else owned).append(state)
    for state in foreign:
        owner = (state.get("tags") or {}).get(STACK_TAG_KEY)
        why = f"stack {owner} owns it" if owner else f"it does not carry the tag {STACK_TAG_KEY}={stack}"
        left.append(f"security group {state['group_name']} ({state['group_id']}, {state['vpc_id']}): {why}")
    instance_groups = [s for s in owned if s["group_name"] == instance_name]
    lb_groups = [s for s in owned if s["group_name"] == lb_name]

    ids = params["instances"]["instance_ids"]
    if ids and instance_groups:
        option = params.name("instances.instance_ids")
        interfaces = ec2.primary_interfaces(client, ids, option)
        before = _interface_groups(interfaces)
        changed = False
        for state in instance_groups:
            changed_one, _state = ec2.ensure_instance_security_group(
                client, ids, state["group_id"], check_mode, attach=False, option=option, interfaces=interfaces
            )
            changed = changed or changed_one
        if changed:
            resource = f"security group {instance_name} on the instances"
            after = _interface_groups(interfaces)
            rows.append(table.row(resource, True, before, after))
            diffs.append(table.diff(resource, before, after))
    deleted = []
    # The instance group admits the load balancer's group, so it goes first.
    for state in instance_groups + lb_groups:
        ec2.ensure_security_group_absent(client, state, stack, check_mode)
        resource = f"security group {state['group_name']} ({state['group_id']})"
        rows.append(table.row(resource, True, state, {}, deleted=True))
        diffs.append(table.diff(resource, state, {}))
        deleted.append(state["group_id"])
    return deleted
