# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Alias targets of Route 53 records: load balancers looked up by name or ARN, explicit targets, and the
predicted target of a load balancer that does not exist (yet).
"""

from __future__ import annotations

from ansible_collections.webops.https_rollout.plugins.module_utils.common import error_code
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_ref
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.zones import bare_zone_id

# ---------------------------------------------------------------------------
# Pure: alias targets
# ---------------------------------------------------------------------------


def load_balancer_name(ref):
    """The name in a load balancer reference: a name, an ARN (``...:loadbalancer/app/NAME/ID``) or a
    check-mode placeholder (``predicted:load-balancer:NAME``)."""
    if is_predicted(ref):
        return ref.split(":", 2)[-1]
    if ref.startswith("arn:"):
        parts = ref.split(":", 5)[-1].split("/")
        return parts[2] if len(parts) >= 3 else parts[-1]
    return ref


def predicted_target(ref):
    """The alias target of a load balancer that does not exist (yet): ``ref`` given as a name, an ARN or a
    check-mode placeholder.

    Its DNS name is the placeholder ``predicted:load-balancer:<name>``, as a check-mode ``elb_load_balancer``
    returns it, and its hosted zone ID is None: AWS gives both only when it creates the load balancer.
    """
    dns_name = ref if is_predicted(ref) else predicted_ref("load-balancer", load_balancer_name(ref))
    return {"dns_name": dns_name, "hosted_zone_id": None, "type": None, "predicted": True}


def alias_target(record, targets):
    """The alias target a record asks for, or None for a record with values.

    ``{"dns_name", "hosted_zone_id", "type", "predicted"}``: ``dns_name`` as given (normalised later),
    ``predicted`` True when the target is not known (yet): a load balancer that does not exist, or a check-mode
    placeholder given as ``dns_name`` or ``hosted_zone_id``. ``targets`` maps the load balancer references
    of the task to what :func:`describe_load_balancer_targets` found, or to :func:`predicted_target`.
    """
    alias = record.get("alias")
    if not alias:
        return None
    if alias.get("load_balancer"):
        target = targets[alias["load_balancer"]]
        return dict(target, predicted=bool(target.get("predicted")))
    dns_name, zone_id = alias.get("dns_name"), alias.get("hosted_zone_id")
    predicted = is_predicted(dns_name) or is_predicted(zone_id)
    return {
        "dns_name": dns_name,
        "hosted_zone_id": zone_id if is_predicted(zone_id) or not zone_id else bare_zone_id(zone_id),
        "type": None,
        "predicted": predicted,
    }


# ---------------------------------------------------------------------------
# API calls
# ---------------------------------------------------------------------------


def describe_load_balancer_targets(client, refs):
    """``{ref: {"dns_name", "hosted_zone_id", "type"}}`` for the load balancer names and ARNs that exist (an
    ``elbv2`` client); a reference to no load balancer is left out.

    Names go in one call and ARNs in another (20 per call). Since one missing load balancer fails a whole
    call, only then are that call's references asked for one by one. Check-mode placeholders are never sent.
    """
    refs = sorted({r for r in refs if not is_predicted(r)})
    arns = [r for r in refs if r.startswith("arn:")]
    names = [r for r in refs if not r.startswith("arn:")]
    found = {}
    for key, batch_refs in (("LoadBalancerArns", arns), ("Names", names)):
        for start in range(0, len(batch_refs), 20):
            chunk = batch_refs[start : start + 20]
            for lb in _describe_existing(client, key, chunk):
                target = {
                    "dns_name": lb["DNSName"],
                    "hosted_zone_id": lb["CanonicalHostedZoneId"],
                    "type": lb.get("Type"),
                }
                found[lb["LoadBalancerArn"]] = target
                found[lb["LoadBalancerName"]] = target
    return {r: found[r] for r in refs if r in found}


def _describe_existing(client, key, refs):
    """The load balancers among ``refs`` (names or ARNs, as ``key`` says) that exist."""
    try:
        return client.describe_load_balancers(aws_retry=True, **{key: refs}).get("LoadBalancers", [])
    except Exception as exc:  # pylint: disable=broad-except
        if error_code(exc) != "LoadBalancerNotFound":
            raise
    if len(refs) == 1:
        return []
    found = []
    for ref in refs:
        found.extend(_describe_existing(client, key, [ref]))
    return found
