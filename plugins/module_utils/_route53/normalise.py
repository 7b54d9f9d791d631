# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Route 53 names and values as compared (and sent) here: trailing dot, case, ``dualstack.`` prefix, octal
escapes, TXT quoting, IP address forms. Pure functions: they make no call.
"""

from __future__ import annotations

import ipaddress
import re

# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
_OCTAL_ESCAPE = re.compile(r"\\(\d{3})")
DUALSTACK_PREFIX = "dualstack."


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


def normalise_alias_dns_name(dns_name):
    """An alias target as compared here: lower case, no trailing dot, without the ``dualstack.`` prefix.

    AWS stores an alias to a load balancer as ``dualstack.<dns name>``; both forms name the same target.
    """
    name = normalise_name(dns_name)
    if name.startswith(DUALSTACK_PREFIX):
        name = name[len(DUALSTACK_PREFIX) :]
    return name


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------

#: A TXT character-string holds at most 255 characters.
TXT_CHUNK = 255
# Types whose value (or whose last field) is a domain name: compared without case and trailing dot.
_HOST_VALUE_TYPES = ("CNAME", "NS", "PTR")
_HOST_LAST_FIELD_TYPES = ("MX", "SRV")
_TXT_TYPES = ("TXT", "SPF")


def txt_strings(value):
    """The character-strings of a TXT value.

    A value starting with a double quote is read as Route 53 writes it: quoted strings separated by
    spaces, with ``\\"``, ``\\\\`` and octal ``\\ddd`` escapes. Any other value is one text, cut into
    strings of 255 characters. Raises ValueError on an unterminated quote or stray text.
    """
    text = value.strip()
    if not text.startswith('"'):
        return [text[i : i + TXT_CHUNK] for i in range(0, len(text), TXT_CHUNK)] or [""]
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
