"""Count the AWS API calls in a moto recording, per service, action and test phase.

moto (``MOTO_ENABLE_RECORDING=True``) appends one JSON document per request it serves:
``{"headers", "method", "url", "body", "body_encoded"}``. This module names each
request (service, action), tells read calls from mutating ones, and splits the
recording into the phases that integration targets mark with ``api_calls_mark``.

Run it on a recording to print a table::

    python tests/harness/api_calls.py RECORDING [--phases PHASE_LOG]
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

# Requests to moto's own API (reset, dashboard, seeding helpers) are not AWS calls.
MOTO_API = "moto-api"
UNKNOWN = "unknown"

READ_PREFIXES = ("Describe", "List", "Get", "BatchGet", "Lookup", "Search")

# Requests signed with this access key come from an observer, not from the code under test: the sandbox edge
# reads the load balancers this way. They are counted apart (``observer``), like moto's own API.
OBSERVER_ACCESS_KEY = "SANDBOXEDGEREADER"
_ACCESS_KEY = re.compile(r"Credential=([^/,\s]+)/")

# Phases whose names start with one of these must make no mutating call.
READ_ONLY_PHASE_PREFIXES = ("check", "idempotent")
SETUP_PHASE = "setup"

_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/,\s]+/([^/,\s]+)/aws4_request")

# Route 53 is a REST service: (method, path pattern below /2013-04-01/) -> action.
_ROUTE53_ROUTES = [
    (method, re.compile(f"^{pattern}$"), action)
    for method, pattern, action in (
        ("GET", r"hostedzone", "ListHostedZones"),
        ("POST", r"hostedzone", "CreateHostedZone"),
        ("GET", r"hostedzonesbyname", "ListHostedZonesByName"),
        ("GET", r"hostedzonesbyvpc", "ListHostedZonesByVPC"),
        ("GET", r"hostedzonecount", "GetHostedZoneCount"),
        ("GET", r"hostedzone/[^/]+", "GetHostedZone"),
        ("POST", r"hostedzone/[^/]+", "UpdateHostedZoneComment"),
        ("DELETE", r"hostedzone/[^/]+", "DeleteHostedZone"),
        ("GET", r"hostedzone/[^/]+/rrset", "ListResourceRecordSets"),
        ("POST", r"hostedzone/[^/]+/rrset", "ChangeResourceRecordSets"),
        ("POST", r"hostedzone/[^/]+/associatevpc", "AssociateVPCWithHostedZone"),
        ("POST", r"hostedzone/[^/]+/disassociatevpc", "DisassociateVPCFromHostedZone"),
        ("GET", r"hostedzone/[^/]+/dnssec", "GetDNSSEC"),
        ("GET", r"change/[^/]+", "GetChange"),
        ("GET", r"tags/[^/]+/[^/]+", "ListTagsForResource"),
        ("POST", r"tags/[^/]+/[^/]+", "ChangeTagsForResource"),
        ("POST", r"tags/[^/]+", "ListTagsForResources"),
        ("GET", r"healthcheck", "ListHealthChecks"),
        ("POST", r"healthcheck", "CreateHealthCheck"),
        ("GET", r"healthcheck/[^/]+", "GetHealthCheck"),
        ("POST", r"healthcheck/[^/]+", "UpdateHealthCheck"),
        ("DELETE", r"healthcheck/[^/]+", "DeleteHealthCheck"),
        ("GET", r"healthcheck/[^/]+/status", "GetHealthCheckStatus"),
        ("GET", r"delegationset", "ListReusableDelegationSets"),
        ("POST", r"delegationset", "CreateReusableDelegationSet"),
        ("GET", r"delegationset/[^/]+", "GetReusableDelegationSet"),
        ("DELETE", r"delegationset/[^/]+", "DeleteReusableDelegationSet"),
        ("GET", r"queryloggingconfig", "ListQueryLoggingConfigs"),
        ("POST", r"queryloggingconfig", "CreateQueryLoggingConfig"),
        ("GET", r"queryloggingconfig/[^/]+", "GetQueryLoggingConfig"),
        ("DELETE", r"queryloggingconfig/[^/]+", "DeleteQueryLoggingConfig"),
    )
]


def _header(entry: dict, name: str) -> str:
    """Return a request header, looked up case-insensitively ('' if absent)."""
    wanted = name.lower()
    for key, value in (entry.get("headers") or {}).items():
        if key.lower() == wanted:
            return str(value)
    return ""


def _body_text(entry: dict) -> str:
    """Return the request body as text, decoding moto's base64 form when needed."""
    body = entry.get("body") or ""
    if entry.get("body_encoded"):
        try:
            return base64.b64decode(body).decode("utf-8", errors="replace")
        except (binascii.Error, ValueError):
            return ""
    return body if isinstance(body, str) else ""


def _service(entry: dict, path: str) -> str:
    """Return the SigV4 signing service of a request, from its header or presigned query."""
    match = _CREDENTIAL_SCOPE.search(_header(entry, "Authorization"))
    if not match:
        query = parse_qs(urlsplit(entry.get("url", "")).query).get("X-Amz-Credential", [""])[0]
        match = _CREDENTIAL_SCOPE.search(f"Credential={query}")
    if match:
        return match.group(1)
    return MOTO_API if path.startswith("/moto-api") else UNKNOWN


def is_observer(entry: dict) -> bool:
    """Whether a recorded request was signed with the observers' access key (the sandbox edge)."""
    match = _ACCESS_KEY.search(_header(entry, "Authorization"))
    return bool(match) and match.group(1) == OBSERVER_ACCESS_KEY


def _rest_action(method: str, path: str) -> str | None:
    """Return the Route 53 action for a REST request, or None when it is not one."""
    match = re.match(r"^/\d{4}-\d{2}-\d{2}/(.*?)/*$", path)
    if not match:
        return None
    for route_method, pattern, action in _ROUTE53_ROUTES:
        if route_method == method and pattern.match(match.group(1)):
            return action
    return None


def classify(entry: dict) -> tuple[str, str]:
    """Return ``(service, action)`` for one recorded request.

    The service comes from the SigV4 credential scope. The action comes from the
    ``X-Amz-Target`` header (JSON protocol), the ``Action`` form field or query
    parameter (query protocol), the Smithy RPC path, or the Route 53 REST route.
    Anything else is named ``"<METHOD> <path>"``.
    """
    method = str(entry.get("method", "GET")).upper()
    parts = urlsplit(entry.get("url", ""))
    path = parts.path or "/"
    service = _service(entry, path)

    target = _header(entry, "X-Amz-Target")
    if target:
        return service, target.rsplit(".", 1)[-1]
    for source in (parts.query, _body_text(entry)):
        action = parse_qs(source).get("Action")
        if action:
            return service, action[0]
    smithy = re.match(r"^/service/[^/]+/operation/([^/]+)$", path)
    if smithy:
        return service, smithy.group(1)
    return service, _rest_action(method, path) or f"{method} {path}"


def is_mutating(action: str) -> bool:
    """Tell whether an action changes state: anything but Describe*/List*/Get*/... reads."""
    if action.startswith(("GET ", "HEAD ")):
        return False
    return not action.startswith(READ_PREFIXES)


@dataclass
class CallCounts:
    """API calls counted per (service, action), with read and mutating totals.

    Calls to moto's own API are kept apart in ``internal``, and the reads of observers such as the sandbox
    edge in ``observer``; they count as neither.
    """

    actions: Counter = field(default_factory=Counter)
    internal: int = 0
    observer: int = 0

    @property
    def read(self) -> int:
        """Number of read calls."""
        return self.total - self.mutating

    @property
    def mutating(self) -> int:
        """Number of mutating calls."""
        return sum(n for key, n in self.actions.items() if is_mutating(key[1]))

    @property
    def total(self) -> int:
        """Number of AWS calls (read plus mutating)."""
        return sum(self.actions.values())

    def mutating_actions(self) -> dict[str, int]:
        """Return ``{"service:Action": count}`` for the mutating calls."""
        return {f"{svc}:{act}": n for (svc, act), n in sorted(self.actions.items()) if is_mutating(act)}

    def top(self, limit: int = 3) -> list[tuple[str, int]]:
        """Return the most frequent actions as ``("service:Action", count)``."""
        ranked = sorted(self.actions.items(), key=lambda item: (-item[1], item[0]))
        return [(f"{svc}:{act}", n) for (svc, act), n in ranked[:limit]]

    def to_dict(self) -> dict:
        """Return a JSON-ready summary."""
        return {
            "read": self.read,
            "mutating": self.mutating,
            "internal": self.internal,
            "observer": self.observer,
            "actions": {f"{svc}:{act}": n for (svc, act), n in sorted(self.actions.items())},
        }


def count_calls(entries) -> CallCounts:
    """Count recorded requests (dicts) per service and action."""
    counts = CallCounts()
    for entry in entries:
        service, action = classify(entry)
        if service == MOTO_API:
            counts.internal += 1
        elif is_observer(entry):
            counts.observer += 1
        else:
            counts.actions[(service, action)] += 1
    return counts


def parse_lines(lines) -> list[dict]:
    """Parse JSON lines, skipping blank ones."""
    return [json.loads(line) for line in lines if line.strip()]


@dataclass
class Phase:
    """A slice ``[start, end)`` of the recording, between two phase markers."""

    name: str
    start: int
    end: int
    entries: list[dict]
    counts: CallCounts
    seconds: float | None = None  # wall time from this marker to the next; None for the last phase

    @property
    def read_only(self) -> bool:
        """Whether the naming convention forbids mutating calls in this phase."""
        return self.name.startswith(READ_ONLY_PHASE_PREFIXES)

    def to_dict(self) -> dict:
        """Return a JSON-ready summary."""
        return {"phase": self.name, "start": self.start, "end": self.end, "seconds": self.seconds, **self.counts.to_dict()}


def split_phases(recording_lines, markers) -> list[Phase]:
    """Split the recording at the markers' offsets, in marker order.

    ``markers`` are ``{"phase": NAME, "offset": N}`` dicts: the phase starts at
    recording line N and runs to the next marker (or the end). Calls before the
    first marker form the ``setup`` phase, which is left out when empty.
    """
    lines = [line for line in recording_lines if line.strip()]
    bounds = [(SETUP_PHASE, 0, None)] + [(str(m["phase"]), int(m["offset"]), m.get("time")) for m in markers]
    phases = []
    for index, (name, start, started) in enumerate(bounds):
        following = bounds[index + 1] if index + 1 < len(bounds) else None
        end = following[1] if following else len(lines)
        if end < start or start > len(lines):
            raise ValueError(f"phase marker {name!r} at offset {start} is out of order or past the recording end")
        if index == 0 and start == end:
            continue
        seconds = round(following[2] - started, 2) if following and None not in (started, following[2]) else None
        entries = parse_lines(lines[start:end])
        phases.append(Phase(name, start, end, entries, count_calls(entries), seconds))
    return phases


def read_only_violations(phases) -> list[str]:
    """Return one message per check*/idempotent* phase that made mutating calls."""
    return [
        f"phase {phase.name!r} made {phase.counts.mutating} mutating call(s): "
        + ", ".join(f"{action} x{n}" for action, n in phase.counts.mutating_actions().items())
        for phase in phases
        if phase.read_only and phase.counts.mutating
    ]


def format_table(phases, top: int = 3) -> str:
    """Render phases as a text table: phase | read | mutating | seconds | top actions."""
    rows = [("phase", "read", "mutating", "seconds", "top actions")]
    for phase in phases:
        tops = ", ".join(f"{action} x{n}" for action, n in phase.counts.top(top)) or "-"
        seconds = "-" if phase.seconds is None else f"{phase.seconds:.2f}"
        rows.append((phase.name, str(phase.counts.read), str(phase.counts.mutating), seconds, tops))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    out = []
    for number, row in enumerate(rows):
        out.append(" | ".join([f"{row[0]:<{widths[0]}}"] + [f"{row[i]:>{widths[i]}}" for i in (1, 2, 3)] + [row[4]]))
        if number == 0:
            out.append("-+-".join("-" * w for w in widths) + "-+-" + "-" * 11)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Print the per-phase call table of a recording."""
    parser = argparse.ArgumentParser(description="Count AWS API calls in a moto recording.")
    parser.add_argument("recording", type=Path, help="moto recording (JSON lines)")
    parser.add_argument("--phases", type=Path, help="phase log written by api_calls_mark (JSON lines)")
    args = parser.parse_args(argv)
    lines = args.recording.read_text(encoding="utf-8").splitlines()
    markers = parse_lines(args.phases.read_text(encoding="utf-8").splitlines()) if args.phases else []
    phases = split_phases(lines, markers)
    print(format_table(phases))
    violations = read_only_violations(phases)
    for message in violations:
        print(message)
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
