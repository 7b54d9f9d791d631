# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Whether a certificate name covers a host name: the one matcher of the collection (acm and https use it).

The rules of a TLS client's name check (RFC 6125, section 6.4): a wildcard is the whole leftmost label and
stands for exactly one label. Pure functions: no call, no import beyond the standard library.
"""

from __future__ import annotations

import ipaddress


def _normalise(name):
    return (name or "").strip().lower().rstrip(".")


def name_matches(host, pattern):
    """Whether the certificate name ``pattern`` covers ``host``.

    A wildcard stands for exactly one whole leftmost label (``*.example.com`` covers ``www.example.com``,
    not ``example.com`` nor ``a.b.example.com``) and needs at least two labels after it. Case, surrounding
    blanks and a trailing dot do not matter. IP addresses match only themselves.
    """
    host = _normalise(host)
    pattern = _normalise(pattern)
    try:
        return ipaddress.ip_address(host) == ipaddress.ip_address(pattern)
    except ValueError:
        pass
    if not pattern.startswith("*."):
        return "*" not in pattern and host == pattern
    base = pattern[2:]
    if "*" in base or base.count(".") < 1:
        return False
    first, _dot, rest = host.partition(".")
    return bool(first) and rest == base


def host_covered(host, names):
    """Whether any of the certificate's ``names`` covers ``host``."""
    return any(name_matches(host, name) for name in names)
