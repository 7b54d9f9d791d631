# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A reverse proxy in front of moto that answers DescribeSSLPolicies as AWS does.

moto 5.2.5 differs from AWS in two ways that matter to elb_ssl_policy_info:

- AWS refuses the whole call with ``SSLPolicyNotFound`` when one of the ``Names`` is not a policy; moto
  answers with the policies it knows and drops the others.
- AWS may split the answer into pages (``NextMarker``); moto always answers with one page.

Every request goes to moto (so moto's recording counts it, as the harness's phase table does), and the answer to
DescribeSSLPolicies is then rewritten: an error when a requested name is missing from moto's answer, and pages of
``PageSize`` policies (``--page-size`` when the caller sends none) when no name is requested. Every other answer
comes back unchanged.

Run it as ``python aws_ssl_policy_proxy.py --upstream http://127.0.0.1:PORT``: it listens on a free port of
127.0.0.1, prints ``{"endpoint": ..., "pid": ...}`` and detaches. Stop it with ``kill PID``; it also stops by
itself once moto no longer answers, or after ``--lifetime`` seconds.
"""

import argparse
import http.client
import http.server
import json
import os
import socket
import sys
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

NS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"
ACTION = "DescribeSSLPolicies"
HOP_BY_HOP = frozenset(
    ("connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "trailers",
     "transfer-encoding", "upgrade", "content-length")
)


def tag(name):
    return "{%s}%s" % (NS, name)


def requested_names(form):
    """The ``Names.member.N`` values of a query-protocol form, in order."""
    members = []
    for key, values in form.items():
        if key.startswith("Names.member."):
            members.append((int(key.rsplit(".", 1)[1]), values[0]))
    return [value for _index, value in sorted(members)]


def error_body(code, message):
    """An ELBv2 (query protocol) error document."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ErrorResponse xmlns="%s"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>'
        "<RequestId>%s</RequestId></ErrorResponse>" % (NS, escape(code), escape(message), uuid.uuid4())
    ).encode()


def as_aws(form, status, body, page_size):
    """``(status, body)``: what AWS would answer where moto answered ``status`` and ``body``."""
    if status != 200:
        return status, body
    root = ET.fromstring(body)
    result = root.find(tag("DescribeSSLPoliciesResult"))
    policies = result.find(tag("SslPolicies"))
    members = list(policies)
    names = requested_names(form)
    if names:
        known = set(member.findtext(tag("Name")) for member in members)
        unknown = [name for name in names if name not in known]
        if unknown:
            return 400, error_body("SSLPolicyNotFound", "SSL policy '%s' not found" % unknown[0])
        return status, body
    size = int(form.get("PageSize", [page_size])[0])
    start = int(form.get("Marker", ["0"])[0] or 0)
    for member in members:
        policies.remove(member)
    for member in members[start:start + size]:
        policies.append(member)
    if start + size < len(members):
        ET.SubElement(result, tag("NextMarker")).text = str(start + size)
    ET.register_namespace("", NS)
    return status, ET.tostring(root, encoding="utf-8")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        form = parse_qs(urlsplit(self.path).query)
        form.update(parse_qs(body.decode("utf-8", errors="replace")))
        status, reason, headers, answer = self._forward(body)
        if form.get("Action", [""])[0] == ACTION:
            status, answer = as_aws(form, status, answer, self.server.page_size)
            reason = None
        self.send_response(status, reason)
        for key, value in headers:
            if key.lower() not in ("server", "date"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer)

    def _forward(self, body):
        upstream = urlsplit(self.server.upstream)
        conn = http.client.HTTPConnection(upstream.hostname, upstream.port or 80, timeout=60)
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
            headers = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
            return response.status, response.reason, headers, data
        finally:
            conn.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream, page_size):
        self.upstream = upstream.rstrip("/")
        self.page_size = page_size
        super().__init__(("127.0.0.1", 0), Handler)


def upstream_answers(upstream):
    parts = urlsplit(upstream)
    try:
        with socket.create_connection((parts.hostname, parts.port or 80), timeout=2):
            return True
    except OSError:
        return False


def watchdog(upstream, lifetime):
    """Exit once moto stops answering (twice in a row), or after ``lifetime`` seconds."""
    deadline = time.monotonic() + lifetime
    failures = 0
    while time.monotonic() < deadline:
        time.sleep(1)
        failures = 0 if upstream_answers(upstream) else failures + 1
        if failures >= 2:
            break
    os._exit(0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--upstream", required=True, help="the moto endpoint")
    parser.add_argument("--page-size", type=int, default=10, help="policies per page when the caller sends no PageSize")
    parser.add_argument("--lifetime", type=int, default=1800, help="seconds after which the proxy stops")
    args = parser.parse_args(argv)
    server = Server(args.upstream, args.page_size)  # bound and listening before the fork
    pid = os.fork()
    if pid:
        server.server_close()
        print(json.dumps({"endpoint": "http://127.0.0.1:%d" % server.server_address[1], "pid": pid}))
        return 0
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    threading.Thread(target=watchdog, args=(args.upstream, args.lifetime), daemon=True).start()
    server.serve_forever(poll_interval=0.2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
