# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The HTTPS probe behind ``https_check``: standard library sockets, ``ssl`` and ``http.client``.

Pure functions (``parse_resolve``, ``host_covered``, ``parse_hsts``, ``redirect_problem`` ...) hold the
rules and are unit-tested; :func:`check_url` makes the connections. Nothing here needs AWS.
The certificate is read with ``cryptography``, which ansible-core itself depends on.
"""

from __future__ import annotations

import datetime
import http.client
import ipaddress
import re
import socket
import ssl
import time
from urllib.parse import urljoin
from urllib.parse import urlsplit

try:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    HAS_CRYPTOGRAPHY = True
except ImportError:
    HAS_CRYPTOGRAPHY = False

TLS_VERSIONS = ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
PERMANENT_REDIRECTS = (301, 308)
REDIRECTS = (301, 302, 303, 307, 308)
DEFAULT_PORTS = {"http": 80, "https": 443}
USER_AGENT = "webops.https_rollout.https_check"


class CheckFailed(Exception):
    """The probe cannot go on (no connection, no TLS, a bad redirect): the message says why."""


# ---------------------------------------------------------------------------
# Pure: options
# ---------------------------------------------------------------------------


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
            raise ValueError(f"resolve entry {entry!r} must be host:port:address, for example shop.example.com:443:192.0.2.10")
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


def tls_rank(version):
    """Order of a TLS version name (``TLSv1.2`` ...); -1 when unknown."""
    return TLS_VERSIONS.index(version) if version in TLS_VERSIONS else -1


# ---------------------------------------------------------------------------
# Pure: certificate names, HSTS, redirects
# ---------------------------------------------------------------------------


def name_matches(host, pattern):
    """Whether the certificate name ``pattern`` covers ``host``.

    A wildcard stands for exactly one whole leftmost label (``*.example.com`` covers ``www.example.com``,
    not ``example.com`` nor ``a.b.example.com``) and needs at least two labels after it. Case and a trailing
    dot do not matter. IP addresses match only themselves.
    """
    host = host.lower().rstrip(".")
    pattern = pattern.lower().rstrip(".")
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


def certificate_info(der, host, now=None):
    """snake_case facts about a DER certificate for ``host`` (subject, SANs, expiry, coverage)."""
    cert = x509.load_der_x509_certificate(der)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    not_after = getattr(cert, "not_valid_after_utc", None) or cert.not_valid_after.replace(tzinfo=datetime.timezone.utc)
    not_before = getattr(cert, "not_valid_before_utc", None) or cert.not_valid_before.replace(tzinfo=datetime.timezone.utc)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns_names = san.get_values_for_type(x509.DNSName)
        ip_names = [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        dns_names, ip_names = [], []
    common = [a.value for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    sans = list(dns_names) + ip_names
    # With subject alternative names, the common name does not count (RFC 6125).
    names = sans or common
    return {
        "subject": cert.subject.rfc4514_string(),
        "common_name": common[0] if common else None,
        "subject_alt_names": sans,
        "issuer": cert.issuer.rfc4514_string(),
        "serial_number": format(cert.serial_number, "x"),
        "not_before": not_before.isoformat(),
        "not_after": not_after.isoformat(),
        # Whole days, counted towards zero: -2 two days (and some hours) after expiry.
        "days_to_expiry": int((not_after - now).total_seconds() / 86400),
        "expired": now > not_after,
        "not_yet_valid": now < not_before,
        "covers_host": host_covered(host, names),
        "host": host,
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
            failures.append(
                f"certificate expired {-cert['days_to_expiry']} day(s) ago (not after {cert['not_after']})"
            )
        elif cert["not_yet_valid"]:
            failures.append(f"certificate is not valid yet (not before {cert['not_before']})")
        elif cert["days_to_expiry"] < options.get("min_days_to_expiry", 0):
            failures.append(
                f"certificate expires in {cert['days_to_expiry']} day(s), fewer than "
                f"min_days_to_expiry={options['min_days_to_expiry']}"
            )
        time_error = cert["expired"] or cert["not_yet_valid"]
        if options.get("validate_certs", True) and not cert["trusted"] and not (time_error and "expired" in (cert["trust_error"] or "")):
            bundle = options.get("ca_path") or "the system CA bundle"
            failures.append(f"certificate chain is not trusted by {bundle}: {cert['trust_error']}")
    if tls and options.get("min_tls_version") and tls_rank(tls["version"]) < tls_rank(options["min_tls_version"]):
        failures.append(f"TLS version {tls['version']} is below min_tls_version {options['min_tls_version']}")
    if report.get("status") is not None:
        wanted = options.get("status_code") or [200]
        if report["status"] not in wanted:
            failures.append(f"unexpected status {report['status']} from {report['final_url']}; expected {', '.join(map(str, wanted))}")
        hsts = report.get("hsts") or {}
        if options.get("require_hsts") and tls and not hsts.get("present"):
            failures.append(f"no Strict-Transport-Security (HSTS) header on {report['final_url']}, and require_hsts is set")
        if options.get("body_pattern") and not report.get("body_matched"):
            failures.append(f"body of {report['final_url']} does not match body_pattern {options['body_pattern']!r}")
    return failures


# ---------------------------------------------------------------------------
# Pure: spread across backends
# ---------------------------------------------------------------------------

SPREAD_MAX_REQUESTS = 100


def spread_problem(spread):
    """The first problem with the ``spread`` option (a dict, or None when off), or None."""
    if not spread:
        return None
    requests = spread.get("requests")
    if requests is None:
        requests = 10
    if not 2 <= requests <= SPREAD_MAX_REQUESTS:
        return f"spread.requests={requests} must be from 2 to {SPREAD_MAX_REQUESTS}"
    min_distinct = spread.get("min_distinct")
    if min_distinct is None:
        min_distinct = 2
    if min_distinct < 1:
        return f"spread.min_distinct={min_distinct} must be at least 1"
    if min_distinct > requests:
        return f"spread.min_distinct={min_distinct} can never be reached with spread.requests={requests}: raise spread.requests"
    pattern = spread.get("pattern")
    if not pattern:
        return "spread.pattern is required: a regular expression whose first group names the backend in the body"
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"spread.pattern={pattern!r} is not a valid regular expression: {exc}"
    return None


def backend_name(pattern, text):
    """The backend named in ``text``: the first group of ``pattern`` (the whole match without a group), or None."""
    match = re.search(pattern, text)
    if match is None:
        return None
    if match.re.groups:
        return match.group(1)
    return match.group(0)


def tally_spread(answers, pattern, status_codes):
    """The spread report of ``answers``, each ``{"status": int, "body": str}`` or ``{"error": str}``.

    Returns ``{requests, counts, distinct, unmatched, errors, error_messages}``: an answer with a status outside
    ``status_codes`` is an error, not a backend.
    """
    counts = {}
    unmatched = 0
    messages = []
    for answer in answers:
        if answer.get("error"):
            messages.append(answer["error"])
            continue
        if answer["status"] not in status_codes:
            messages.append(f"{answer.get('url') or 'the final URL'} answered {answer['status']}; expected {', '.join(map(str, status_codes))}")
            continue
        name = backend_name(pattern, answer.get("body") or "")
        if name is None:
            unmatched += 1
        else:
            counts[name] = counts.get(name, 0) + 1
    return {
        "requests": len(answers),
        "counts": counts,
        "distinct": len(counts),
        "unmatched": unmatched,
        "errors": len(messages),
        "error_messages": messages,
    }


def _plural(number, word):
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def evaluate_spread(spread, min_distinct, pattern):
    """The failures of a spread report (from :func:`tally_spread`); a list of messages."""
    failures = []
    if spread["errors"]:
        first = spread["error_messages"][0]
        failures.append(f"spread: {spread['errors']} of {spread['requests']} requests failed (first: {first})")
    if spread["distinct"] < min_distinct:
        ranked = sorted(spread["counts"].items(), key=lambda item: (-item[1], item[0]))
        seen = ", ".join(f"{name}: {count}" for name, count in ranked) or "none"
        if spread["unmatched"]:
            seen += f"; {spread['unmatched']} answer(s) did not match spread.pattern {pattern!r}"
        failures.append(
            f"spread: {spread['requests']} requests reached {_plural(spread['distinct'], 'distinct backend')} "
            f"({seen}); spread.min_distinct is {min_distinct}"
        )
    return failures


# ---------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------


def _contexts(ca_path):
    """``(verifying, inspecting)`` client contexts; neither checks the host name (that is done on the names)."""
    verifying = ssl.create_default_context()
    if ca_path:
        verifying = ssl.create_default_context(cafile=ca_path)
    verifying.check_hostname = False
    inspecting = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    inspecting.check_hostname = False
    inspecting.verify_mode = ssl.CERT_NONE
    return verifying, inspecting


def _connect(host, port, address, timeout):
    target = address or host
    try:
        return socket.create_connection((target, port), timeout=timeout)
    except ConnectionRefusedError as exc:
        raise CheckFailed(f"connection refused by {target}:{port} (for {host})") from exc
    except socket.timeout as exc:
        raise CheckFailed(f"connection to {target}:{port} (for {host}) timed out after {timeout}s") from exc
    except OSError as exc:
        raise CheckFailed(f"cannot connect to {target}:{port} (for {host}): {exc.strerror or exc}") from exc


def _tls(host, port, address, timeout, contexts):
    """A TLS socket to the host, and the chain's trust: ``(sock, trusted, trust_error, handshake_seconds)``."""
    verifying, inspecting = contexts
    start = time.monotonic()
    raw = _connect(host, port, address, timeout)
    try:
        sock = verifying.wrap_socket(raw, server_hostname=host)
        return sock, True, None, time.monotonic() - start
    except ssl.SSLCertVerificationError as exc:
        raw.close()
        trust_error = exc.verify_message or str(exc)
    except (ssl.SSLError, OSError) as exc:
        raw.close()
        raise CheckFailed(f"TLS handshake with {address or host}:{port} (for {host}) failed: {exc}") from exc
    raw = _connect(host, port, address, timeout)
    try:
        sock = inspecting.wrap_socket(raw, server_hostname=host)
    except (ssl.SSLError, OSError) as exc:
        raw.close()
        raise CheckFailed(f"TLS handshake with {address or host}:{port} (for {host}) failed: {exc}") from exc
    return sock, False, trust_error, time.monotonic() - start


def _request(url, resolve, timeout, contexts, max_body):
    """One GET without following redirects: a hop record, plus TLS facts for HTTPS."""
    scheme, host, port, path = parse_url(url)
    address = resolve.get((host, port))
    hop = {"url": url, "address": address or host, "port": port}
    start = time.monotonic()
    if scheme == "https":
        sock, trusted, trust_error, _seconds = _tls(host, port, address, timeout, contexts)
        conn = http.client.HTTPSConnection(host, port, timeout=timeout, context=contexts[1])
        version, (cipher, _proto, bits) = sock.version(), sock.cipher()
        tls = {"version": version, "cipher": cipher, "bits": bits}
        der = sock.getpeercert(binary_form=True)
    else:
        sock = _connect(host, port, address, timeout)
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
    contexts = _contexts(options.get("ca_path"))
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
            hop, response, body, tls, der, trusted, trust_error = _request(
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
            hop, _response, body, _tls, _der, _trusted, _trust_error = _request(
                url, resolve, timeout, contexts, options.get("max_body_bytes", 1048576)
            )
        except CheckFailed as exc:
            answers.append({"error": str(exc)})
            continue
        answers.append({"url": url, "status": hop["status"], "body": body.decode("utf-8", errors="replace")})
    return tally_spread(answers, spread["pattern"], options.get("status_code") or [200])
