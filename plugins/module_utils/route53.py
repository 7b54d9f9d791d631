# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Route 53 record sets: plain functions over a boto3 ``route53`` client.

API functions take a client wrapped with ``common.aws_retry`` and explicit
arguments. The pure functions normalise names and values (trailing dot, case,
``dualstack.`` prefix, TXT quoting), validate records, pick hosted zones, turn
AWS record sets into the collection's snake_case state and split changes into
batches that fit AWS's limits. They make no call.
"""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.webops.https_rollout.plugins.module_utils.common import error_code
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_ref
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_refs_error

#: One ChangeResourceRecordSets request holds at most this many ResourceRecord elements...
MAX_BATCH_RECORDS = 1000
#: ...and at most this many characters over all its Value elements. An UPSERT counts twice towards both.
MAX_BATCH_CHARS = 32000
#: Record sets read per ListResourceRecordSets page when reading one name (all its types fit in one page).
READ_PAGE = 20
#: A TXT character-string holds at most 255 characters.
TXT_CHUNK = 255
#: TTL given to a new record when none is set.
DEFAULT_TTL = 300

RECORD_TYPES = ("A", "AAAA", "CAA", "CNAME", "DS", "MX", "NAPTR", "NS", "PTR", "SPF", "SRV", "TXT")
ALIAS_TYPES = ("A", "AAAA", "CNAME")
LOAD_BALANCER_ALIAS_TYPES = ("A", "AAAA")
# Types whose value (or whose last field) is a domain name: compared without case and trailing dot.
_HOST_VALUE_TYPES = ("CNAME", "NS", "PTR")
_HOST_LAST_FIELD_TYPES = ("MX", "SRV")
_TXT_TYPES = ("TXT", "SPF")

_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
_ZONE_ID = re.compile(r"^(?:/hostedzone/)?[A-Z0-9]+$")
_OCTAL_ESCAPE = re.compile(r"\\(\d{3})")
_DUALSTACK = "dualstack."


# ---------------------------------------------------------------------------
# Pure: names
# ---------------------------------------------------------------------------


def normalise_name(name):
    """A DNS name as compared here: lower case, no trailing dot, Route 53's octal escapes (``\\052``) decoded."""
    name = _OCTAL_ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), (name or "").strip())
    return name.rstrip(".").lower()


def fqdn(name):
    """The name as sent to Route 53: normalised, with the trailing dot."""
    return normalise_name(name) + "."


def name_error(name):
    """Why ``name`` is not a usable record name, or None."""
    norm = normalise_name(name)
    if not norm:
        return "is empty"
    if len(norm) > 253:
        return f"is {len(norm)} characters long; a DNS name has at most 253"
    labels = norm.split(".")
    for index, label in enumerate(labels):
        if label == "*" and index == 0:
            continue
        if not _LABEL.match(label):
            return (
                f"has an invalid label {label!r}: use 1 to 63 letters, digits, hyphens and underscores, "
                "and '*' only as the leftmost label"
            )
    return None


def in_zone(name, zone_name):
    """Whether the normalised ``name`` lies in the zone named ``zone_name`` (the apex included)."""
    name, zone_name = normalise_name(name), normalise_name(zone_name)
    return name == zone_name or name.endswith("." + zone_name)


def is_zone_id(value):
    """Whether ``zone`` is a hosted zone ID (``Z0123ABC`` or ``/hostedzone/Z0123ABC``) rather than a name."""
    return bool(_ZONE_ID.match(value or ""))


def bare_zone_id(zone_id):
    """``/hostedzone/Z0123ABC`` -> ``Z0123ABC``."""
    return (zone_id or "").rsplit("/", 1)[-1]


def normalise_alias_dns_name(dns_name):
    """An alias target as compared here: lower case, no trailing dot, without the ``dualstack.`` prefix.

    AWS stores an alias to a load balancer as ``dualstack.<dns name>``; both forms name the same target.
    """
    name = normalise_name(dns_name)
    if name.startswith(_DUALSTACK):
        name = name[len(_DUALSTACK):]
    return name


# ---------------------------------------------------------------------------
# Pure: values
# ---------------------------------------------------------------------------


def txt_strings(value):
    """The character-strings of a TXT value.

    A value starting with a double quote is read as Route 53 writes it: quoted strings separated by
    spaces, with ``\\"``, ``\\\\`` and octal ``\\ddd`` escapes. Any other value is one text, cut into
    strings of 255 characters. Raises ValueError on an unterminated quote or stray text.
    """
    text = value.strip()
    if not text.startswith('"'):
        return [text[i:i + TXT_CHUNK] for i in range(0, len(text), TXT_CHUNK)] or [""]
    strings = []
    pos = 0
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        if text[pos] != '"':
            raise ValueError(f"text outside quotes at position {pos}")
        pos += 1
        chunk = []
        while True:
            if pos >= len(text):
                raise ValueError("unterminated quoted string")
            char = text[pos]
            if char == '"':
                pos += 1
                break
            if char == "\\":
                octal = _OCTAL_ESCAPE.match(text, pos)
                if octal:
                    chunk.append(chr(int(octal.group(1), 8)))
                    pos += 4
                    continue
                if pos + 1 >= len(text):
                    raise ValueError("a backslash ends the value")
                chunk.append(text[pos + 1])
                pos += 2
                continue
            chunk.append(char)
            pos += 1
        strings.append("".join(chunk))
    return strings


def txt_value(value):
    """The canonical Route 53 form of a TXT value: each character-string quoted, escapes made explicit."""
    quoted = []
    for string in txt_strings(value):
        quoted.append('"' + string.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(quoted)


def normalise_value(rtype, value):
    """A record value as compared (and sent) here; raises ValueError when it does not fit ``rtype``."""
    value = str(value).strip()
    if rtype == "A":
        return str(ipaddress.IPv4Address(value))
    if rtype == "AAAA":
        return str(ipaddress.IPv6Address(value))
    if rtype in _TXT_TYPES:
        return txt_value(value)
    if rtype in _HOST_VALUE_TYPES:
        return normalise_name(value)
    fields = value.split()
    if rtype in _HOST_LAST_FIELD_TYPES and fields:
        fields[-1] = normalise_name(fields[-1])
    return " ".join(fields)


def normalise_values(rtype, values):
    """Sorted, de-duplicated normalised values (a record set is a set: order does not matter)."""
    return sorted({normalise_value(rtype, v) for v in values or []})


def value_error(rtype, value):
    """Why ``value`` does not fit a record of type ``rtype``, or None."""
    try:
        norm = normalise_value(rtype, value)
    except ValueError as exc:
        if rtype == "A":
            return "is not an IPv4 address"
        if rtype == "AAAA":
            return "is not an IPv6 address"
        return f"is not a valid {rtype} value ({exc})"
    if rtype in _TXT_TYPES:
        too_long = [s for s in txt_strings(value) if len(s) > TXT_CHUNK]
        if too_long:
            return f"has a quoted string of {len(too_long[0])} characters; each holds at most {TXT_CHUNK}"
    if rtype in _HOST_VALUE_TYPES and name_error(norm):
        return f"is not a domain name ({name_error(norm)})"
    fields = norm.split()
    if rtype == "MX" and (len(fields) != 2 or not fields[0].isdigit()):
        return "must be '<priority> <mail host>', for example '10 mail.example.com'"
    if rtype == "SRV" and (len(fields) != 4 or not all(f.isdigit() for f in fields[:3])):
        return "must be '<priority> <weight> <port> <target>', for example '10 5 443 web.example.com'"
    return None


# ---------------------------------------------------------------------------
# Pure: validation before any call
# ---------------------------------------------------------------------------


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


def zone_error(index, record, zone):
    """Why ``record`` cannot go into ``zone`` (a name outside it, a CNAME at its apex), or None."""
    name = normalise_name(record["name"])
    zone_name = normalise_name(zone["name"])
    if not in_zone(name, zone_name):
        return (
            f"records[{index}].name={name!r} is outside the hosted zone {zone_name} ({zone['id']}): "
            f"use a name ending in .{zone_name}, or another zone"
        )
    if record["type"] == "CNAME" and name == zone_name and not record.get("alias"):
        return (
            f"records[{index}] is a CNAME at the apex of zone {zone_name}: DNS allows no CNAME beside the zone's "
            "SOA and NS records. Use an alias A/AAAA record at the apex"
        )
    return None


# ---------------------------------------------------------------------------
# Pure: zones
# ---------------------------------------------------------------------------


def zone_summary(zone):
    """``{id, name, private}`` of a boto3 HostedZone."""
    return {
        "id": bare_zone_id(zone["Id"]),
        "name": normalise_name(zone["Name"]),
        "private": bool((zone.get("Config") or {}).get("PrivateZone")),
    }


def pick_zone(name, zones, private, vpc_zone_ids=None):
    """The most specific zone of ``zones`` (summaries) containing ``name``, or None.

    Only zones of the wanted kind (public or private) count; with ``vpc_zone_ids`` only those private
    zones. Raises ValueError when two zones of the same name are equally good (give ``vpc_id`` or ``zone``).
    """
    best = []
    best_len = -1
    for zone in zones:
        if zone["private"] != bool(private) or not in_zone(name, zone["name"]):
            continue
        if vpc_zone_ids is not None and zone["id"] not in vpc_zone_ids:
            continue
        length = len(zone["name"].split("."))
        if length > best_len:
            best, best_len = [zone], length
        elif length == best_len:
            best.append(zone)
    if len(best) > 1:
        ids = ", ".join(sorted(z["id"] for z in best))
        kind = "private" if private else "public"
        raise ValueError(
            f"several {kind} hosted zones named {best[0]['name']} contain {normalise_name(name)} ({ids}): "
            "give zone as an ID" + (", or vpc_id" if private else "")
        )
    return best[0] if best else None


# ---------------------------------------------------------------------------
# Pure: state, comparison and change batches
# ---------------------------------------------------------------------------


def alias_state(alias_target):
    """snake_case state of a boto3 AliasTarget."""
    return {
        "dns_name": normalise_alias_dns_name(alias_target["DNSName"]),
        "hosted_zone_id": alias_target["HostedZoneId"],
        "evaluate_target_health": bool(alias_target.get("EvaluateTargetHealth")),
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
            alias_out = {"dns_name": send_dns, "hosted_zone_id": target["hosted_zone_id"], "evaluate_target_health": evaluate}
        elif record["alias"].get("load_balancer"):
            send_dns = target["dns_name"].rstrip(".").lower()
            # AWS's own form for an Application Load Balancer alias: dualstack.<dns name>.
            if target.get("type") == "application" and not send_dns.startswith(_DUALSTACK):
                send_dns = _DUALSTACK + send_dns
            alias_out = None
        else:
            send_dns = normalise_name(target["dns_name"])
            alias_out = None
        rrset["AliasTarget"] = {"HostedZoneId": target["hosted_zone_id"], "DNSName": send_dns, "EvaluateTargetHealth": evaluate}
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


def list_zones(client):
    """Summaries of every hosted zone of the account (one call per 100 zones)."""
    zones = []
    kwargs = {}
    while True:
        page = client.list_hosted_zones(aws_retry=True, **kwargs)
        zones.extend(zone_summary(z) for z in page.get("HostedZones", []))
        if not page.get("IsTruncated"):
            return zones
        kwargs["Marker"] = page["NextMarker"]


def zones_named(client, name):
    """Summaries of the hosted zones called ``name`` (public and private), read by name only."""
    wanted = normalise_name(name)
    zones = []
    kwargs = {"DNSName": fqdn(wanted), "MaxItems": "10"}
    while True:
        page = client.list_hosted_zones_by_name(aws_retry=True, **kwargs)
        for zone in page.get("HostedZones", []):
            summary = zone_summary(zone)
            if summary["name"] != wanted:
                return zones
            zones.append(summary)
        if not page.get("IsTruncated"):
            return zones
        kwargs = {"DNSName": page["NextDNSName"], "HostedZoneId": page["NextHostedZoneId"], "MaxItems": "10"}


def get_zone(client, zone_id):
    """``(summary, vpc_ids)`` of a hosted zone by ID, or ``(None, [])`` when there is none."""
    try:
        response = client.get_hosted_zone(aws_retry=True, Id=bare_zone_id(zone_id))
    except Exception as exc:  # pylint: disable=broad-except
        if error_code(exc) == "NoSuchHostedZone":
            return None, []
        raise
    return zone_summary(response["HostedZone"]), [v["VPCId"] for v in response.get("VPCs", [])]


def zone_ids_of_vpc(client, vpc_id, region):
    """IDs of the private hosted zones associated with a VPC."""
    ids = set()
    kwargs = {"VPCId": vpc_id, "VPCRegion": region}
    while True:
        page = client.list_hosted_zones_by_vpc(aws_retry=True, **kwargs)
        ids.update(bare_zone_id(z["HostedZoneId"]) for z in page.get("HostedZoneSummaries", []))
        if not page.get("NextToken"):
            return ids
        kwargs["NextToken"] = page["NextToken"]


def read_name(client, zone_id, name):
    """The record sets at exactly ``name`` in a zone (every type), and nothing else of the zone."""
    wanted = normalise_name(name)
    found = []
    kwargs = {"HostedZoneId": zone_id, "StartRecordName": fqdn(wanted), "MaxItems": str(READ_PAGE)}
    while True:
        page = client.list_resource_record_sets(aws_retry=True, **kwargs)
        for rrset in page.get("ResourceRecordSets", []):
            if normalise_name(rrset["Name"]) == wanted:
                found.append(rrset)
        more = page.get("IsTruncated") and normalise_name(page.get("NextRecordName")) == wanted
        if not more:
            return found
        kwargs.update(StartRecordName=page["NextRecordName"], StartRecordType=page["NextRecordType"])
        if page.get("NextRecordIdentifier"):
            kwargs["StartRecordIdentifier"] = page["NextRecordIdentifier"]


def change_records(client, zone_id, changes):
    """Send one ChangeBatch; returns ``{"id", "status"}`` of the change."""
    response = client.change_resource_record_sets(aws_retry=True, HostedZoneId=zone_id, ChangeBatch={"Changes": changes})
    info = response["ChangeInfo"]
    return {"id": bare_zone_id(info["Id"]), "status": info["Status"]}


def change_status(client, change_id):
    """``PENDING`` or ``INSYNC``."""
    return client.get_change(aws_retry=True, Id=change_id)["ChangeInfo"]["Status"]


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
            chunk = batch_refs[start:start + 20]
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
