# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Security group rules: validation, normalisation and comparison, without any AWS call.

A rule is compared as a set of *atoms*, one per source: ``(protocol, from_port, to_port, kind, source)`` where kind
is ``cidr_ip``, ``cidr_ipv6``, ``group_id`` or ``prefix_list_id``. The description of an atom is not part of its
identity: a changed description is updated in place, not revoked and authorised again.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted

#: IANA protocol numbers AWS may report instead of the names.
PROTOCOL_NAMES = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "-1": "all", "all": "all"}
#: What AWS calls each protocol in a request.
PROTOCOL_REQUEST = {"tcp": "tcp", "udp": "udp", "icmp": "icmp", "icmpv6": "icmpv6", "all": "-1"}
PROTOCOLS = ("tcp", "udp", "icmp", "icmpv6", "all")

#: Rule sources: the key in our rules, the boto3 list and item key, and the snake_case item key.
SOURCES = (
    ("cidr_ip", "IpRanges", "CidrIp"),
    ("cidr_ipv6", "Ipv6Ranges", "CidrIpv6"),
    ("group_id", "UserIdGroupPairs", "GroupId"),
    ("prefix_list_id", "PrefixListIds", "PrefixListId"),
)
SNAKE_LISTS = {"cidr_ip": "ip_ranges", "cidr_ipv6": "ipv6_ranges", "group_id": "user_id_group_pairs",
               "prefix_list_id": "prefix_list_ids"}


def protocol_name(value):
    """``tcp``/``udp``/``icmp``/``icmpv6``/``all`` for a protocol as AWS or a user writes it."""
    text = str(value).lower()
    return PROTOCOL_NAMES.get(text, text)


def _as_list(value):
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def network_error(option, value, version):
    """Why ``value`` is not an IPv4 (``version`` 4) or IPv6 network with its prefix length, naming ``option``; or None."""
    family = "IPv4" if version == 4 else "IPv6"
    example = "203.0.113.0/24" if version == 4 else "2001:db8::/32"
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError:
        return f"{option}: {value!r} is not an {family} network with its prefix length (like {example})."
    if network.version != version or "/" not in value:
        return f"{option}: {value!r} is not an {family} network with its prefix length (like {example})."
    return None


def validate_rules(rules, option="rules"):
    """The first problem with the ``rules`` a user gave, naming the option and the fix, or None."""
    for index, rule in enumerate(rules or []):
        where = f"{option}[{index}]"
        proto = protocol_name(rule.get("proto") or "tcp")
        if proto not in PROTOCOLS:
            return f"{where}.proto: {rule.get('proto')!r} is not one of {', '.join(PROTOCOLS)}."
        if proto in ("tcp", "udp"):
            from_port, to_port = rule.get("from_port"), rule.get("to_port")
            if from_port is None:
                return f"{where}.from_port: a {proto} rule needs a port from 1 to 65535 (to_port defaults to it)."
            to_port = from_port if to_port is None else to_port
            if not (1 <= int(from_port) <= int(to_port) <= 65535):
                return (f"{where}: ports {from_port}-{to_port} are refused; from_port and to_port are ports from 1 to "
                        "65535, from_port not above to_port.")
        sources = [kind for kind, _list, _key in SOURCES if _as_list(rule.get(kind))]
        if not sources:
            return f"{where}: give at least one source: cidr_ip, cidr_ipv6, group_id or prefix_list_id."
        for value in _as_list(rule.get("cidr_ip")):
            problem = network_error(f"{where}.cidr_ip", value, 4)
            if problem:
                return problem
        for value in _as_list(rule.get("cidr_ipv6")):
            problem = network_error(f"{where}.cidr_ipv6", value, 6)
            if problem:
                return problem
        for value in _as_list(rule.get("group_id")):
            if not (is_predicted(value) or str(value).startswith("sg-")):
                return f"{where}.group_id: {value!r} is not a security group ID (sg-...)."
    return None


def desired_atoms(rules):
    """``{atom: description}`` of the rules a user gave (validated by :func:`validate_rules`)."""
    atoms = {}
    for rule in rules or []:
        proto = protocol_name(rule.get("proto") or "tcp")
        if proto in ("tcp", "udp"):
            from_port = int(rule["from_port"])
            to_port = int(rule["to_port"]) if rule.get("to_port") is not None else from_port
        elif proto == "all":
            from_port = to_port = None
        else:
            from_port = int(rule["from_port"]) if rule.get("from_port") is not None else -1
            to_port = int(rule["to_port"]) if rule.get("to_port") is not None else -1
        for kind, _list, _key in SOURCES:
            for source in _as_list(rule.get(kind)):
                if kind in ("cidr_ip", "cidr_ipv6"):
                    source = str(ipaddress.ip_network(source, strict=False))
                atoms[(proto, from_port, to_port, kind, source)] = rule.get("description") or None
    return atoms


def permission_atoms(permissions):
    """``{atom: description}`` of boto3 ``IpPermissions``."""
    atoms = {}
    for perm in permissions or []:
        proto = protocol_name(perm.get("IpProtocol"))
        if proto == "all":
            from_port = to_port = None
        else:
            from_port, to_port = perm.get("FromPort"), perm.get("ToPort")
        for kind, list_key, item_key in SOURCES:
            for item in perm.get(list_key, []) or []:
                source = item.get(item_key)
                if kind in ("cidr_ip", "cidr_ipv6"):
                    source = str(ipaddress.ip_network(source, strict=False))
                atoms[(proto, from_port, to_port, kind, source)] = item.get("Description") or None
    return atoms


def atom_changes(current, desired, purge):
    """``(to_authorize, to_revoke, to_describe)``: atoms ``{atom: description}`` to add, to remove (only with
    ``purge``) and whose description changes."""
    to_authorize = {atom: desc for atom, desc in desired.items() if atom not in current}
    to_revoke = {atom: desc for atom, desc in current.items() if purge and atom not in desired}
    to_describe = {atom: desc for atom, desc in desired.items() if atom in current and current[atom] != desc}
    return to_authorize, to_revoke, to_describe


def ip_permissions(atoms):
    """boto3 ``IpPermissions`` for ``{atom: description}``, one permission per protocol and port range."""
    grouped = {}
    for (proto, from_port, to_port, kind, source), desc in sorted(atoms.items(), key=lambda item: sort_key(item[0])):
        perm = grouped.setdefault((proto, from_port, to_port), {"IpProtocol": PROTOCOL_REQUEST[proto]})
        if from_port is not None:
            perm["FromPort"], perm["ToPort"] = from_port, to_port
        _kind, list_key, item_key = next(s for s in SOURCES if s[0] == kind)
        item = {item_key: source}
        if desc:
            item["Description"] = desc
        perm.setdefault(list_key, []).append(item)
    return list(grouped.values())


def sort_key(atom):
    proto, from_port, to_port, kind, source = atom
    return (proto, -2 if from_port is None else from_port, -2 if to_port is None else to_port, kind, source)


def rules_state(atoms):
    """Our flat snake_case rules (one per source), sorted: what the module returns as ``rules``."""
    rules = []
    for atom in sorted(atoms, key=sort_key):
        proto, from_port, to_port, kind, source = atom
        rules.append({"proto": proto, "from_port": from_port, "to_port": to_port, kind: source,
                      "description": atoms[atom]})
    return rules


def describe_atom(atom):
    """``tcp 80 from 0.0.0.0/0``: an atom as a person reads it."""
    proto, from_port, to_port, _kind, source = atom
    if proto == "all":
        ports = "all ports"
    elif from_port == to_port:
        ports = str(from_port)
    else:
        ports = f"{from_port}-{to_port}"
    return f"{proto} {ports} from {source}"


def reaches_port(atom, port):
    """Whether the atom opens TCP ``port`` (an ``all`` rule opens every port)."""
    proto, from_port, to_port, _kind, _source = atom
    return proto == "all" or (proto == "tcp" and from_port <= port <= to_port)


def port_intruders(atoms, port, allowed_group_ids=()):
    """Readable atoms that open TCP ``port`` to anything but the ``allowed_group_ids`` (0.0.0.0/0, ::/0, other
    groups, prefix lists): inbound_rules' check that only the load balancer reaches the app port."""
    allowed = set(allowed_group_ids)
    return [describe_atom(atom) for atom in sorted(atoms, key=sort_key)
            if reaches_port(atom, port) and not (atom[3] == "group_id" and atom[4] in allowed)]
