# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The stack engine: the AWS side of one phase of a rollout in one process, for ``webops.https_rollout.stack``.

One piece of logic, two front doors: the engine reads the stack's whole state in batched calls, validates every
input before the first change, and then calls the SAME per-resource functions as the modules
(``elb.ensure_*``, ``acm.ensure_*``) with what it read. The private ``_stack`` package, by step:

- ``_stack/inputs.py``: the engine's options (subsets of the modules' own argument specs) and per-resource params;
- ``_stack/read.py``: the read (Resource Groups Tagging API by the ownership tag, batched describes and tags);
- ``_stack/present.py``: the start and finish phases (validate, read, plan, apply, waits);
- ``_stack/absent.py``: the teardown by ownership tag, reverse order;
- ``_stack/dns.py``: the validation and alias records, through route53_record's reconciliation;
- ``_stack/groups.py``: the stack's two security groups and the instance group on the instances (``_ec2``);
- ``_stack/targets.py``: phase targets, the targets' health only (a rerun's finish);
- ``_stack/waits.py``: concurrent waits in threads under one deadline;
- ``_stack/creates.py``: a create whose answer was lost is found (by name and ownership tag), not duplicated;
- ``_stack/table.py``: the plan as rows and as a table, the diff per resource.
"""

from __future__ import annotations

from ansible_collections.webops.https_rollout.plugins.module_utils._stack import absent
from ansible_collections.webops.https_rollout.plugins.module_utils._stack import dns
from ansible_collections.webops.https_rollout.plugins.module_utils._stack import groups
from ansible_collections.webops.https_rollout.plugins.module_utils._stack import present
from ansible_collections.webops.https_rollout.plugins.module_utils._stack import table
from ansible_collections.webops.https_rollout.plugins.module_utils._stack import targets
# pylint: disable-next=unused-import
from ansible_collections.webops.https_rollout.plugins.module_utils._stack.inputs import stack_argument_spec  # noqa: F401


class Clients:
    """Boto3 clients made on first use by ``factory(service, once)``: the module's ``client`` with the retry
    decorator, or (``once=True``, for the creates) one that sends each request once, without botocore's retries."""

    def __init__(self, factory):
        self._factory, self._made = factory, {}
        # The hosted zones the phase's first Route 53 call found, for its next one (see _route53.resolve_zones).
        self.zone_lookups = {}

    def _get(self, service, once=False):
        if (service, once) not in self._made:
            self._made[(service, once)] = self._factory(service, once)
        return self._made[(service, once)]

    def elbv2(self):
        return self._get("elbv2")

    def elbv2_once(self):
        return self._get("elbv2", once=True)

    def acm(self):
        return self._get("acm")

    def tagging(self):
        return self._get("resourcegroupstaggingapi")

    def route53(self):
        return self._get("route53")

    def ec2(self):
        return self._get("ec2")


def run_phase(options, clients, check_mode, warn):
    """Run one phase. Returns the result: ``changed``, ``plan`` (rows), ``plan_table`` (lines), ``diff`` (a list, one
    entry per resource), the resources' states, ``waited``, ``finished`` (the finish's work is done), and for absent
    ``left`` and ``deleted``."""
    sg_params = groups.group_params(options)
    # A phase with security groups only makes no ELB, ACM or tagging call.
    edge = sg_params is None or groups.has_edge(options)
    if options["phase"] == "absent":
        changed, rows, diffs, left, deleted = absent.teardown(options, clients, check_mode, warn) if edge else (
            False, [], [], [], {})
        if sg_params:
            # Last: the load balancer used the load balancer's group.
            deleted["security_groups"] = groups.teardown_groups(sg_params, options, clients, check_mode, rows, diffs, left)
            changed = any(row["action"] != "none" for row in rows)
        return {"changed": changed, "plan": rows, "plan_table": table.render(rows), "diff": diffs,
                "left": left, "deleted": deleted, "finished": True}

    plan = present.Plan(options)
    present.validate_inputs(plan)
    if options["phase"] == "targets":
        return targets.recheck(plan, clients, check_mode)
    if edge:
        present.read_stack(plan, clients)
        present.check_ssl_policies(plan, clients)
        present.check_rules(plan)
    sg_current = groups.read_groups(sg_params, options, clients) if sg_params else None
    for arn in plan.current.get("duplicates", []):
        warn(f"load balancer {arn} has the name of the stack's load balancer and its tag: a create whose answer was "
             "lost made it. The stack uses the oldest; phase absent removes both.")
    # The longest wait starts first: the certificate, then its validation records, which ACM must resolve before it
    # issues. For a certificate issued already (a rerun), the records are checked later, in the same Route 53 call
    # as the aliases when the phase finishes.
    present.apply_certificate(plan, clients, check_mode, warn)
    certificate = plan.states.get("certificate") or {}
    records = dns.validation_records(options, certificate)
    if records and certificate.get("status") != "ISSUED":
        dns.publish(plan, clients, records, check_mode, warn)
        records = []
    if sg_params:
        # Before the load balancer, which takes the load balancer's group.
        plan.states["security_groups"] = groups.apply_groups(
            sg_params, sg_current, options, clients, check_mode, warn, plan.record)
        present.use_stack_group(plan, plan.states["security_groups"])
    present.apply_start(plan, clients, check_mode, warn)
    finish = options["phase"] == "finish" or not edge or (not plan.changed and present.is_ready(plan, clients))
    if records and not finish:
        dns.publish(plan, clients, records, check_mode, warn)
        records = []
    waited = {}
    if finish:
        waited = present.apply_finish(plan, clients, check_mode, warn)
        finish = not waited.get("pending")
    if finish:
        # The names move to the load balancer only once HTTPS answers there.
        records += dns.alias_records(options, plan.states.get("load_balancer"))
    dns.publish(plan, clients, records, check_mode, warn)
    states = plan.states
    return {
        "changed": plan.changed,
        "plan": plan.rows,
        "plan_table": table.render(plan.rows),
        "diff": plan.diffs,
        "finished": finish,
        "waited": waited,
        "certificate": states.get("certificate") or {},
        "target_groups": states["target_groups"],
        "load_balancer": states.get("load_balancer") or {},
        "listeners": {str(port): state for port, state in states["listeners"].items()},
        "rules": states["rules"],
        "dns": states.get("dns") or {"records": [], "changes": []},
        "security_groups": states.get("security_groups") or {},
    }
