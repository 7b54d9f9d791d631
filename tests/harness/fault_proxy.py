"""A reverse proxy in front of moto that answers AWS-shaped errors: fault injection for retry tests.

moto never throttles nor fails on its own. ``FaultProxy`` sits between boto3 (or an
Ansible module, through ``endpoint_url``) and moto. It names every request with
``api_calls.classify`` and, while a matching :class:`Fault` has injections left,
answers with the error that the service itself would send (same protocol, same
HTTP status, so botocore parses the error code). Every other request goes to moto
unchanged, and moto's answer comes back unchanged::

    with MotoServer() as moto, FaultProxy(moto.endpoint, [Fault("acm", "ListCertificates", count=2)]) as proxy:
        boto3.client("acm", endpoint_url=proxy.endpoint, ...).list_certificates()
        assert proxy.injected_count() == 2

The proxy listens on 127.0.0.1 on a free port, serves each connection in a daemon
thread, and stops when the ``with`` block ends.
"""

from __future__ import annotations

import http.client
import http.server
import json
import threading
import uuid
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from api_calls import classify

HOST = "127.0.0.1"

#: Headers that describe one hop of a connection, not the message: never relayed.
HOP_BY_HOP = frozenset(
    (
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "content-length",
    )
)

#: The HTTP status AWS answers with for well-known error codes (400 for the rest).
DEFAULT_STATUS = {
    "InternalError": 500,
    "InternalFailure": 500,
    "ServiceUnavailable": 503,
    "Unavailable": 503,
    "RequestLimitExceeded": 503,
    "EC2ThrottledException": 503,
    "TooManyRequestsException": 429,
}

#: What AWS says along with well-known error codes.
DEFAULT_MESSAGE = {
    "Throttling": "Rate exceeded",
    "ThrottlingException": "Rate exceeded",
    "RequestLimitExceeded": "Request limit exceeded.",
    "PriorRequestNotComplete": "The request was rejected because Route 53 was still processing a prior request.",
    "InternalError": "An internal error has occurred.",
    "InternalFailure": "An internal error has occurred.",
    "ServiceUnavailable": "The service is unavailable. Please try again shortly.",
}

ROUTE53_NAMESPACE = "https://route53.amazonaws.com/doc/2013-04-01/"
QUERY_NAMESPACES = {
    "elasticloadbalancing": "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
}


@dataclass(eq=False)
class Fault:
    """Answer ``count`` requests of ``service`` (and ``action``, or any action when None) with an error.

    ``service`` is the SigV4 signing name (``acm``, ``ec2``, ``elasticloadbalancing``,
    ``route53``, ``sts``...), ``action`` the API action (``CreateTargetGroup``).
    ``status`` defaults to what AWS uses for ``code`` (500 for InternalError, 503 for
    ServiceUnavailable and EC2's RequestLimitExceeded, else 400). Faults compare by
    identity, so two equal rules keep separate counts.

    With ``after_upstream=True`` the request reaches moto first and only its answer
    is replaced by the error: AWS acted, but the client saw a failure (a lost
    response). That is what an idempotency token has to survive.
    """

    service: str
    action: str | None = None
    code: str = "Throttling"
    status: int | None = None
    count: int = 1
    message: str | None = None
    after_upstream: bool = False

    @property
    def http_status(self) -> int:
        """The HTTP status of the injected answer."""
        return self.status if self.status is not None else DEFAULT_STATUS.get(self.code, 400)

    @property
    def text(self) -> str:
        """The error message of the injected answer."""
        return self.message or DEFAULT_MESSAGE.get(self.code, f"Injected {self.code} error")

    def matches(self, service: str, action: str) -> bool:
        """Tell whether this rule applies to a request of ``service`` and ``action``."""
        return self.service == service and self.action in (None, action)


class Call(NamedTuple):
    """One request the proxy saw: its service, its action, and whether an error was injected."""

    service: str
    action: str
    injected: bool


def _request_id() -> str:
    return str(uuid.uuid4())


def error_response(fault: Fault, service: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """Return ``(status, headers, body)`` of the error ``fault`` in the protocol of the request.

    - JSON protocol (an ``X-Amz-Target`` header, as ACM): ``{"__type", "message"}``.
    - EC2 query protocol: ``<Response><Errors><Error>``.
    - Other query protocol services (ELBv2, STS, IAM...): ``<ErrorResponse><Error>``.
    - REST XML (Route 53): ``<ErrorResponse>`` in the service's namespace.
    """
    request_id = _request_id()
    status = fault.http_status
    code, message = escape(fault.code), escape(fault.text)
    out = {"x-amzn-RequestId": request_id, "x-amz-request-id": request_id}
    lowered = {key.lower(): value for key, value in headers.items()}
    if "x-amz-target" in lowered:
        content_type = lowered.get("content-type", "")
        if not content_type.startswith("application/x-amz-json"):
            content_type = "application/x-amz-json-1.1"
        out.update({"Content-Type": content_type, "x-amzn-ErrorType": fault.code})
        body = json.dumps({"__type": fault.code, "message": fault.text})
        return status, out, body.encode()
    out["Content-Type"] = "text/xml"
    if service == "ec2":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>"
        )
        return status, out, body.encode()
    kind = "Receiver" if status >= 500 else "Sender"
    if service == "route53":
        namespace = ROUTE53_NAMESPACE
    else:
        namespace = QUERY_NAMESPACES.get(service, f"https://{service}.amazonaws.com/doc/")
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ErrorResponse xmlns="{namespace}"><Error><Type>{kind}</Type><Code>{code}</Code>'
        f"<Message>{message}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    return status, out, body.encode()


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serve one client connection: inject an error or relay the request to moto."""

    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects
    timeout = 60  # an idle keep-alive connection is closed after this many seconds
    server: "_Server"

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Stay quiet: the proxy's own log is :attr:`FaultProxy.calls`."""

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        body = self._read_body()
        headers = dict(self.headers.items())
        entry = {
            "headers": headers,
            "method": self.command,
            "url": f"http://{self.headers.get('Host', HOST)}{self.path}",
            "body": body.decode("utf-8", errors="replace"),
            "body_encoded": False,
        }
        service, action = classify(entry)
        fault = self.server.proxy.take_fault(service, action)
        if fault is not None and not fault.after_upstream:
            self._answer(*error_response(fault, service, headers))
            return
        try:
            status, reason, out_headers, out_body = self._forward(body)
        except OSError as exc:
            message = f"fault proxy: upstream {self.server.proxy.upstream} failed: {exc}"
            self._answer(502, {"Content-Type": "text/plain"}, message.encode())
            return
        if fault is not None:  # moto acted; the client is told it failed
            self._answer(*error_response(fault, service, headers))
            return
        self._answer(status, out_headers, out_body, reason)

    def _forward(self, body: bytes) -> tuple[int, str, list[tuple[str, str]], bytes]:
        """Send the request to the upstream verbatim; return its status, reason, headers and body."""
        upstream = urlsplit(self.server.proxy.upstream)
        conn = http.client.HTTPConnection(upstream.hostname, upstream.port or 80, timeout=self.server.proxy.timeout)
        try:
            conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for key, value in self.headers.items():
                if key.lower() not in HOP_BY_HOP:
                    conn.putheader(key, value)
            if body or self.command in ("POST", "PUT", "PATCH"):
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body or None)
            response = conn.getresponse()
            data = b"" if self.command == "HEAD" else response.read()
            relayed = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
            return response.status, response.reason, relayed, data
        finally:
            conn.close()

    def _answer(self, status, headers, body: bytes, reason: str | None = None) -> None:
        items = headers.items() if isinstance(headers, dict) else headers
        self.send_response(status, reason)
        for key, value in items:
            if key.lower() not in ("server", "date"):  # send_response already wrote these
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _handle


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True  # a stuck connection never keeps the test process alive

    def __init__(self, address, proxy: "FaultProxy"):
        self.proxy = proxy
        super().__init__(address, _Handler)


class FaultProxy:
    """A threaded HTTP reverse proxy on 127.0.0.1 that injects AWS errors before ``upstream_endpoint``.

    :param upstream_endpoint: the moto endpoint, such as ``http://127.0.0.1:5000``.
    :param faults: the :class:`Fault` rules; the first matching rule with injections left is used.
    :param timeout: seconds to wait for the upstream.
    """

    def __init__(self, upstream_endpoint: str, faults=(), timeout: float = 60.0, host: str = HOST) -> None:
        self.upstream = upstream_endpoint.rstrip("/")
        self.timeout = timeout
        self.host = host
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._remaining: dict[int, int] = {}
        self._calls: list[Call] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        for fault in faults:
            self.add(fault)

    # -- lifecycle ---------------------------------------------------------

    @property
    def endpoint(self) -> str:
        """The URL to give boto3 / Ansible as ``endpoint_url``."""
        if self._server is None:
            raise RuntimeError("the fault proxy is not running")
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> "FaultProxy":
        """Listen on a free port and serve in a background (daemon) thread."""
        self._server = _Server((self.host, 0), self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fault-proxy", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> "FaultProxy":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # -- rules -------------------------------------------------------------

    def add(self, fault: Fault) -> Fault:
        """Add a rule (also while running); returns it, for :meth:`remaining`."""
        with self._lock:
            self._faults.append(fault)
            self._remaining[id(fault)] = fault.count
        return fault

    def take_fault(self, service: str, action: str) -> Fault | None:
        """Log one request; return the rule to inject (using up one of its count), or None to forward."""
        with self._lock:
            chosen = None
            for fault in self._faults:
                if self._remaining[id(fault)] > 0 and fault.matches(service, action):
                    self._remaining[id(fault)] -= 1
                    chosen = fault
                    break
            self._calls.append(Call(service, action, chosen is not None))
            return chosen

    def remaining(self, fault: Fault) -> int:
        """How many more requests ``fault`` will answer with its error."""
        with self._lock:
            return self._remaining[id(fault)]

    # -- the log -----------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every request seen so far, in order, as :class:`Call` (service, action, injected)."""
        with self._lock:
            return list(self._calls)

    def calls_of(self, service: str | None = None, action: str | None = None) -> list[Call]:
        """The logged requests of one service and/or action."""
        return [
            call
            for call in self.calls
            if (service is None or call.service == service) and (action is None or call.action == action)
        ]

    def injected_count(self, service: str | None = None, action: str | None = None) -> int:
        """How many errors were injected (for one service and/or action, or in all)."""
        return sum(1 for call in self.calls_of(service, action) if call.injected)

    def forwarded_count(self, service: str | None = None, action: str | None = None) -> int:
        """How many requests went through to the upstream (for one service and/or action, or in all)."""
        return sum(1 for call in self.calls_of(service, action) if not call.injected)
