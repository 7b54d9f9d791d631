"""Demo web app for webops.https_rollout: answers with the host's identity, and has a health endpoint.

Python standard library only. Settings come from the environment (the role's env file):
APP_HOST (always 127.0.0.1 from the role), APP_PORT, APP_NAME, APP_IDENTITY, APP_HEALTH_PATH, APP_VERSION.
The version label ``broken`` makes the health endpoint answer 503, to try a deploy whose health check fails.
"""

import json
import os
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOST = os.environ.get("APP_HOST", "127.0.0.1")
PORT = int(os.environ.get("APP_PORT", "8000"))
HEALTH_PATH = os.environ.get("APP_HEALTH_PATH", "/healthz")
VERSION = os.environ.get("APP_VERSION", "v1")
BROKEN = "broken"
IDENTITY = {
    "app": os.environ.get("APP_NAME", "webapp"),
    "host": socket.gethostname(),
    "identity": os.environ.get("APP_IDENTITY", socket.gethostname()),
    "version": VERSION,
}


class Handler(BaseHTTPRequestHandler):
    """GET (or HEAD) the health path for a plain "ok"; anything else gets the identity as JSON."""

    server_version = "webops-demo"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (the name is the stdlib's)
        """Answer the health check or the identity."""
        if self.path.split("?", 1)[0] == HEALTH_PATH:
            if VERSION == BROKEN:
                self.send_body(b"broken\n", "text/plain", status=503)
            else:
                self.send_body(b"ok\n", "text/plain")
            return
        answer = dict(IDENTITY)
        answer.update({
            "path": self.path,
            "client_ip": self.headers.get("X-Real-IP", self.client_address[0]),
            "forwarded_proto": self.headers.get("X-Forwarded-Proto", ""),
            "request_id": self.headers.get("X-Request-ID", ""),
        })
        self.send_body((json.dumps(answer, sort_keys=True) + "\n").encode(), "application/json")

    # HEAD answers as GET without the body (curl -I, uptime probes).
    do_HEAD = do_GET

    def send_body(self, body, content_type, status=200):
        """Send the status (200 by default) with the body (its headers only, for HEAD)."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Log to stderr (the journal) without the health checks."""
        if HEALTH_PATH not in self.requestline:
            super().log_message(format, *args)


def main():
    """Serve until stopped."""
    server = ThreadingHTTPServer((HOST, PORT), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
