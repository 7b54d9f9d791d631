# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The absent phase: the teardown, in reverse order, of what carries the stack's ownership tag, and only that.

Every load balancer, target group and certificate tagged ``https-rollout:stack=<stack>`` is found in one
GetResources call, so two of one name (a create whose answer was lost) both go. A load balancer goes with its
listeners and rules. A target group still in use, or a resource of the given names that another owner holds, is
left and named in ``left``; the rest of the teardown goes on. With ``dns``, the alias records that still point at
the load balancer go before it, and the deleted certificates' validation records after them.
"""

from __future__ import annotations

from ansible_collections.webops.https_rollout.plugins.module_utils._acm import certificates as acm_api
from ansible_collections.webops.https_rollout.plugins.module_utils._acm import reconcile as acm
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import api
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import reconcile_load_balancers
from ansible_collections.webops.https_rollout.plugins.module_utils._elb import reconcile_target_groups
from ansible_collections.webops.https_rollout.plugins.module_utils._stack import dns
from ansible_collections.webops.https_rollout.plugins.module_utils._stack import read
from ansible_collections.webops.https_rollout.plugins.module_utils._stack import table
from ansible_collections.webops.https_rollout.plugins.module_utils.common import STACK_TAG_KEY
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError


def _owner_note(kind, name, tags, stack):
    owner = (tags or {}).get(STACK_TAG_KEY)
    if not owner:
        return f"{kind} {name}: it does not carry the tag {STACK_TAG_KEY}={stack}"
    return f"{kind} {name}: stack {owner} owns it"


def teardown(options, clients, check_mode, warn):
    """Delete the stack's resources. Returns ``(changed, rows, diffs, left, deleted)``."""
    stack = options["stack"]
    tagged = read.split_tagged(read.tagged_resources(clients.tagging(), stack))
    rows, diffs, left, deleted = [], [], [], {"load_balancers": [], "target_groups": [], "certificates": []}

    def record(resource, before):
        rows.append(table.row(resource, True, before, {}, deleted=True))
        diffs.append(table.diff(resource, before, {}))

    lbs = read.load_balancers_by_arn(clients.elbv2(), tagged["load_balancer"])
    wanted_lb = (options.get("load_balancer") or {}).get("name")
    if wanted_lb and wanted_lb not in [lb["LoadBalancerName"] for lb in lbs]:
        other = api.describe_load_balancer(clients.elbv2(), name=wanted_lb)
        if other is not None:
            tags = api.get_tags(clients.elbv2(), [other["LoadBalancerArn"]]).get(other["LoadBalancerArn"], {})
            left.append(_owner_note("load balancer", wanted_lb, tags, stack))

    # Deletion protection is checked for all of them before the first delete.
    read_lbs = []
    for lb in lbs:
        attributes, state = reconcile_load_balancers.read_load_balancer(
            clients.elbv2(), lb=lb, tags=tagged["load_balancer"][lb["LoadBalancerArn"]]
        )
        if str(attributes.get("deletion_protection.enabled", "")).lower() == "true":
            raise RolloutError(
                f"load balancer {lb['LoadBalancerName']} of stack {stack} has deletion protection on: turn it off "
                "first (load_balancer.deletion_protection: false with phase start), then tear down; nothing was deleted"
            )
        read_lbs.append((attributes, state))
    if options.get("dns") and read_lbs:
        # The names stop pointing at the load balancer before it goes (only where they still point at it).
        lb_state = next((state for _a, state in read_lbs if state["name"] == wanted_lb), read_lbs[0][1])
        records = dns.alias_records(options, lb_state, types=dns.ALIAS_TYPES)
        dns_rows, dns_diffs, dns_left = dns.ensure_absent(options, clients, records, check_mode, warn)
        rows += dns_rows
        diffs += dns_diffs
        left += dns_left
    params = {"name": None, "force_disable_deletion_protection": False, "wait_timeout": options["wait_timeout"]}
    for attributes, state in read_lbs:
        reconcile_load_balancers.ensure_load_balancer_absent(
            clients.elbv2(), attributes, state, dict(params, name=state["name"]), check_mode
        )
        record(f"load balancer {state['name']} (with its listeners and rules)", state)
        deleted["load_balancers"].append(state["arn"])

    groups = api.describe_target_groups(clients.elbv2(), arns=sorted(tagged["target_group"])) if tagged["target_group"] else []
    for group in groups:
        arn = group["TargetGroupArn"]
        # A load balancer this teardown deleted holds the group no more.
        lb_arns = [a for a in group.get("LoadBalancerArns") or [] if a not in deleted["load_balancers"]]
        current = {"arn": arn, "name": group["TargetGroupName"], "load_balancer_arns": lb_arns,
                   "tags": tagged["target_group"][arn]}
        try:
            reconcile_target_groups.ensure_target_group_absent(clients.elbv2(), current, check_mode, warn)
        except RolloutError as exc:
            left.append(f"target group {group['TargetGroupName']}: {exc}")
            continue
        record(f"target group {group['TargetGroupName']}", current)
        deleted["target_groups"].append(arn)

    certificate = options.get("certificate") or {}
    targets = []
    for arn, tags in tagged["certificate"].items():
        if certificate.get("name") and tags.get("Name") != certificate["name"]:
            continue
        description = acm_api.describe_certificate(clients.acm(), arn)
        if description is not None:
            targets.append((description, tags))
    targets.sort(key=lambda item: str(item[0].get("CreatedAt") or ""))
    validation_records = []
    if targets:
        absent_params = {"arn": None}
        acm.ensure_certificate_absent(clients.acm(), clients.elbv2, absent_params, targets, check_mode, warn)
        for description, tags in targets:
            state = acm.certificate_before((description, tags), [])
            validation_records += [r for r in state.get("validation_records", []) if r not in validation_records]
            record(f"certificate {state.get('name') or state['arn']}", state)
            deleted["certificates"].append(state["arn"])
    deleted["validation_records"] = validation_records
    if options.get("dns") and options["dns"]["remove_validation_records"] and validation_records:
        dns_rows, dns_diffs, dns_left = dns.ensure_absent(options, clients, validation_records, check_mode, warn)
        rows += dns_rows
        diffs += dns_diffs
        left += dns_left
    changed = any(row["action"] != "none" for row in rows)
    return changed, rows, diffs, left, deleted
