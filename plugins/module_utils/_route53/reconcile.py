# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Route 53 records reconciled: the zones of the records, what AWS holds at their names, the plan, the change
batches and the wait for INSYNC. :func:`ensure_records` is the one entry point of the route53_record module and of
the stack engine.

``params`` is a dict with route53_record's options (``records`` with ``values`` filled from ``value``, ``zone``,
``private_zone``, ``vpc_id``, ``state``, ``overwrite``, ``wait``, ``wait_timeout``); :func:`record_params` fills the
defaults.

Reading what AWS holds: each zone the task touches is read the cheaper way. Name by name costs one
ListResourceRecordSets a name; listed whole, by pages of :data:`ZONE_PAGE` record sets, it costs one call per 300
record sets (the zone's ResourceRecordSetCount tells how many). A zone where the task names more than
:data:`READ_BY_NAME_MAX` names is listed whole even when its size is not known. 1,000 records of one zone thus cost
4 reads instead of 1,000, and four names in a small zone one read instead of four.
"""

from __future__ import annotations

from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted
from ansible_collections.webops.https_rollout.plugins.module_utils.common import missing_reference
from ansible_collections.webops.https_rollout.plugins.module_utils.common import wait_for
from ansible_collections.webops.https_rollout.plugins.module_utils._route53 import alias_targets as route53_alias
from ansible_collections.webops.https_rollout.plugins.module_utils._route53 import normalise as route53_normalise
from ansible_collections.webops.https_rollout.plugins.module_utils._route53 import records as route53_records
from ansible_collections.webops.https_rollout.plugins.module_utils._route53 import zones as route53_zones

#: A zone where a task names more record names than this is listed whole, by pages, instead of name by name.
READ_BY_NAME_MAX = 10
#: ListResourceRecordSets returns at most 300 record sets a page.
ZONE_PAGE = 300


def merge_value(records):
    """Fold each record's ``value`` shorthand into ``values``."""
    for record in records:
        if record.get("value") is not None:
            record["values"] = [record["value"]]


def validate_options(params, check_mode=False):
    """The first problem found without any AWS call, or None."""
    problem = route53_records.validate_records(params["records"], params["state"], check_mode)
    if problem:
        return problem
    if params["vpc_id"] and not params["private_zone"]:
        return "vpc_id selects a private hosted zone: set private_zone=true as well, or remove vpc_id"
    zone = params["zone"]
    if zone and not route53_zones.is_zone_id(zone):
        problem = route53_normalise.name_error(zone)
        if problem:
            return f"zone={zone!r} is neither a hosted zone ID nor a valid zone name: it {problem}"
        named = {"id": route53_normalise.normalise_name(zone), "name": zone}
        for index, record in enumerate(params["records"]):
            problem = route53_zones.zone_error(index, record, named)
            if problem:
                return problem.replace(f" ({named['id']})", "")
    return None


def resolve_zones(client, params, region, lookups=None):
    """The zone summary of each record, in order. Raises RolloutError when one cannot be found.

    ``lookups``, a dict kept by the caller, keeps the zones read by one call for the next calls of the same process
    (the stack engine publishes validation records and aliases in two calls of one phase).
    """
    zone, private, vpc_id = params["zone"], params["private_zone"], params["vpc_id"]
    kind = "private" if private else "public"
    lookups = {} if lookups is None else lookups
    if zone and route53_zones.is_zone_id(zone):
        if ("id", zone) not in lookups:
            lookups[("id", zone)] = route53_zones.get_zone(client, zone)
        found, vpcs = lookups[("id", zone)]
        if found is None:
            raise RolloutError(f"zone={zone!r}: no hosted zone has this ID. Check the ID, or give the zone's name")
        if vpc_id and vpc_id not in vpcs:
            raise RolloutError(f"zone={zone!r} ({found['name']}) is not associated with vpc_id={vpc_id}")
        zones = [found] * len(params["records"])
    else:
        if ("name", zone) not in lookups:
            lookups[("name", zone)] = route53_zones.zones_named(client, zone) if zone else route53_zones.list_zones(client)
        candidates = lookups[("name", zone)]
        vpc_zone_ids = route53_zones.zone_ids_of_vpc(client, vpc_id, region) if vpc_id else None
        zones = []
        for index, record in enumerate(params["records"]):
            try:
                chosen = route53_zones.pick_zone(zone or record["name"], candidates, private, vpc_zone_ids)
            except ValueError as exc:
                option = f"zone={zone!r}" if zone else f"records[{index}].name={route53_normalise.normalise_name(record['name'])!r}"
                raise RolloutError(f"{option}: {exc}") from exc
            if chosen is None:
                where = f" associated with {vpc_id}" if vpc_id else ""
                if zone:
                    raise RolloutError(f"zone={zone!r}: no {kind} hosted zone{where} has this name")
                raise RolloutError(
                    f"records[{index}].name={route53_normalise.normalise_name(record['name'])!r}: no {kind} hosted zone{where} "
                    "contains this name. Create the zone first, or give zone"
                )
            zones.append(chosen)
    for index, record in enumerate(params["records"]):
        problem = route53_zones.zone_error(index, record, zones[index])
        if problem:
            raise RolloutError(problem)
    return zones


def read_current(client, records, zones):
    """``{(zone_id, name): [rrset, ...]}`` for the names the records give, and only those.

    Each zone is read name by name or listed whole by pages of :data:`ZONE_PAGE`, whichever takes fewer calls
    (see the module docstring).
    """
    names_by_zone, counts = {}, {}
    for record, zone in zip(records, zones):
        names = names_by_zone.setdefault(zone["id"], [])
        counts[zone["id"]] = zone.get("record_count")
        name = route53_normalise.normalise_name(record["name"])
        if name not in names:
            names.append(name)
    held = {}
    for zone_id, names in names_by_zone.items():
        count = counts[zone_id]
        pages = -(-int(count) // ZONE_PAGE) if count is not None else None
        if len(names) > READ_BY_NAME_MAX or (pages is not None and pages < len(names)):
            held.update(read_zone(client, zone_id, names))
        else:
            held.update({(zone_id, name): route53_records.read_name(client, zone_id, name) for name in names})
    return held


def read_zone(client, zone_id, names):
    """``{(zone_id, name): [rrset, ...]}`` for ``names``, from the whole zone listed by pages of :data:`ZONE_PAGE`."""
    held = {(zone_id, name): [] for name in names}
    for rrset in route53_records.list_record_sets(client, zone_id, ZONE_PAGE):
        key = (zone_id, route53_normalise.normalise_name(rrset["Name"]))
        if key in held:
            held[key].append(rrset)
    return held


def lookup_targets(elbv2_client, records, state, check_mode, warn):
    """The alias targets of the records: ``{load balancer name or ARN: target}``, one describe call for all.

    ``elbv2_client`` is called for the client only when a record aliases a load balancer that is not a
    check-mode placeholder (placeholders are never sent to AWS). A load balancer that does not exist gets a
    predicted target (:func:`route53_alias.predicted_target`). With ``state=present`` that is a warning in check
    mode, where an earlier task of the play may only have predicted the load balancer, and an error naming the
    first record's option in a real run. With ``state=absent`` :func:`plan` deals with it, record by record.
    """
    by_ref = {}
    for index, record in enumerate(records):
        ref = (record.get("alias") or {}).get("load_balancer")
        if ref:
            by_ref.setdefault(ref, []).append(index)
    real = [ref for ref in by_ref if not is_predicted(ref)]
    found = route53_alias.describe_load_balancer_targets(elbv2_client(), real) if real else {}
    targets = {}
    for ref, indexes in by_ref.items():
        if ref in found:
            targets[ref] = found[ref]
            continue
        targets[ref] = route53_alias.predicted_target(ref)
        if state == "present":
            used = indexes if check_mode else indexes[:1]
            option = ", ".join(f"records[{index}].alias.load_balancer" for index in used)
            missing_reference(option, f"load balancer {ref!r}", check_mode, warn)
    if state == "present":
        for index, record in enumerate(records):
            alias = record.get("alias") or {}
            for option in ("dns_name", "hosted_zone_id"):
                if is_predicted(alias.get(option)):
                    # A real run refused it in validate_options.
                    missing_reference(f"records[{index}].alias.{option}", f"alias target {alias[option]!r}", check_mode, warn)
    return targets


def plan(params, zones, held, targets):
    """``(before, after, changes, notes)``: record states, the boto3 changes with their labels, and warnings.

    Raises RolloutError for what AWS holds that the task may not touch.
    """
    before, after, changes, refused, notes = [], [], [], [], []
    present = params["state"] == "present"
    for index, record in enumerate(params["records"]):
        zone = zones[index]
        name = route53_normalise.normalise_name(record["name"])
        at_name = held[(zone["id"], name)]
        same_type = [r for r in at_name if r["Type"] == record["type"]]
        simple = [r for r in same_type if "SetIdentifier" not in r]
        if len(same_type) > len(simple):
            raise RolloutError(
                f"records[{index}] ({name} {record['type']}): the zone holds routing-policy records (set identifiers) "
                "at this name and type; this module manages simple records only"
            )
        raw = simple[0] if simple else None
        current = route53_records.record_state(raw, zone) if raw else None
        if current:
            before.append(current)
        label = {"name": name, "type": record["type"], "zone_id": zone["id"]}

        if not present:
            if current is None:
                continue
            target = route53_alias.alias_target(record, targets)
            if target and target["predicted"] and current["alias"]:
                # The alias target is gone (or only predicted): the record cannot be compared with it.
                notes.append(route53_records.unknown_target_note(index, record, current))
                continue
            mismatch = route53_records.absent_mismatch(record, current, targets)
            if mismatch:
                option, why = mismatch
                refused.append(f"records[{index}].{option} ({name} {record['type']}): {why}")
                continue
            changes.append((dict(label, action="delete"), {"Action": "DELETE", "ResourceRecordSet": raw}))
            continue

        others = sorted({r["Type"] for r in at_name} - {record["type"]})
        if record["type"] == "CNAME" and others:
            raise RolloutError(
                f"records[{index}] is a CNAME but {name} already holds {', '.join(others)} in zone {zone['name']}: "
                "a CNAME must be alone at its name. Delete those records first, or use an alias A/AAAA record"
            )
        if record["type"] != "CNAME" and "CNAME" in others:
            raise RolloutError(
                f"records[{index}] ({name} {record['type']}): {name} holds a CNAME in zone {zone['name']}, which must "
                "be alone at its name. Delete the CNAME first (state=absent), then add this record"
            )
        wanted, rrset = route53_records.desired_state(record, zone, current, targets)
        after.append(wanted)
        if wanted == current:
            continue
        if current is not None and not params["overwrite"]:
            refused.append(f"records[{index}] ({name} {record['type']})")
            continue
        action = "create" if current is None else "update"
        changes.append((dict(label, action=action), {"Action": "UPSERT", "ResourceRecordSet": rrset}))

    if refused and present:
        raise RolloutError(
            f"overwrite=false and these records exist with other values: {', '.join(refused)}. "
            "Set overwrite=true to update them, or change the task to match"
        )
    if refused:
        raise RolloutError(
            f"state=absent: refusing to delete records that differ from the task: {'; '.join(refused)}. "
            "Give what AWS holds, or leave out values and alias to delete the record whatever it holds"
        )
    if not present:
        after = [s for s in before if not any(c[0]["name"] == s["name"] and c[0]["type"] == s["type"] for c in changes)]
    return before, after, changes, notes


def batches_by_zone(changes):
    """``[(zone_id, [boto3 change, ...]), ...]`` within AWS's per-request limits, zones in first-seen order."""
    by_zone = {}
    for label, change in changes:
        by_zone.setdefault(label["zone_id"], []).append(change)
    result = []
    for zone_id, zone_changes in by_zone.items():
        try:
            result.extend((zone_id, batch) for batch in route53_records.split_batches(zone_changes))
        except ValueError as exc:
            raise RolloutError(str(exc)) from exc
    return result


def wait_insync(client, change_ids, timeout):
    """Poll GetChange for every change that is not INSYNC yet; returns the wait's seconds and polls."""
    pending = list(change_ids)

    def poll():
        for change_id in list(pending):
            if route53_records.change_status(client, change_id) == "INSYNC":
                pending.remove(change_id)
        return not pending, list(pending)

    def describe(still):
        return f"{len(still)} change(s) still PENDING: {', '.join(still)}"

    _status, seconds, polls = wait_for(poll, "Route 53 changes to be INSYNC", timeout, delay=5, describe=describe)
    return {"seconds": seconds, "polls": polls}


def apply_plan(client, params, planned, check_mode, warn):
    """Send the planned changes (one ChangeBatch per zone unless AWS's limits cut it) and wait when asked.

    Returns ``(changed, state)``: ``state`` holds ``before`` and ``after`` (``{"records": [...]}``), the changes,
    batches, change IDs and status, and ``waited`` with ``wait=true``.
    """
    before, after, changes, notes = planned
    for note in notes:
        warn(note)
    batches = batches_by_zone(changes)
    change_ids, status, state = [], None, {}
    if changes and not check_mode:
        statuses = []
        for zone_id, batch in batches:
            info = route53_records.change_records(client, zone_id, batch)
            change_ids.append(info["id"])
            statuses.append(info["status"])
        status = "INSYNC" if all(s == "INSYNC" for s in statuses) else "PENDING"
        if params["wait"] and status != "INSYNC":
            pending = [i for i, s in zip(change_ids, statuses) if s != "INSYNC"]
            state["waited"] = wait_insync(client, pending, params["wait_timeout"])
            status = "INSYNC"
        elif params["wait"]:
            state["waited"] = {"seconds": 0.0, "polls": 0}
    state.update(
        before={"records": before},
        after={"records": after},
        changes=[label for label, _change in changes],
        batches=len(batches),
        change_ids=change_ids,
        change_status=status,
    )
    return bool(changes), state


def record_params(records, **options):
    """route53_record's options with their defaults, for callers other than the module (the stack engine)."""
    params = {"zone": None, "private_zone": False, "vpc_id": None, "state": "present", "overwrite": True,
              "wait": False, "wait_timeout": 300}
    params.update(options)
    params["records"] = [dict({"ttl": None, "values": None, "value": None, "alias": None}, **record) for record in records]
    merge_value(params["records"])
    return params


def ensure_records(client, params, check_mode, region, elbv2_client=None, warn=None, zone_lookups=None):
    """Create, update (UPSERT) or delete the records of ``params`` (see the module docstring): validate, find
    the zones, look up the alias targets, read what AWS holds, plan, send one ChangeBatch per zone (cut to AWS's
    limits) and, with ``wait``, wait for INSYNC.

    ``elbv2_client`` is a callable returning an ELBv2 client, called only when a record aliases a load balancer;
    ``warn`` takes the warnings (check mode's missing references, records left in place); ``zone_lookups`` is
    :func:`resolve_zones`'s ``lookups``.

    Returns ``(changed, state)``: ``state`` holds ``before`` and ``after`` (``{"records": [...]}``), ``changes``,
    ``batches``, ``change_ids``, ``change_status`` and, with ``wait``, ``waited``.
    Raises RolloutError naming the option for bad input, before any change.
    """
    warn = warn or (lambda _msg: None)
    problem = validate_options(params, check_mode)
    if problem:
        raise RolloutError(problem)
    if not params["records"]:
        return False, {"before": {"records": []}, "after": {"records": []}, "changes": [], "batches": 0,
                       "change_ids": [], "change_status": None}
    zones = resolve_zones(client, params, region, zone_lookups)
    targets = lookup_targets(elbv2_client, params["records"], params["state"], check_mode, warn)
    held = read_current(client, params["records"], zones)
    return apply_plan(client, params, plan(params, zones, held, targets), check_mode, warn)
