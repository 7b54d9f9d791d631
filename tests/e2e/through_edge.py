"""Real requests through the sandbox edge (HAProxy on 127.0.0.1), for the end-to-end tests.

Every request opens its own connection to 127.0.0.1 at the port the edge gave a listener, sending the name as
the TLS server name and the Host header, as a client would after resolving the name to the load balancer.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import threading
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field

from cryptography import x509


@dataclass
class Answer:
    """One HTTP answer through the edge."""

    status: int
    headers: dict
    body: str
    tls_version: str | None = None
    certificate: x509.Certificate | None = None

    @property
    def host(self) -> str | None:
        """The web host that served it (the demo app names itself in its JSON body)."""
        try:
            return json.loads(self.body).get("host")
        except ValueError:
            return None


def tls_context(ca_path: str, version: ssl.TLSVersion | None = None) -> ssl.SSLContext:
    """A client context trusting only the sandbox CA, checking the host name; optionally one TLS version only."""
    context = ssl.create_default_context(cafile=ca_path)
    if version is not None:
        if version < ssl.TLSVersion.TLSv1_2:
            # Let the client offer old versions at all, so that a refusal comes from the edge, not from us.
            context.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # offering TLS 1.1 on purpose
            context.minimum_version = version
            context.maximum_version = version
    return context


def request(name: str, port: int, path: str = "/", *, ca_path: str | None = None, context: ssl.SSLContext | None = None,
            headers: dict | None = None, timeout: float = 10) -> Answer:
    """GET ``path`` from ``name`` through the edge: HTTPS when a CA (or context) is given, else HTTP."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    tls_version = certificate = None
    if ca_path or context:
        sock = (context or tls_context(ca_path)).wrap_socket(raw, server_hostname=name)
        tls_version = sock.version()
        certificate = x509.load_der_x509_certificate(sock.getpeercert(binary_form=True))
        conn = http.client.HTTPSConnection(name, port, timeout=timeout)
    else:
        sock = raw
        conn = http.client.HTTPConnection(name, port, timeout=timeout)
    conn.sock = sock
    try:
        conn.request("GET", path, headers={"Host": name if port in (80, 443) else f"{name}:{port}", **(headers or {})})
        response = conn.getresponse()
        body = response.read().decode("utf-8", errors="replace")
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body, tls_version, certificate)
    finally:
        conn.close()


def certificate_names(certificate: x509.Certificate) -> list[str]:
    """The DNS names of a certificate's SAN extension, sorted."""
    return sorted(certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName))


def served_by(name: str, port: int, ca_path: str, count: int, path: str = "/") -> Counter:
    """Which hosts served ``count`` HTTPS requests (non-200 answers counted as ``status <code>``)."""
    hosts = Counter()
    for _attempt in range(count):
        answer = request(name, port, path, ca_path=ca_path)
        hosts[answer.host if answer.status == 200 else f"status {answer.status}"] += 1
    return hosts


def wait_until(predicate, timeout: float, what: str, interval: float = 0.5):
    """Poll ``predicate`` until it returns something true; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"{what}: not within {timeout:.0f} s (last: {last!r})")


@dataclass
class Load:
    """Clients sending HTTPS requests through the edge in background threads until stopped."""

    name: str
    port: int
    ca_path: str
    path: str = "/"
    threads: int = 4
    ok: int = 0
    failures: list = field(default_factory=list)
    bodies: Counter = field(default_factory=Counter)
    _stop: threading.Event = field(default_factory=threading.Event)
    _workers: list = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _run(self) -> None:
        context = tls_context(self.ca_path)
        while not self._stop.is_set():
            try:
                answer = request(self.name, self.port, self.path, context=context, timeout=5)
                with self._lock:
                    if answer.status == 200:
                        self.ok += 1
                        self.bodies[answer.body] += 1
                    else:
                        self.failures.append(f"status {answer.status}")
            except (OSError, http.client.HTTPException) as exc:
                with self._lock:
                    self.failures.append(repr(exc))

    def __enter__(self) -> "Load":
        self._workers = [threading.Thread(target=self._run, daemon=True) for _worker in range(self.threads)]
        for worker in self._workers:
            worker.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=30)
