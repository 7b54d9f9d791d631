"""The sandbox DNS server: answers authoritatively from the Route 53 hosted zones in moto's backend.

It runs in the launcher's process (dnslib's UDP and TCP servers, each a thread) on 127.0.0.1, so it reads the zones
as moto holds them at the moment of the query: plain records, CNAMEs (followed inside the sandbox's zones) and alias
A/AAAA records, which point at the sandbox edge (127.0.0.1 and ::1). Names outside every zone are REFUSED.
"""

from __future__ import annotations

from dnslib import QTYPE, RCODE, RR
from dnslib.server import BaseResolver, DNSServer
from moto.core import DEFAULT_ACCOUNT_ID
from moto.route53.models import route53_backends

EDGE_ADDRESSES = {"A": "127.0.0.1", "AAAA": "::1"}
MAX_CNAME_CHAIN = 8


def _norm(name: str) -> str:
    name = str(name).lower()
    return name if name.endswith(".") else name + "."


def zones() -> list:
    """Every hosted zone of the default account (moto's route53 backend is global)."""
    backend = route53_backends[DEFAULT_ACCOUNT_ID]["aws"]
    return list(backend.zones.values())


def zone_for(name: str, found: list):
    """The most specific zone that contains ``name``, or None."""
    best = None
    for zone in found:
        origin = _norm(zone.name)
        if (name == origin or name.endswith("." + origin)) and (best is None or len(origin) > len(_norm(best.name))):
            best = zone
    return best


def records_at(zone, name: str) -> list:
    """The record sets of a zone at a name (moto keeps names as given; compare normalised)."""
    return [rrset for rrset in list(zone.rrsets) if _norm(rrset.name) == name]


def lookup(qname: str, qtype: str) -> tuple[str, list[tuple[str, str, int, str]]]:
    """``(rcode, [(name, type, ttl, value)])`` for a question, following CNAMEs inside the sandbox's zones."""
    found = zones()
    name = _norm(qname)
    answers: list[tuple[str, str, int, str]] = []
    for _hop in range(MAX_CNAME_CHAIN):
        zone = zone_for(name, found)
        if zone is None:
            return ("NOERROR" if answers else "REFUSED"), answers
        rrsets = records_at(zone, name)
        if not rrsets:
            return ("NOERROR" if answers else "NXDOMAIN"), answers
        matching = [r for r in rrsets if r.type == qtype]
        if matching:
            for rrset in matching:
                ttl = int(rrset.ttl or 60)
                if rrset.alias_target:
                    if qtype in EDGE_ADDRESSES:
                        answers.append((name, qtype, 60, EDGE_ADDRESSES[qtype]))
                    continue
                for value in rrset.records:
                    answers.append((name, qtype, ttl, value))
            return "NOERROR", answers
        cname = [r for r in rrsets if r.type == "CNAME" and r.records]
        if not cname or qtype == "CNAME":
            return "NOERROR", answers
        target = cname[0].records[0]
        answers.append((name, "CNAME", int(cname[0].ttl or 60), target))
        name = _norm(target)
    return "SERVFAIL", answers


class ZoneResolver(BaseResolver):
    """dnslib resolver over moto's Route 53 zones."""

    def resolve(self, request, handler):  # noqa: D102
        reply = request.reply()
        question = request.q
        qtype = QTYPE[question.qtype]
        try:
            rcode, answers = lookup(str(question.qname), qtype)
        except Exception:  # pylint: disable=broad-except
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        reply.header.aa = 1 if rcode != "REFUSED" else 0
        reply.header.rcode = getattr(RCODE, rcode)
        for name, rtype, ttl, value in answers:
            text = value if rtype not in ("CNAME", "NS", "PTR") or value.endswith(".") else value + "."
            for record in RR.fromZone(f"{name} {ttl} IN {rtype} {text}"):
                reply.add_answer(record)
        return reply


class QuietLogger:  # pylint: disable=too-few-public-methods
    """dnslib logs every query to stdout by default; the sandbox logs nothing but errors."""

    def __getattr__(self, name):
        if name == "log_error":
            return lambda handler, exc: print(f"dns: error from {handler.client_address}: {exc}", flush=True)
        return lambda *args, **kwargs: None


def start(port: int, host: str = "127.0.0.1") -> list:
    """Start the UDP and TCP servers (daemon threads); return them."""
    servers = []
    for tcp in (False, True):
        server = DNSServer(ZoneResolver(), port=port, address=host, tcp=tcp, logger=QuietLogger())
        server.start_thread()
        servers.append(server)
    return servers
