"""https_check, end to end: the real module run by ansible-playbook against real servers on 127.0.0.1.

A test CA and its certificates are made at test time with ``cryptography``. The servers (TLS with a good,
an expired and a wrongly named certificate, a TLS 1.2-only one, HTTP that redirects and HTTP that does not)
listen on free ports, run in daemon threads and are shut down when the module's tests end. Every failure
case asserts the module's message. For ``spread``, servers answer JSON naming a backend, like the demo app: one
alternates between two names (a load balancer in front of two hosts), one always gives the same name.
"""

from __future__ import annotations

import datetime
import http.server
import json
import socket
import ssl
import sys
import threading
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from test_targets import REPO, playbook_command, run_playbook, tail

COLLECTIONS = REPO / ".build" / "collections"
HOST = "shop.test"
HSTS = "max-age=63072000; includeSubDomains"
PLAYBOOK_TIMEOUT = 180
#: How the spread cases find the backend in a body: the demo app's "host" key.
SPREAD_PATTERN = r'"host":\s*"([^"]+)"'
#: A server thread never outlives this, even if a test hangs.
SERVER_LIFETIME = 300


# ---------------------------------------------------------------------------
# Test PKI
# ---------------------------------------------------------------------------


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


class ScratchCA:
    """A throwaway CA that issues server certificates into a directory."""

    def __init__(self, directory: Path):
        self.dir = directory
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.timezone.utc)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(_name("webops test CA"))
            .issuer_name(_name("webops test CA"))
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=30))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        self.path = directory / "ca.pem"
        self.path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    def issue(self, label, names, not_before, not_after):
        """Write ``<label>.pem`` (certificate) and ``<label>.key``; return their paths."""
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(names[0]))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        cert_path, key_path = self.dir / f"{label}.pem", self.dir / f"{label}.key"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )
        return cert_path, key_path


# ---------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def handler(behaviour: dict):
    """A request handler class answering as ``behaviour`` says.

    ``unavailable_first``: that many 503s first. ``names``: answer ``{"host": <name>}`` JSON, the names taken in
    turn (the first one only for the first ``same_name_first`` requests). ``fail_every``: every n-th request is a 503.
    """
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 (http.server's naming)
            with lock:
                behaviour["seen"] = behaviour.get("seen", 0) + 1
                seen = behaviour["seen"]
                starting = seen <= behaviour.get("unavailable_first", 0)
            if behaviour.get("fail_every") and seen % behaviour["fail_every"] == 0:
                starting = True
            if starting:
                self.send_response(503)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if behaviour.get("redirect"):
                status, location = behaviour["redirect"]
                self.send_response(status)
                self.send_header("Location", location.format(path=self.path))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.path.startswith("/missing"):
                body, status = b"not here\n", 404
            elif behaviour.get("names"):
                names = behaviour["names"]
                name = names[0] if seen <= behaviour.get("same_name_first", 0) else names[(seen - 1) % len(names)]
                body, status = (json.dumps({"app": "shop", "host": name}, sort_keys=True) + "\n").encode(), 200
            else:
                body, status = f"healthy, host {self.headers.get('Host')}\n".encode(), 200
            self.send_response(status)
            if behaviour.get("hsts"):
                self.send_header("Strict-Transport-Security", HSTS)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # keep the test output quiet
            pass

    return Handler


class Server:
    """An HTTP(S) server on 127.0.0.1 in a daemon thread."""

    def __init__(self, behaviour=None, cert=None, max_tls=None):
        self.behaviour = behaviour or {}
        self.cert = cert
        self.max_tls = max_tls
        self.port = free_port()
        self.httpd = None
        self.ready = threading.Event()
        self.stopped = threading.Event()

    def _serve(self):
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), handler(self.behaviour))
        httpd.daemon_threads = True
        if self.cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.cert)
            if self.max_tls:
                context.maximum_version = self.max_tls
            httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        self.httpd = httpd
        self.ready.set()
        if not self.stopped.is_set():
            httpd.serve_forever(poll_interval=0.2)
        httpd.server_close()

    def __enter__(self):
        threading.Thread(target=self._serve, daemon=True).start()
        # The lifetime cap: the server stops by itself even when nobody stops it.
        timer = threading.Timer(SERVER_LIFETIME, self.stop)
        timer.daemon = True
        timer.start()
        if not self.ready.wait(5):
            raise RuntimeError(f"test server on port {self.port} did not start")
        return self

    def stop(self):
        self.stopped.set()
        if self.httpd is not None:
            self.httpd.shutdown()

    def __exit__(self, *exc):
        self.stop()


# ---------------------------------------------------------------------------
# Running the module
# ---------------------------------------------------------------------------


def run_cases(workdir: Path, cases: dict) -> dict:
    """Run one play with a task per case (errors ignored); return ``{case: registered result}``."""
    tasks = []
    for name, case in cases.items():
        task = {
            "name": name,
            "webops.https_rollout.https_check": case["args"],
            "register": "result",
            "ignore_errors": True,
            "check_mode": case.get("check_mode", False),
        }
        save = {
            "name": f"save {name}",
            "ansible.builtin.set_fact": {"results": "{{ results | default({}) | combine({'%s': result}) }}" % name},
        }
        tasks.extend([task, save])
    tasks.append(
        {
            "name": "hand the results to the test",
            "ansible.builtin.copy": {"content": "{{ results | to_json }}", "dest": str(workdir / "results.json"), "mode": "0600"},
        }
    )
    play = [{"hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": tasks}]
    playbook = workdir / "playbook.yml"
    playbook.write_text(json.dumps(play), encoding="utf-8")  # JSON is YAML
    (workdir / "ansible-tmp").mkdir(exist_ok=True)
    env = {
        "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
        "HOME": str(Path.home()),
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_LOCAL_TEMP": str(workdir / "ansible-tmp"),
        "ANSIBLE_REMOTE_TEMP": str(workdir / "ansible-tmp"),
        "ANSIBLE_NOCOLOR": "true",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
    }
    log = workdir / "ansible.log"
    rc = run_playbook(playbook_command(playbook), env, log, PLAYBOOK_TIMEOUT)
    results_path = workdir / "results.json"
    if rc != 0 or not results_path.exists():
        pytest.fail(f"ansible-playbook failed (exit {rc}):\n{tail(log)}", pytrace=False)
    return json.loads(results_path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    """Start every server, run every case through the module once, and hand back the results."""
    if not (COLLECTIONS / "ansible_collections" / "webops" / "https_rollout").exists():
        pytest.fail(f"{COLLECTIONS} has no webops.https_rollout: run `make layout` first", pytrace=False)
    workdir = tmp_path_factory.mktemp("https_check")
    ca = ScratchCA(workdir)
    now = datetime.datetime.now(datetime.timezone.utc)
    day = datetime.timedelta(days=1)
    good = ca.issue("good", [HOST, f"*.{HOST}"], now - day, now + 90 * day)
    expired = ca.issue("expired", [HOST], now - 30 * day, now - 2 * day - datetime.timedelta(hours=1))
    wrong = ca.issue("wrong", ["other.test"], now - day, now + 90 * day)

    servers = {
        "tls": Server({"hsts": True}, cert=good),
        "tls_no_hsts": Server({}, cert=good),
        "expired": Server({"hsts": True}, cert=expired),
        "wrong": Server({"hsts": True}, cert=wrong),
        "tls12": Server({"hsts": True}, cert=good, max_tls=ssl.TLSVersion.TLSv1_2),
        "starting_again": Server({"hsts": True, "unavailable_first": 5}, cert=good),
        "starting": Server({"hsts": True, "unavailable_first": 2}, cert=good),
        "two_hosts": Server({"hsts": True, "names": ["web1", "web2"]}, cert=good),
        "one_host": Server({"hsts": True, "names": ["web1"]}, cert=good),
        "flaky_hosts": Server({"hsts": True, "names": ["web1", "web2"], "fail_every": 4}, cert=good),
        "warming_hosts": Server({"hsts": True, "names": ["web1", "web2"], "same_name_first": 6}, cert=good),
    }
    tls_port = servers["tls"].port
    servers.update(
        {
            "redirect": Server({"redirect": (301, f"https://{HOST}:{tls_port}{{path}}")}),
            "redirect308": Server({"redirect": (308, f"https://{HOST}:{tls_port}{{path}}")}),
            "plain": Server({}),
            "temporary": Server({"redirect": (302, f"https://{HOST}:{tls_port}{{path}}")}),
            "elsewhere": Server({"redirect": (301, f"https://www.other.test:{tls_port}{{path}}")}),
            "to_http": Server({"redirect": (301, f"http://{HOST}/")}),
            "redirect_two_hosts": Server({"redirect": (301, f"https://{HOST}:{servers['two_hosts'].port}{{path}}")}),
        }
    )
    ports = {name: server.port for name, server in servers.items()}
    refused = free_port()

    def resolve(*names, host=HOST):
        return [f"{host}:{ports[n]}:127.0.0.1" for n in names]

    def https(name, path="/", **args):
        base = {"url": f"https://{HOST}:{ports[name]}{path}", "resolve": resolve(name), "ca_path": str(ca.path), "timeout": 5}
        base.update(args)
        return {"args": base}

    def http(name, path="/", **args):
        base = {"url": f"http://{HOST}:{ports[name]}{path}", "resolve": resolve(name, "tls"), "ca_path": str(ca.path), "timeout": 5}
        base.update(args)
        return {"args": base}

    cases = {
        "good": https("tls", "/healthz", min_tls_version="TLSv1.3", require_hsts=True, body_pattern="^healthy, host shop"),
        "good_check_mode": dict(https("tls", "/healthz", require_hsts=True), check_mode=True),
        "redirect": http("redirect", "/healthz?full=1", require_hsts=True, min_tls_version="TLSv1.2"),
        "redirect308": http("redirect308"),
        "wildcard": {
            "args": {
                "url": f"https://www.{HOST}:{ports['tls']}/",
                "resolve": resolve("tls", host=f"www.{HOST}"),
                "ca_path": str(ca.path),
            }
        },
        "wildcard_two_labels": {
            "args": {
                "url": f"https://a.b.{HOST}:{ports['tls']}/",
                "resolve": resolve("tls", host=f"a.b.{HOST}"),
                "ca_path": str(ca.path),
            }
        },
        "no_redirect": http("plain"),
        "temporary_redirect": http("temporary"),
        "redirect_elsewhere": http("elsewhere"),
        "redirect_to_http": http("to_http"),
        "expired": https("expired"),
        "wrong_name": https("wrong"),
        "untrusted": https("tls", ca_path=None),
        "untrusted_not_validated": https("tls", ca_path=None, validate_certs=False),
        "tls12_min13": https("tls12", min_tls_version="TLSv1.3"),
        "tls12_min12": https("tls12", min_tls_version="TLSv1.2"),
        "hsts_absent": https("tls_no_hsts", require_hsts=True),
        "hsts_not_required": https("tls_no_hsts"),
        "status_404": https("tls", "/missing"),
        "status_404_expected": https("tls", "/missing", status_code=[404]),
        "body_mismatch": https("tls", body_pattern="^maintenance"),
        "expiry_too_close": https("tls", min_days_to_expiry=120),
        "refused": {"args": {"url": f"https://{HOST}:{refused}/", "resolve": [f"{HOST}:{refused}:127.0.0.1"], "timeout": 5}},
        "retries": https("starting", retries=5, delay=1),
        "retries_run_out": https("starting_again", retries=1, delay=1),
        "deadline": {
            "args": {"url": f"https://{HOST}:{refused}/", "resolve": [f"{HOST}:{refused}:127.0.0.1"], "deadline": 3, "delay": 1}
        },
        "bad_resolve": {"args": {"url": f"https://{HOST}/", "resolve": [f"{HOST}:443"]}},
        "spread_two_hosts": {
            "args": {
                "url": f"http://{HOST}:{ports['redirect_two_hosts']}/",
                "resolve": resolve("redirect_two_hosts", "two_hosts"),
                "ca_path": str(ca.path),
                "require_hsts": True,
                "min_tls_version": "TLSv1.2",
                "spread": {"pattern": SPREAD_PATTERN},
            }
        },
        "spread_one_host": https("one_host", spread={"pattern": SPREAD_PATTERN}),
        "spread_one_host_enough": https("one_host", spread={"pattern": SPREAD_PATTERN, "requests": 3, "min_distinct": 1}),
        "spread_unmatched": https("one_host", spread={"pattern": '"host": "(db[0-9])"', "requests": 4, "min_distinct": 1}),
        "spread_errors": https("flaky_hosts", spread={"pattern": SPREAD_PATTERN, "requests": 8}),
        "spread_retried": https("warming_hosts", spread={"pattern": SPREAD_PATTERN, "requests": 5}, retries=2, delay=1),
        "spread_after_failure": https("tls_no_hsts", require_hsts=True, spread={"pattern": SPREAD_PATTERN}),
        "spread_bad_pattern": https("two_hosts", spread={"pattern": '"host": "(web'}),
        "spread_too_few": https("two_hosts", spread={"pattern": SPREAD_PATTERN, "requests": 1}),
        "spread_no_pattern": https("two_hosts", spread={"requests": 5}),
    }
    started = [server.__enter__() for server in servers.values()]
    try:
        results = run_cases(workdir, cases)
    finally:
        for server in started:
            server.stop()
    return {"results": results, "ports": ports, "refused": refused, "ca": str(ca.path)}


def ok(probe, case):  # pylint: disable=redefined-outer-name
    """The result of a case that must pass."""
    result = probe["results"][case]
    assert not result.get("failed"), f"{case}: {result.get('msg')}"
    assert result["passed"] is True and result["failures"] == []
    assert result["changed"] is False
    return result


def failed(probe, case, *messages):  # pylint: disable=redefined-outer-name
    """The result of a case that must fail, with each of ``messages`` in its message."""
    result = probe["results"][case]
    assert result.get("failed") is True, f"{case} passed but must fail"
    for message in messages:
        assert message in result["msg"], f"{case}: {message!r} not in {result['msg']!r}"
    return result


# ---------------------------------------------------------------------------
# What passes, and what it reports
# ---------------------------------------------------------------------------


def test_https_reports_tls_certificate_hsts_status_body_latency(probe):  # pylint: disable=redefined-outer-name
    result = ok(probe, "good")
    port = probe["ports"]["tls"]
    assert result["final_url"] == f"https://{HOST}:{port}/healthz"
    assert result["redirects"] == [{"url": f"https://{HOST}:{port}/healthz", "status": 200, "location": None}]
    assert result["status"] == 200
    assert result["tls"]["version"] == "TLSv1.3"
    assert result["tls"]["cipher"].startswith("TLS_") and result["tls"]["bits"] >= 128
    cert = result["certificate"]
    assert cert["subject"] == f"CN={HOST}"
    assert cert["subject_alt_names"] == [HOST, f"*.{HOST}"]
    assert cert["issuer"] == "CN=webops test CA"
    assert cert["covers_host"] is True and cert["trusted"] is True and cert["trust_error"] is None
    assert cert["days_to_expiry"] in (89, 90)
    assert result["hsts"] == {"present": True, "header": HSTS, "max_age": 63072000, "include_subdomains": True, "preload": False}
    assert result["body_matched"] is True
    assert 0 < result["latency_ms"] < 5000
    assert set(result["timings_ms"]) == {"connect_ms", "first_byte_ms", "total_ms"}
    assert result["attempts"] == 1


def test_check_mode_runs_the_same_check(probe):  # pylint: disable=redefined-outer-name
    result = ok(probe, "good_check_mode")
    assert result["status"] == 200 and result["certificate"]["covers_host"]


def test_http_redirect_chain_is_followed_and_reported(probe):  # pylint: disable=redefined-outer-name
    result = ok(probe, "redirect")
    http_port, tls_port = probe["ports"]["redirect"], probe["ports"]["tls"]
    assert result["redirects"] == [
        {"url": f"http://{HOST}:{http_port}/healthz?full=1", "status": 301, "location": f"https://{HOST}:{tls_port}/healthz?full=1"},
        {"url": f"https://{HOST}:{tls_port}/healthz?full=1", "status": 200, "location": None},
    ]
    assert result["final_url"] == f"https://{HOST}:{tls_port}/healthz?full=1"
    assert result["hsts"]["present"]
    assert [hop["status"] for hop in ok(probe, "redirect308")["redirects"]] == [308, 200]


def test_wildcard_covers_one_label(probe):  # pylint: disable=redefined-outer-name
    assert ok(probe, "wildcard")["certificate"]["covers_host"] is True
    result = failed(
        probe,
        "wildcard_two_labels",
        f"certificate name mismatch: it does not cover a.b.{HOST}; its names are {HOST}, *.{HOST}",
    )
    assert result["certificate"]["covers_host"] is False


def test_what_is_reported_but_not_required(probe):  # pylint: disable=redefined-outer-name
    assert ok(probe, "untrusted_not_validated")["certificate"]["trusted"] is False
    assert ok(probe, "tls12_min12")["tls"]["version"] == "TLSv1.2"
    assert ok(probe, "hsts_not_required")["hsts"]["present"] is False
    assert ok(probe, "status_404_expected")["status"] == 404


def test_retries_wait_for_a_rollout_to_come_up(probe):  # pylint: disable=redefined-outer-name
    """The server answers 503 twice, then 200: the third try passes."""
    result = ok(probe, "retries")
    assert result["attempts"] == 3
    assert result["status"] == 200
    port = probe["ports"]["starting_again"]
    result = failed(probe, "retries_run_out", f"failed after 2 tries: unexpected status 503 from https://{HOST}:{port}/; expected 200")
    assert result["attempts"] == 2


# ---------------------------------------------------------------------------
# Every failure names what is wrong
# ---------------------------------------------------------------------------


def test_no_redirect(probe):  # pylint: disable=redefined-outer-name
    port = probe["ports"]["plain"]
    result = failed(probe, "no_redirect", f"no redirect: http://{HOST}:{port}/ answered 200; it must answer 301 or 308 to https://{HOST}/")
    assert result["redirects"] == [{"url": f"http://{HOST}:{port}/", "status": 200, "location": None}]
    assert result["tls"] is None and result["passed"] is False


def test_bad_redirects(probe):  # pylint: disable=redefined-outer-name
    failed(probe, "temporary_redirect", "answered 302, a temporary redirect: use 301 or 308")
    failed(probe, "redirect_elsewhere", f"redirects to another host (https://www.other.test:{probe['ports']['tls']}/)")
    failed(probe, "redirect_to_http", f"redirects to http://{HOST}/: it must redirect to https://{HOST}/")


def test_expired_certificate(probe):  # pylint: disable=redefined-outer-name
    result = failed(probe, "expired", "certificate expired 2 day(s) ago (not after ")
    cert = result["certificate"]
    assert cert["expired"] is True and cert["days_to_expiry"] == -2
    assert cert["trusted"] is False and "expired" in cert["trust_error"]
    # The expiry is the one problem named: not a second "not trusted" for the same reason.
    assert result["failures"] == [f"certificate expired 2 day(s) ago (not after {cert['not_after']})"]


def test_wrong_name(probe):  # pylint: disable=redefined-outer-name
    result = failed(probe, "wrong_name", f"certificate name mismatch: it does not cover {HOST}; its names are other.test")
    assert result["certificate"]["trusted"] is True
    assert len(result["failures"]) == 1


def test_untrusted_chain(probe):  # pylint: disable=redefined-outer-name
    result = failed(probe, "untrusted", "certificate chain is not trusted by the system CA bundle: unable to get local issuer certificate")
    assert result["certificate"]["covers_host"] is True


def test_tls_below_minimum(probe):  # pylint: disable=redefined-outer-name
    result = failed(probe, "tls12_min13", "TLS version TLSv1.2 is below min_tls_version TLSv1.3")
    assert result["tls"]["version"] == "TLSv1.2"


def test_missing_hsts(probe):  # pylint: disable=redefined-outer-name
    port = probe["ports"]["tls_no_hsts"]
    failed(probe, "hsts_absent", f"no Strict-Transport-Security (HSTS) header on https://{HOST}:{port}/, and require_hsts is set")


def test_unexpected_status_and_body(probe):  # pylint: disable=redefined-outer-name
    port = probe["ports"]["tls"]
    failed(probe, "status_404", f"unexpected status 404 from https://{HOST}:{port}/missing; expected 200")
    failed(probe, "body_mismatch", "body of https://shop.test:%d/ does not match body_pattern '^maintenance'" % port)
    failed(probe, "expiry_too_close", "fewer than min_days_to_expiry=120")


def test_connection_refused(probe):  # pylint: disable=redefined-outer-name
    port = probe["refused"]
    result = failed(probe, "refused", f"https_check of https://{HOST}:{port}/ failed: connection refused by 127.0.0.1:{port} (for {HOST})")
    assert result["status"] is None and result["attempts"] == 1


def test_deadline_keeps_trying_then_fails(probe):  # pylint: disable=redefined-outer-name
    result = failed(probe, "deadline", "failed after ", "connection refused by 127.0.0.1")
    assert 2 <= result["attempts"] <= 4


def test_bad_option(probe):  # pylint: disable=redefined-outer-name
    failed(probe, "bad_resolve", f"resolve entry '{HOST}:443' must be host:port:address")


# ---------------------------------------------------------------------------
# spread: requests reach more than one backend
# ---------------------------------------------------------------------------


def test_spread_across_two_hosts_passes(probe):  # pylint: disable=redefined-outer-name
    """After the redirect, ten more requests to the final URL: the server alternates, so 5 and 5."""
    result = ok(probe, "spread_two_hosts")
    assert result["final_url"] == f"https://{HOST}:{probe['ports']['two_hosts']}/"
    assert result["spread"] == {"requests": 10, "counts": {"web1": 5, "web2": 5}, "distinct": 2, "unmatched": 0, "errors": 0}


def test_spread_on_one_host_fails_naming_it(probe):  # pylint: disable=redefined-outer-name
    result = failed(probe, "spread_one_host", "spread: 10 requests reached 1 distinct backend (web1: 10); spread.min_distinct is 2")
    assert result["spread"] == {"requests": 10, "counts": {"web1": 10}, "distinct": 1, "unmatched": 0, "errors": 0}
    # The rest of the check passed and is reported as usual.
    assert result["status"] == 200 and result["hsts"]["present"] and result["certificate"]["covers_host"]
    assert ok(probe, "spread_one_host_enough")["spread"]["counts"] == {"web1": 3}


def test_spread_answers_the_pattern_misses(probe):  # pylint: disable=redefined-outer-name
    result = failed(probe, "spread_unmatched", "spread: 4 requests reached 0 distinct backends (none; 4 answer(s) did not match spread.pattern")
    assert result["spread"]["unmatched"] == 4 and result["spread"]["counts"] == {}


def test_spread_counts_failed_requests(probe):  # pylint: disable=redefined-outer-name
    """Every fourth request is a 503: two of the eight spread requests."""
    port = probe["ports"]["flaky_hosts"]
    result = failed(probe, "spread_errors", f"spread: 2 of 8 requests failed (first: https://{HOST}:{port}/ answered 503; expected 200)")
    assert result["spread"]["errors"] == 2 and result["spread"]["distinct"] == 2
    assert sum(result["spread"]["counts"].values()) == 6


def test_spread_failure_is_retried(probe):  # pylint: disable=redefined-outer-name
    """The first six answers name web1 only (the first try fails), then both hosts answer."""
    result = ok(probe, "spread_retried")
    assert result["attempts"] == 2
    assert result["spread"]["distinct"] == 2 and sum(result["spread"]["counts"].values()) == 5


def test_spread_waits_for_the_check_to_pass(probe):  # pylint: disable=redefined-outer-name
    result = failed(probe, "spread_after_failure", "no Strict-Transport-Security (HSTS) header")
    assert result["spread"] is None
    assert not any(failure.startswith("spread:") for failure in result["failures"])


def test_spread_options_are_checked_first(probe):  # pylint: disable=redefined-outer-name
    result = failed(probe, "spread_bad_pattern", "spread.pattern='\"host\": \"(web' is not a valid regular expression")
    assert "attempts" not in result
    failed(probe, "spread_too_few", "spread.requests=1 must be from 2 to 100")
    failed(probe, "spread_no_pattern", "missing required arguments: pattern")
