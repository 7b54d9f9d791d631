"""The sandbox's AWS account: moto in server mode with the fidelity layer installed in-process.

    python sandbox/account/server.py -H 127.0.0.1 -p PORT [--fidelity all|none|NAME,...] [--dns-port PORT] ...

It imports moto, installs the enabled behaviours (one module each in this package) on moto's backends and response
handlers, starts the sandbox DNS server (a thread, on 127.0.0.1) and then serves moto as ``moto_server`` does
(moto's WSGI app on werkzeug's threaded server). moto reads its environment at import (recording, ACM wait), so set it before starting this.
``--fidelity none`` serves plain moto (and no DNS server unless ``--dns-port`` is given).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# pylint: disable-next=wrong-import-position
from account.settings import BEHAVIOURS, Settings, parse_selection  # noqa: E402


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (the DNS server takes it for UDP and TCP)."""
    import socket  # pylint: disable=import-outside-toplevel

    for _attempt in range(20):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            try:
                udp.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise OSError("no free port for the DNS server")


def parser() -> argparse.ArgumentParser:
    """The launcher's command line (moto's -H/-p plus the layer's switches)."""
    cli = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    cli.add_argument("-H", "--host", default="127.0.0.1")
    cli.add_argument("-p", "--port", type=int, required=True)
    cli.add_argument("--fidelity", default="all",
                     help=f"all, none, or a comma-separated list of: {', '.join(BEHAVIOURS)} "
                          "(or '-name,...' to switch some off)")
    cli.add_argument("--dns-port", type=int, default=None, help="the DNS server's UDP/TCP port (default: a free one)")
    cli.add_argument("--acm-issue-delay", type=float, default=2.0,
                     help="seconds from validation records resolving to ISSUED (default 2)")
    cli.add_argument("--acm-timeout", type=float, default=600.0,
                     help="seconds until a certificate that never validates is VALIDATION_TIMED_OUT (default 600)")
    cli.add_argument("--lb-delay", type=float, default=3.0, help="seconds a new load balancer is provisioning (default 3)")
    cli.add_argument("--route53-delay", type=float, default=2.0, help="seconds a Route 53 change is PENDING (default 2)")
    cli.add_argument("--edge-health", default=None, help="the edge's health file (WORKDIR/edge/health.json)")
    cli.add_argument("--unchecked-targets", choices=["initial", "healthy"], default="initial",
                     help="health of targets no edge checks (default initial, as AWS without checks)")
    cli.add_argument("--state-file", default=None, help="write the DNS port and the enabled behaviours here (JSON)")
    cli.add_argument("--hold-file", default=None,
                     help="tests: hold the answer to the action this JSON file names until it is removed (see hold.py)")
    return cli


def install(settings: Settings) -> None:
    """Install every enabled behaviour (each module's ``install``)."""
    for name in BEHAVIOURS:
        if settings.on(name):
            importlib.import_module(f"account.{name}").install(settings)


def main(argv: list[str] | None = None) -> None:
    """Parse, patch moto, start the DNS server, serve moto (blocks)."""
    args = parser().parse_args(argv)
    try:
        enabled = parse_selection(args.fidelity)
    except ValueError as exc:
        raise SystemExit(f"server.py: {exc}") from exc
    settings = Settings(enabled=enabled, acm_issue_delay=args.acm_issue_delay, acm_timeout=args.acm_timeout,
                        lb_delay=args.lb_delay, route53_delay=args.route53_delay, edge_health=args.edge_health,
                        unchecked_targets=args.unchecked_targets)
    # pylint: disable-next=import-outside-toplevel
    from account import dns_server

    if enabled or args.dns_port:
        settings.dns_port = args.dns_port or free_port()
        dns_server.start(settings.dns_port, args.host)
    install(settings)
    state = {"fidelity": sorted(enabled), "dns_port": settings.dns_port,
             "delays": {"acm_issue": settings.acm_issue_delay, "acm_timeout": settings.acm_timeout,
                        "lb": settings.lb_delay, "route53": settings.route53_delay},
             "unchecked_targets": settings.unchecked_targets}
    if args.state_file:
        Path(args.state_file).write_text(json.dumps(state, indent=2), encoding="utf-8")
    print(f"account: fidelity {', '.join(sorted(enabled)) or 'none'}; DNS on {args.host}:{settings.dns_port}", flush=True)
    serve(args.host, args.port, args.hold_file)


def serve(host: str, port: int, hold_file: str | None = None) -> None:
    """Serve moto as ``moto_server`` does (its WSGI app on werkzeug, threaded); SIGTERM/SIGINT end the process at once.

    moto's own handler raises SystemExit, after which the interpreter waits for open keep-alive connections' threads.
    """
    # pylint: disable=import-outside-toplevel
    import os
    import signal

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple

    os.environ.setdefault("MOTO_PORT", str(port))

    def stop(_signum, _frame):
        sys.stdout.flush()
        os._exit(0)  # pylint: disable=protected-access

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    app = DomainDispatcherApplication(create_backend_app)
    app.debug = True  # as moto.server.main
    if hold_file:
        from account.hold import HoldMiddleware

        app = HoldMiddleware(app, hold_file)
    run_simple(host, port, app, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
