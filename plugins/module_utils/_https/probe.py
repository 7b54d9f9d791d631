# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The HTTPS probe behind ``https_check``: standard library sockets, ``ssl`` and ``http.client``.

:func:`check_url` follows the redirects, inspects TLS and the certificate, and :func:`evaluate` says what is wrong
with the report. Nothing here needs AWS.
"""

from __future__ import annotations

import http.client
import re
import socket
import time
from urllib.parse import urljoin

from ansible_collections.webops.https_rollout.plugins.module_utils._https.redirects import REDIRECTS
from ansible_collections.webops.https_rollout.plugins.module_utils._https.redirects import parse_resolve
from ansible_collections.webops.https_rollout.plugins.module_utils._https.redirects import parse_url
from ansible_collections.webops.https_rollout.plugins.module_utils._https.redirects import redirect_problem
from ansible_collections.webops.https_rollout.plugins.module_utils._https.spread import evaluate_spread
from ansible_collections.webops.https_rollout.plugins.module_utils._https.spread import tally_spread
from ansible_collections.webops.https_rollout.plugins.module_utils._https.tls import CheckFailed
from ansible_collections.webops.https_rollout.plugins.module_utils._https.tls import certificate_info
from ansible_collections.webops.https_rollout.plugins.module_utils._https.tls import connect
from ansible_collections.webops.https_rollout.plugins.module_utils._https.tls import tls_contexts
from ansible_collections.webops.https_rollout.plugins.module_utils._https.tls import tls_handshake
from ansible_collections.webops.https_rollout.plugins.module_utils._https.tls import tls_rank

# ---------------------------------------------------------------------------
# Pure: HSTS and the verdict
# ---------------------------------------------------------------------------

USER_AGENT = "webops.https_rollout.https_check"


def parse_hsts(value):
    """The Strict-Transport-Security header as ``{present, header, max_age, include_subdomains, preload}``."""
    if value is None:
        return {"present": False, "header": None, "max_age": None, "include_subdomains": False, "preload": False}
    max_age = None
    flags = set()
    for directive in value.split(";"):
        key, _eq, arg = directive.strip().partition("=")
        key = key.strip().lower()
        if key == "max-age":
            arg = arg.strip().strip('"')
            max_age = int(arg) if arg.isdigit() else None
        elif key:
            flags.add(key)
    return {
        "present": True,
        "header": value,
        "max_age": max_age,
        "include_subdomains": "includesubdomains" in flags,
        "preload": "preload" in flags,
    }


def evaluate(report, options):
    """The failures of one probe ``report`` against the ``options``; a list of messages."""
    failures = list(report.get("errors", []))
    cert = report.get("certificate")
    tls = report.get("tls")
    if cert:
        if not cert["covers_host"]:
            names = ", ".join(cert["subject_alt_names"] or [cert["common_name"] or "none"])
            failures.append(f"certificate name mismatch: it does not cover {cert['host']}; its names are {names}")
        if cert["expired"]:
            failures.append(f"certificate expired {-cert['days_to_expiry']} day(s) ago (not after {cert['not_after']})")
        elif cert["not_yet_valid"]:
            failures.append(f"certificate is not valid yet (not before {cert['not_before']})")
        elif cert["days_to_expiry"] < options.get("min_days_to_expiry", 0):
            failures.append(
                f"certificate expires in {cert['days_to_expiry']} day(s), fewer than "
                f"min_days_to_expiry={options['min_days_to_expiry']}"
            )
        time_error = cert["expired"] or cert["not_yet_valid"]
        if (
            options.get("validate_certs", True)
            and not cert["trusted"]
            and not (time_error and "expired" in (cert["trust_error"] or ""))
        ):
            bundle = options.get("ca_path") or "the system CA bundle"
            failures.append(f"certificate chain is not trusted by {bundle}: {cert['trust_error']}")
    if tls and options.get("min_tls_version") and tls_rank(tls["version"]) < tls_rank(options["min_tls_version"]):
        failures.append(f"TLS version {tls['version']} is below min_tls_version {options['min_tls_version']}")
    if report.get("status") is not None:
        wanted = options.get("status_code") or [200]
        if report["status"] not in wanted:
            failures.append(
                f"unexpected status {report['status']} from {report['final_url']}; expected {', '.join(map(str, wanted))}"
            )
        hsts = report.get("hsts") or {}
        if options.get("require_hsts") and tls and not hsts.get("present"):
            failures.append(
                f"no Strict-Transport-Security (HSTS) header on {report['final_url']}, and require_hsts is set"
            )
        if options.get("body_pattern") and not report.get("body_matched"):
            failures.append(f"body of {report['final_url']} does not match body_pattern {options['body_pattern']!r}")
    return failures


# ---------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------


def request(url, resolve, timeout, contexts, max_body):
    """One GET without following redirects: a hop record, plus TLS facts for HTTPS."""
    scheme, host, port, path = parse_url(url)
    address = resolve.get((host, port))
    hop = {"url": url, "address": address or host, "port": port}
    start = time.monotonic()
    if scheme == "https":
        sock, trusted, trust_error, _seconds = tls_handshake(host, port, address, timeout, contexts)
        conn = http.client.HTTPSConnection(host, port, timeout=timeout, context=contexts[1])
        version, (cipher, _proto, bits) = sock.version(), sock.cipher()
        tls = {"version": version, "cipher": cipher, "bits": bits}
        der = sock.getpeercert(binary_form=True)
    else:
        sock = connect(host, port, address, timeout)
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        tls = der = trusted = trust_error = None
    hop["connect_ms"] = round((time.monotonic() - start) * 1000, 1)
    conn.sock = sock
    try:
        conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "*/*", "Connection": "close"})
        response = conn.getresponse()
        hop["first_byte_ms"] = round((time.monotonic() - start) * 1000, 1)
        body = response.read(max_body)
    except socket.timeout as exc:
        raise CheckFailed(f"{url} did not answer within {timeout}s") from exc
    except (http.client.HTTPException, OSError) as exc:
        raise CheckFailed(f"{url} gave no valid HTTP answer: {exc}") from exc
    finally:
        conn.close()
    hop.update(
        status=response.status,
        location=response.getheader("Location"),
        total_ms=round((time.monotonic() - start) * 1000, 1),
    )
    return hop, response, body, tls, der, trusted, trust_error


def check_url(url, options):
    """Probe ``url`` once: follow redirects, inspect TLS and the certificate; returns the report.

    The report's ``failures`` lists everything wrong (empty when the check passed).
    """
    resolve = parse_resolve(options.get("resolve"))
    contexts = tls_contexts(options.get("ca_path"))
    timeout = options.get("timeout", 10)
    report = {
        "url": url,
        "final_url": url,
        "redirects": [],
        "status": None,
        "tls": None,
        "certificate": None,
        "hsts": parse_hsts(None),
        "body_matched": None,
        "latency_ms": None,
        "errors": [],
    }
    start = time.monotonic()
    current = url
    try:
        for _hop in range(options.get("max_redirects", 5) + 1):
            hop, response, body, tls, der, trusted, trust_error = request(
                current, resolve, timeout, contexts, options.get("max_body_bytes", 1048576)
            )
            report["redirects"].append({k: hop[k] for k in ("url", "status", "location")})
            if tls:
                report["tls"] = tls
                cert = certificate_info(der, parse_url(current)[1])
                cert.update(trusted=trusted, trust_error=trust_error)
                report["certificate"] = cert
            problem = redirect_problem(current, hop["status"], hop["location"])
            if problem:
                raise CheckFailed(problem)
            if hop["status"] in REDIRECTS and hop["location"]:
                target = urljoin(current, hop["location"])
                if parse_url(current)[0] == "https" and parse_url(target)[0] != "https":
                    raise CheckFailed(f"{current} redirects back to plain HTTP ({target})")
                current = target
                continue
            report["final_url"] = current
            report["status"] = hop["status"]
            report["hsts"] = parse_hsts(response.getheader("Strict-Transport-Security")) if tls else parse_hsts(None)
            if options.get("body_pattern"):
                text = body.decode("utf-8", errors="replace")
                report["body_matched"] = re.search(options["body_pattern"], text) is not None
            report["timings_ms"] = {k: hop[k] for k in ("connect_ms", "first_byte_ms", "total_ms")}
            break
        else:
            raise CheckFailed(f"more than {options.get('max_redirects', 5)} redirects from {url}")
    except CheckFailed as exc:
        report["errors"].append(str(exc))
    report["latency_ms"] = round((time.monotonic() - start) * 1000, 1)
    report["failures"] = evaluate(report, options)
    del report["errors"]
    report["spread"] = None
    spread = options.get("spread")
    if spread and not report["failures"]:
        report["spread"] = probe_spread(report["final_url"], resolve, timeout, contexts, options)
        report["failures"] = evaluate_spread(report["spread"], spread.get("min_distinct") or 2, spread["pattern"])
        del report["spread"]["error_messages"]
    return report


def probe_spread(url, resolve, timeout, contexts, options):
    """GET ``url`` ``spread.requests`` times, each on a new connection, and tally the backends that answered."""
    spread = options["spread"]
    answers = []
    for _request_number in range(spread.get("requests") or 10):
        try:
            hop, _response, body, _tls, _der, _trusted, _trust_error = request(
                url, resolve, timeout, contexts, options.get("max_body_bytes", 1048576)
            )
        except CheckFailed as exc:
            answers.append({"error": str(exc)})
            continue
        answers.append({"url": url, "status": hop["status"], "body": body.decode("utf-8", errors="replace")})
    return tally_spread(answers, spread["pattern"], options.get("status_code") or [200])
