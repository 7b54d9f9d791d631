# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The stack's Route 53 records in the engine: the certificate's validation records and the alias records.

Both go through :func:`ensure_records`, route53_record's own reconciliation, in ONE call per phase: the zone is
found once and read once (listed whole when that is cheaper than name by name), so the records of a rerun cost two
reads. The start phase publishes the validation records as soon as the certificate is requested; the phase that
finishes the rollout (after the HTTPS listener) also points the names at the load balancer, and not before, so a
name that served elsewhere moves only once HTTPS answers. The teardown removes the aliases that still point at the
stack's load balancers (before they go) and the validation records of the certificates it deleted (after).
"""

from __future__ import annotations

import re

from ansible_collections.webops.https_rollout.plugins.module_utils._route53 import reconcile as route53
from ansible_collections.webops.https_rollout.plugins.module_utils._stack import table
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted

ALIAS_TYPES = ("A", "AAAA")


def dns_argument_spec():
    """The engine's ``dns`` option."""
    return dict(
        type="dict",
        options=dict(
            zone=dict(type="str"),
            publish_validation_records=dict(type="bool", default=True),
            validation_ttl=dict(type="int", default=300),
            alias_names=dict(type="list", elements="str", default=[]),
            alias_types=dict(type="list", elements="str", choices=list(ALIAS_TYPES), default=["A"]),
            evaluate_target_health=dict(type="bool", default=True),
            remove_validation_records=dict(type="bool", default=True),
        ),
    )


def validation_records(options, certificate):
    """The certificate's validation CNAMEs, with the TTL, when the engine publishes them."""
    dns = options.get("dns")
    if not dns or not dns["publish_validation_records"] or not certificate:
        return []
    return [dict(record, ttl=dns["validation_ttl"]) for record in certificate.get("validation_records") or []]


def alias_records(options, load_balancer, types=None):
    """An alias record per name and type to the load balancer (its DNS name and zone; a check-mode placeholder
    when it is only predicted)."""
    dns = options.get("dns")
    if not dns or not load_balancer or not load_balancer.get("arn"):
        return []
    if is_predicted(load_balancer["arn"]):
        alias = {"load_balancer": load_balancer["arn"]}
    else:
        alias = {"dns_name": load_balancer["dns_name"], "hosted_zone_id": load_balancer["canonical_hosted_zone_id"]}
    alias["evaluate_target_health"] = dns["evaluate_target_health"]
    return [{"name": name, "type": rtype, "alias": dict(alias)}
            for name in dns["alias_names"] for rtype in (types or dns["alias_types"])]


def check_names(options):
    """The alias names checked before any change (route53_record's own checks), naming the engine's option."""
    dns = options.get("dns")
    if not dns:
        return
    records = [{"name": name, "type": "A", "alias": {"dns_name": "predicted:load-balancer:check",
                                                     "hosted_zone_id": "predicted:zone"}}
               for name in dns["alias_names"]]
    params = route53.record_params(records, zone=dns["zone"])
    problem = route53.validate_options(params, check_mode=True)
    if problem:
        raise RolloutError("dns: " + re.sub(r"records\[(\d+)\](\.name)?", r"alias_names[\1]", problem))


def _rows(resource_label, state, deleted=False):
    """The plan rows (one per changed record, or one ``none`` row) and the diff of one ensure_records call."""
    rows = []
    for change in state.get("changes") or []:
        action = change["action"]
        rows.append({"resource": f"{resource_label} {change['name']} {change['type']}", "action": action,
                     "fields": [] if action == "delete" else ["alias/values"]})
    if not rows:
        rows.append(table.row(resource_label, False, state["before"], state["after"], deleted=deleted))
    return rows, [table.diff(resource_label, state["before"], state["after"])]


def ensure_present(options, clients, records, check_mode, warn):
    """Publish ``records`` (validation and alias records) in one ensure_records call: ``(changed, state, rows,
    diffs)``; nothing is read when there is nothing to publish."""
    if not records:
        return False, {}, [], []
    params = route53.record_params(records, zone=options["dns"]["zone"])
    changed, state = route53.ensure_records(clients.route53(), params, check_mode, None, elbv2_client=clients.elbv2,
                                            warn=warn, zone_lookups=clients.zone_lookups)
    rows, diffs = _rows("DNS records", state)
    return changed, state, rows, diffs


def ensure_absent(options, clients, records, check_mode, warn):
    """Remove ``records`` where they still hold what the stack wrote; a record that now holds something else is
    left, and named in the returned ``left``. ``(rows, diffs, left)``."""
    if not records:
        return [], [], []
    params = route53.record_params(records, zone=options["dns"]["zone"], state="absent")
    try:
        _changed, state = route53.ensure_records(clients.route53(), params, check_mode, None,
                                                 elbv2_client=clients.elbv2, warn=warn, zone_lookups=clients.zone_lookups)
    except RolloutError as exc:
        return [], [], [f"DNS records: {exc}"]
    rows, diffs = _rows("DNS records", state, deleted=True)
    return rows, diffs, []


def publish(plan, clients, records, check_mode, warn):
    """:func:`ensure_present` for a phase of the engine: the rows and diffs go to the plan, the records' state to
    ``plan.states["dns"]`` (the records AWS holds after the phase, and the changes)."""
    changed, state, rows, diffs = ensure_present(plan.options, clients, records, check_mode, warn)
    if not state:
        return
    plan.changed = plan.changed or changed
    plan.rows += rows
    plan.diffs += diffs
    held = plan.states.setdefault("dns", {"records": [], "changes": []})
    held["records"] += [r for r in state["after"]["records"] if r not in held["records"]]
    held["changes"] += state.get("changes") or []
