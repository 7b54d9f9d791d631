# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""URLs and redirects of the HTTPS probe: the URL and ``resolve`` options, and whether an ``http://``
answer is the permanent redirect to HTTPS on the same host it must be. Pure functions.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urljoin
from urllib.parse import urlsplit

# ---------------------------------------------------------------------------
# Pure: options
# ---------------------------------------------------------------------------

PERMANENT_REDIRECTS = (301, 308)


REDIRECTS = (301, 302, 303, 307, 308)


DEFAULT_PORTS = {"http": 80, "https": 443}


def parse_url(url):
    """``(scheme, host, port, path)`` of an http(s) URL; raises ValueError naming the problem."""
    parts = urlsplit(url or "")
    if parts.scheme not in DEFAULT_PORTS:
        raise ValueError(f"url={url!r} must start with http:// or https://")
    if not parts.hostname:
        raise ValueError(f"url={url!r} has no host")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError as exc:
        raise ValueError(f"url={url!r} has an invalid port") from exc
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, parts.hostname.lower().rstrip("."), port, path


def parse_resolve(entries):
    """``{(host, port): address}`` from curl-style ``host:port:address`` entries; raises ValueError."""
    mapping = {}
    for entry in entries or []:
        parts = str(entry).split(":", 2)
        if len(parts) != 3 or not all(parts):
            raise ValueError(
                f"resolve entry {entry!r} must be host:port:address, for example shop.example.com:443:192.0.2.10"
            )
        host, port, address = parts
        if not port.isdigit() or not 1 <= int(port) <= 65535:
            raise ValueError(f"resolve entry {entry!r}: {port!r} is not a port from 1 to 65535")
        address = address.strip("[]")
        try:
            ipaddress.ip_address(address)
        except ValueError as exc:
            raise ValueError(f"resolve entry {entry!r}: {address!r} is not an IP address") from exc
        mapping[(host.lower().rstrip("."), int(port))] = address
    return mapping


# ---------------------------------------------------------------------------
# Pure: redirects
# ---------------------------------------------------------------------------


def redirect_problem(from_url, status, location):
    """Why an answer on an ``http://`` URL is not the redirect to HTTPS it must be, or None.

    It must be 301 or 308, to ``https://`` on the same host.
    """
    scheme, host, _port, _path = parse_url(from_url)
    if scheme != "http":
        return None
    if status not in REDIRECTS:
        return f"no redirect: {from_url} answered {status}; it must answer 301 or 308 to https://{host}/"
    if not location:
        return f"no redirect: {from_url} answered {status} without a Location header"
    target = urljoin(from_url, location)
    try:
        t_scheme, t_host, _t_port, _t_path = parse_url(target)
    except ValueError:
        return f"{from_url} redirects to {location!r}, which is not an http(s) URL"
    if t_scheme != "https":
        return f"{from_url} redirects to {target}: it must redirect to https://{host}/"
    if t_host != host:
        return f"{from_url} redirects to another host ({target}): it must redirect to https://{host}/ on the same host"
    if status not in PERMANENT_REDIRECTS:
        return f"{from_url} answered {status}, a temporary redirect: use 301 or 308 so clients remember HTTPS"
    return None
