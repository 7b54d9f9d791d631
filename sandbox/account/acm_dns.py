"""ACM DNS validation for real.

A requested (AMAZON_ISSUED) certificate stays PENDING_VALIDATION until every domain's validation CNAME, with the name
and value the certificate asks for, resolves through the sandbox DNS server. It turns ISSUED ``acm_issue_delay``
seconds after that was first seen, and VALIDATION_TIMED_OUT (AWS's status for it, after 72 hours there) when
``acm_timeout`` seconds pass without it. The per-domain
ValidationStatus says which domains are still pending; IssuedAt is the time it was issued. This replaces moto's
MOTO_ACM_VALIDATION_WAIT timer. As on AWS, validation goes on in the background (a thread looks at the pending
certificates every second), not only when someone describes the certificate.
"""

from __future__ import annotations

import threading
import time

import dns.exception
import dns.message
import dns.query
import dns.rdatatype
from moto.acm import models as acm_models
from moto.core import DEFAULT_ACCOUNT_ID

from .settings import Settings

_STATE: dict[str, dict] = {}  # certificate ARN -> {"created", "validated": {domain: bool}, "all_at", "issued_at"}
BACKGROUND_SECONDS = 1.0


def _norm(name: str) -> str:
    name = name.lower()
    return name if name.endswith(".") else name + "."


def resolves(port: int, name: str, value: str) -> bool:
    """Whether ``name`` has a CNAME equal to ``value`` through the sandbox DNS server on 127.0.0.1:port."""
    query = dns.message.make_query(name, dns.rdatatype.CNAME)
    try:
        answer = dns.query.udp(query, "127.0.0.1", port=port, timeout=2)
    except (dns.exception.DNSException, OSError):
        return False
    for rrset in answer.answer:
        if rrset.rdtype == dns.rdatatype.CNAME and _norm(rrset.name.to_text()) == _norm(name):
            if any(_norm(item.target.to_text()) == _norm(value) for item in rrset):
                return True
    return False


def install(settings: Settings) -> None:
    """Patch moto's CertBundle.check and describe."""
    original_describe = acm_models.CertBundle.describe

    def state_of(cert) -> dict:
        return _STATE.setdefault(cert.arn, {"created": time.monotonic(), "validated": {}, "all_at": None})

    def check(self) -> None:
        now = acm_models.utcnow()
        if self._not_valid_after(self._cert) <= now:  # pylint: disable=protected-access
            self.status = "EXPIRED"
            return
        if self.type != "AMAZON_ISSUED" or self.status != "PENDING_VALIDATION":
            return
        state = state_of(self)
        records = {option["DomainName"]: option["ResourceRecord"]
                   for option in original_describe(self)["Certificate"].get("DomainValidationOptions", [])}
        for domain, record in records.items():
            if not state["validated"].get(domain):
                state["validated"][domain] = resolves(settings.dns_port, record["Name"], record["Value"])
        clock = time.monotonic()
        if all(state["validated"].get(domain) for domain in records):
            state["all_at"] = state["all_at"] or clock
            if clock - state["all_at"] >= settings.acm_issue_delay:
                self.status = "ISSUED"
                state["issued_at"] = now
        elif clock - state["created"] >= settings.acm_timeout:
            self.status = "VALIDATION_TIMED_OUT"

    def describe(self):
        result = original_describe(self)
        state = _STATE.get(self.arn)
        if state is None or self.type != "AMAZON_ISSUED":
            return result
        certificate = result["Certificate"]
        for option in certificate.get("DomainValidationOptions", []):
            if self.status == "ISSUED" or state["validated"].get(option["DomainName"]):
                option["ValidationStatus"] = "SUCCESS"
            elif self.status == "VALIDATION_TIMED_OUT":
                option["ValidationStatus"] = "FAILED"
            else:
                option["ValidationStatus"] = "PENDING_VALIDATION"
        if self.status != "ISSUED":
            certificate.pop("IssuedAt", None)
        elif state.get("issued_at"):
            certificate["IssuedAt"] = acm_models.datetime_to_epoch(state["issued_at"])
        return result

    acm_models.CertBundle.check = check
    acm_models.CertBundle.describe = describe
    threading.Thread(target=validate_in_background, name="acm-validation", daemon=True).start()


def validate_in_background() -> None:
    """Check every pending certificate of the default account about once a second."""
    while True:
        time.sleep(BACKGROUND_SECONDS)
        try:
            regions = list(acm_models.acm_backends[DEFAULT_ACCOUNT_ID].items())
        except Exception:  # pylint: disable=broad-except
            continue
        for _region, backend in regions:
            for cert in list(backend._certificates.values()):  # pylint: disable=protected-access
                if cert.status == "PENDING_VALIDATION":
                    try:
                        cert.check()
                    except Exception as exc:  # pylint: disable=broad-except
                        print(f"acm_dns: checking {cert.arn} failed: {exc}", flush=True)
