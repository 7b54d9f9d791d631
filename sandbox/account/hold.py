"""A fault-injection hook for tests: hold moto's answer to one API action until the test lets it go.

A test that wants to kill a playbook "as the load balancer is created" cannot race the request log: one engine
process sends its next calls within milliseconds of the one the test watches for. With a hold file, the moment is
exact. The test writes ``{"service": "elasticloadbalancing", "action": "CreateLoadBalancer"}`` to the hold file;
moto processes the next matching request in full (the resource exists) and then, before it answers, writes the
marker file ``HOLD_FILE.held`` and waits until the hold file is gone (at most ``MAX_HOLD`` seconds). The test kills
the playbook while the answer is held and removes the hold file: the client never sees the answer, as when a
connection drops on AWS after the request was served.

The service comes from the request's SigV4 credential scope, the action from ``X-Amz-Target`` (JSON protocols) or
the ``Action`` parameter (query protocols). REST services (Route 53) are matched by the service alone when the hold
file names no action.
"""

from __future__ import annotations

import io
import json
import re
import time
import urllib.parse
from pathlib import Path

MAX_HOLD = 300.0
SCOPE = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request")


def request_action(environ: dict) -> tuple[str, str]:
    """(service, action) of a WSGI request to moto; the body is read and put back for moto."""
    match = SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    service = match.group(1) if match else ""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:
        return service, target.rsplit(".", 1)[-1]
    query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    if "Action" in query:
        return service, query["Action"][0]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    if "x-www-form-urlencoded" in environ.get("CONTENT_TYPE", ""):
        form = urllib.parse.parse_qs(body.decode("utf-8", errors="replace"))
        if "Action" in form:
            return service, form["Action"][0]
    return service, ""


class HoldMiddleware:  # pylint: disable=too-few-public-methods
    """WSGI middleware around moto's app: holds the answer to the action named in the hold file."""

    def __init__(self, app, hold_file: str):
        self.app = app
        self.hold_file = Path(hold_file)
        self.marker = Path(f"{hold_file}.held")

    def wanted(self) -> dict | None:
        """The hold file's request, or None when there is none (or it is being written)."""
        try:
            return json.loads(self.hold_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def __call__(self, environ, start_response):
        wanted = self.wanted()
        if not wanted:
            return self.app(environ, start_response)
        service, action = request_action(environ)
        if service != wanted.get("service") or wanted.get("action", "") not in ("", action):
            return self.app(environ, start_response)
        answer: list = []

        def remember(status, headers, exc_info=None):
            answer[:] = [status, headers, exc_info]
            return lambda _data: None

        body = b"".join(self.app(environ, remember))
        self.marker.write_text(json.dumps({"service": service, "action": action}), encoding="utf-8")
        deadline = time.monotonic() + MAX_HOLD
        while self.hold_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.marker.unlink(missing_ok=True)
        start_response(*answer)
        return [body]
