# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Route 53 record sets: validation before any call, the snake_case state of a record, the comparison with
what a task gives, change batches within AWS's limits, and the calls that read and change records.
"""

from __future__ import annotations

from ansible_collections.webops.https_rollout.plugins.module_utils.common import aws_retry
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_refs_error
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.alias_targets import alias_target
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.normalise import DUALSTACK_PREFIX
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.normalise import fqdn
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.normalise import name_error
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.normalise import normalise_alias_dns_name
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.normalise import normalise_name
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.normalise import normalise_value
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.normalise import normalise_values
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.normalise import value_error
from ansible_collections.webops.https_rollout.plugins.module_utils._route53.zones import bare_zone_id

# ---------------------------------------------------------------------------
# Pure: validation before any call
# ---------------------------------------------------------------------------

#: One ChangeResourceRecordSets request holds at most this many ResourceRecord elements...
MAX_BATCH_RECORDS = 1000
#: ...and at most this many characters over all its Value elements. An UPSERT counts twice towards both.
MAX_BATCH_CHARS = 32000
#: Record sets read per ListResourceRecordSets page when reading one name (all its types fit in one page).
READ_PAGE = 20
#: TTL given to a new record when none is set.
DEFAULT_TTL = 300
RECORD_TYPES = ("A", "AAAA", "CAA", "CNAME", "DS", "MX", "NAPTR", "NS", "PTR", "SPF", "SRV", "TXT")
ALIAS_TYPES = ("A", "AAAA", "CNAME")
LOAD_BALANCER_ALIAS_TYPES = ("A", "AAAA")


def record_label(record):
    """``www.example.com A``: how messages name a record."""
    return f"{normalise_name(record['name'])} {record['type']}"


def validate_records(records, state, check_mode=False):
    """Return the first problem with ``records`` that needs no AWS call, or None.

    An empty list is no problem: there is nothing to do (acm_certificate's ``validation_records`` of a
    certificate that check mode only predicts). Check-mode placeholders (``predicted:...``) as alias targets
    are accepted in check mode only. The zone-dependent checks (a name outside its zone, a CNAME at the apex)
    are in :func:`zone_error`.
    """
    seen = {}
    for index, record in enumerate(records or []):
        where = f"records[{index}]"
        problem = name_error(record["name"])
        if problem:
            return f"{where}.name={record['name']!r} {problem}"
        rtype = record["type"]
        alias = record.get("alias")
        values = record.get("values")
        key = (normalise_name(record["name"]), rtype)
        if key in seen:
            return f"{where} repeats {record_label(record)} of records[{seen[key]}]: give each name and type once"
        seen[key] = index
        ttl = record.get("ttl")
        if alias and ttl is not None:
            return (
                f"{where} ({record_label(record)}) is an alias with ttl={ttl}: an alias record takes the TTL "
                "of its target, remove ttl"
            )
        if ttl is not None and not 0 <= ttl <= 2147483647:
            return f"{where}.ttl={ttl} is out of range: use 0 to 2147483647 seconds"
        if alias and values:
            return f"{where} ({record_label(record)}) has both values and alias: give one of them"
        if alias:
            problem = alias_error(rtype, alias)
            if problem:
                option, text = problem
                return f"{where}.{option} ({record_label(record)}) {text}"
            for option in ("load_balancer", "dns_name", "hosted_zone_id"):
                problem = predicted_refs_error(f"{where}.alias.{option}", alias.get(option), check_mode)
                if problem:
                    return problem
        elif state == "present" and not values:
            return f"{where} ({record_label(record)}) needs values, or an alias"
        for value in values or []:
            problem = value_error(rtype, value)
            if problem:
                return f"{where}.values: {value!r} {problem} (type {rtype})"
        if rtype == "CNAME" and values and len(values) > 1:
            return f"{where}.values ({record_label(record)}) has {len(values)} values: a CNAME holds exactly one"
        if state == "present" and values:
            problem = size_error(rtype, values)
            if problem:
                return f"{where}.values ({record_label(record)}) {problem}"
    if state == "present":
        at_name = {}
        for index, record in enumerate(records or []):
            at_name.setdefault(normalise_name(record["name"]), []).append((index, record["type"]))
        for name, given in at_name.items():
            cname = [index for index, rtype in given if rtype == "CNAME"]
            others = [(index, rtype) for index, rtype in given if rtype != "CNAME"]
            if cname and others:
                return (
                    f"records[{cname[0]}] ({name} CNAME) and records[{others[0][0]}] ({name} {others[0][1]}): "
                    f"{name} has a CNAME beside {', '.join(rtype for _index, rtype in others)}: a CNAME must be the "
                    "only record at its name. Use an alias A/AAAA record instead, or another name"
                )
    return None


def size_error(rtype, values):
    """Why the values of one record can never go into a ChangeResourceRecordSets request (UPSERT), or None."""
    try:
        norm = normalise_values(rtype, values)
    except ValueError:
        return None  # value_error names it
    records, chars = len(norm) * 2, sum(len(v) for v in norm) * 2
    if records > MAX_BATCH_RECORDS or chars > MAX_BATCH_CHARS:
        return (
            f"has {len(norm)} values of {chars // 2} characters, which an UPSERT counts twice: over AWS's limit of "
            f"{MAX_BATCH_RECORDS} records and {MAX_BATCH_CHARS} characters per request. Split the values over "
            "several names"
        )
    return None


def alias_error(rtype, alias):
    """``(suboption, why)`` when an ``alias`` is unusable on a record of type ``rtype``, or None.

    ``suboption`` is the option that failed, relative to the record (``alias``, ``alias.dns_name``, ...).
    A check-mode placeholder (``predicted:...``) as ``dns_name`` needs no ``hosted_zone_id``: a check-mode
    ``elb_load_balancer`` returns the placeholder as its DNS name and None as its hosted zone ID.
    :func:`validate_records` refuses placeholders outside check mode.
    """
    if rtype not in ALIAS_TYPES:
        return "alias", f"is not allowed on type {rtype}: use {', '.join(ALIAS_TYPES)}"
    load_balancer = alias.get("load_balancer")
    dns_name, zone_id = alias.get("dns_name"), alias.get("hosted_zone_id")
    if load_balancer:
        for option in ("dns_name", "hosted_zone_id"):
            if alias.get(option):
                return (
                    f"alias.{option}",
                    f"is given with alias.load_balancer: give the load balancer, or the target ({option}), not both",
                )
        if rtype not in LOAD_BALANCER_ALIAS_TYPES:
            return "alias.load_balancer", f"needs type A or AAAA, not {rtype}"
        return None
    if not dns_name and not zone_id:
        return "alias", "needs load_balancer (a name or ARN), or dns_name with hosted_zone_id"
    if not dns_name:
        return "alias.hosted_zone_id", "is given without alias.dns_name: give the target's DNS name as well"
    if is_predicted(dns_name):
        # A check-mode prediction: its hosted zone ID is not known yet either.
        return None
    if not zone_id:
        return "alias.dns_name", "is given without alias.hosted_zone_id: give the target's hosted zone ID as well"
    problem = name_error(dns_name)
    if problem:
        return "alias.dns_name", f"{dns_name!r} {problem}"
    return None


# ---------------------------------------------------------------------------
# Pure: state, comparison and change batches
# ---------------------------------------------------------------------------


def alias_state(target):
    """snake_case state of a boto3 AliasTarget."""
    return {
        "dns_name": normalise_alias_dns_name(target["DNSName"]),
        "hosted_zone_id": target["HostedZoneId"],
        "evaluate_target_health": bool(target.get("EvaluateTargetHealth")),
    }


def record_state(rrset, zone):
    """snake_case state of a boto3 ResourceRecordSet in ``zone`` (a summary)."""
    rtype = rrset["Type"]
    alias = rrset.get("AliasTarget")
    values = []
    if not alias:
        for record in rrset.get("ResourceRecords", []):
            try:
                values.append(normalise_value(rtype, record["Value"]))
            except ValueError:
                values.append(record["Value"])
    return {
        "name": normalise_name(rrset["Name"]),
        "type": rtype,
        "ttl": None if alias else rrset.get("TTL"),
        "values": sorted(set(values)),
        "alias": alias_state(alias) if alias else None,
        "zone_id": zone["id"],
        "zone_name": zone["name"],
        "private_zone": zone["private"],
    }


def desired_state(record, zone, current, targets):
    """``(state, rrset)``: the wanted snake_case state and the ResourceRecordSet to UPSERT.

    ``current`` is the record's state in AWS or None; a TTL left out keeps the current one, else 300.
    ``targets`` maps a load balancer name or ARN to ``{"dns_name", "hosted_zone_id", "type"}`` (see
    :func:`alias_target`). A predicted target (check mode only) keeps its placeholder as ``dns_name`` and its
    hosted zone ID None; its rrset is never sent.
    """
    rtype = record["type"]
    name = normalise_name(record["name"])
    rrset = {"Name": fqdn(name), "Type": rtype}
    target = alias_target(record, targets)
    if target:
        evaluate = bool(record["alias"].get("evaluate_target_health"))
        if target["predicted"]:
            # Never sent: placeholders are kept as they are, the hosted zone ID as given (None when unknown).
            send_dns = target["dns_name"] if is_predicted(target["dns_name"]) else normalise_name(target["dns_name"])
            alias_out = {
                "dns_name": send_dns,
                "hosted_zone_id": target["hosted_zone_id"],
                "evaluate_target_health": evaluate,
            }
        elif record["alias"].get("load_balancer"):
            send_dns = target["dns_name"].rstrip(".").lower()
            # AWS's own form for an Application Load Balancer alias: dualstack.<dns name>.
            if target.get("type") == "application" and not send_dns.startswith(DUALSTACK_PREFIX):
                send_dns = DUALSTACK_PREFIX + send_dns
            alias_out = None
        else:
            send_dns = normalise_name(target["dns_name"])
            alias_out = None
        rrset["AliasTarget"] = {
            "HostedZoneId": target["hosted_zone_id"],
            "DNSName": send_dns,
            "EvaluateTargetHealth": evaluate,
        }
        ttl, values = None, []
        if alias_out is None:
            alias_out = alias_state(rrset["AliasTarget"])
    else:
        ttl = record.get("ttl")
        if ttl is None:
            ttl = current["ttl"] if current and current.get("ttl") is not None else DEFAULT_TTL
        values = normalise_values(rtype, record.get("values"))
        rrset["TTL"] = ttl
        rrset["ResourceRecords"] = [{"Value": v} for v in values]
        alias_out = None
    state = {
        "name": name,
        "type": rtype,
        "ttl": ttl,
        "values": values,
        "alias": alias_out,
        "zone_id": zone["id"],
        "zone_name": zone["name"],
        "private_zone": zone["private"],
    }
    return state, rrset


def absent_mismatch(record, current, targets):
    """For ``state=absent``: ``(suboption, why)`` when what the task gives differs from the record AWS
    holds, or None. ``suboption`` is the record's option that differs (``values``, ``ttl``, ``alias``, ...).

    Only what the task sets is compared: a record given by name and type alone matches whatever it holds.
    An alias to a target that is not known (:func:`alias_target`'s ``predicted``) cannot be compared: the
    caller leaves such a record alone (see :func:`unknown_target_note`).
    """
    target = alias_target(record, targets)
    if target:
        option = "alias.load_balancer" if record["alias"].get("load_balancer") else "alias"
        if not current["alias"]:
            return option, f"AWS holds values {current['values']}, not an alias"
        wanted = {"dns_name": normalise_alias_dns_name(target["dns_name"]), "hosted_zone_id": target["hosted_zone_id"]}
        held = {k: current["alias"][k] for k in wanted}
        if held != wanted:
            if option == "alias":
                option = "alias.dns_name" if held["dns_name"] != wanted["dns_name"] else "alias.hosted_zone_id"
            return option, (
                f"AWS holds an alias to {held['dns_name']} ({held['hosted_zone_id']}), "
                f"not to {wanted['dns_name']} ({wanted['hosted_zone_id']})"
            )
        return None
    if record.get("values"):
        wanted = normalise_values(record["type"], record["values"])
        if current["alias"]:
            return "values", f"AWS holds an alias to {current['alias']['dns_name']}, not values {wanted}"
        if wanted != current["values"]:
            return "values", f"AWS holds values {current['values']}, not {wanted}"
    if record.get("ttl") is not None and record["ttl"] != current["ttl"]:
        return "ttl", f"AWS holds ttl {current['ttl']}, not {record['ttl']}"
    return None


def unknown_target_note(index, record, current):
    """For ``state=absent``: the warning for a record AWS holds whose alias target the task gives but that
    does not exist (any more), so that the record cannot be compared with it. The record is left alone:
    deletes touch only records that match."""
    alias = record["alias"]
    if alias.get("load_balancer"):
        option = "load_balancer"
    else:
        option = "dns_name" if is_predicted(alias.get("dns_name")) else "hosted_zone_id"
    ref = alias[option]
    held = current["alias"] or {}
    return (
        f"records[{index}].alias.{option}: {ref} does not exist, so the alias {record_label(record)}, which AWS holds "
        f"to {held.get('dns_name')} ({held.get('hosted_zone_id')}), cannot be compared with it and is left in place. "
        f"To delete it whatever it points at, give records[{index}] by name and type only"
    )


def change_weight(change):
    """``(records, characters)`` a change counts towards a request's limits (an UPSERT counts twice)."""
    rrset = change["ResourceRecordSet"]
    factor = 2 if change["Action"] == "UPSERT" else 1
    values = [r["Value"] for r in rrset.get("ResourceRecords", [])]
    # An alias has no ResourceRecord: count it as one element, to stay on the safe side.
    records = max(1, len(values))
    return records * factor, sum(len(v) for v in values) * factor


def split_batches(changes, max_records=MAX_BATCH_RECORDS, max_chars=MAX_BATCH_CHARS):
    """Cut ``changes`` into as few ChangeBatches as AWS's limits allow, keeping their order.

    Raises ValueError when one change alone is over a limit (it can never be sent).
    """
    batches = []
    current, records, chars = [], 0, 0
    for change in changes:
        n_records, n_chars = change_weight(change)
        if n_records > max_records or n_chars > max_chars:
            rrset = change["ResourceRecordSet"]
            raise ValueError(
                f"{normalise_name(rrset['Name'])} {rrset['Type']} alone counts {n_records} records and {n_chars} "
                f"characters for a {change['Action']}, over AWS's limit of {max_records} records and {max_chars} "
                "characters per request: split its values over several names"
            )
        if current and (records + n_records > max_records or chars + n_chars > max_chars):
            batches.append(current)
            current, records, chars = [], 0, 0
        current.append(change)
        records += n_records
        chars += n_chars
    if current:
        batches.append(current)
    return batches


# ---------------------------------------------------------------------------
# API calls
# ---------------------------------------------------------------------------


def read_name(client, zone_id, name):
    """The record sets at exactly ``name`` in a zone (every type), and nothing else of the zone."""
    return _record_sets_at(client, zone_id, normalise_name(name), str(READ_PAGE))


@aws_retry()
def _record_sets_at(client, zone_id, wanted, page_size):
    """The ListResourceRecordSets paginator from ``wanted`` on, stopped at the first page that ends past it."""
    found = []
    pages = client.get_paginator("list_resource_record_sets").paginate(
        HostedZoneId=zone_id, StartRecordName=fqdn(wanted), MaxItems=page_size
    )
    for page in pages:
        found.extend(rrset for rrset in page.get("ResourceRecordSets", []) if normalise_name(rrset["Name"]) == wanted)
        if normalise_name(page.get("NextRecordName")) != wanted:
            break
    return found


@aws_retry()
def list_record_sets(client, zone_id, page_size):
    """Every record set of a zone, through the ListResourceRecordSets paginator, ``page_size`` a call."""
    pages = client.get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone_id, MaxItems=str(page_size))
    return [rrset for page in pages for rrset in page.get("ResourceRecordSets", [])]


def change_records(client, zone_id, changes):
    """Send one ChangeBatch; returns ``{"id", "status"}`` of the change."""
    response = client.change_resource_record_sets(
        aws_retry=True, HostedZoneId=zone_id, ChangeBatch={"Changes": changes}
    )
    info = response["ChangeInfo"]
    return {"id": bare_zone_id(info["Id"]), "status": info["Status"]}


def change_status(client, change_id):
    """``PENDING`` or ``INSYNC``."""
    return client.get_change(aws_retry=True, Id=change_id)["ChangeInfo"]["Status"]
