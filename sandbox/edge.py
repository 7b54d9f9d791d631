"""The sandbox edge: HAProxy serving the load balancers that moto only describes.

moto keeps the load balancer's configuration but forwards no traffic. The edge gives the sandbox a data path:
it reads the ELBv2 state (and the certificates and DNS records) from moto, renders an HAProxy configuration with
``edge_config.render``, and runs Debian's HAProxy on 127.0.0.1 with it. A watcher re-renders whenever the
rollout changes a load balancer, certificate or record, and reloads HAProxy seamlessly (master-worker mode, the
listening sockets handed over to the new worker, server health carried over), so open connections are not dropped.

- TLS: the sandbox creates its own CA (``edge/ca.pem`` is the bundle to trust) and issues, for every ACM
  certificate a listener serves, a certificate with the same names.
- Ports: each listener gets a port on 127.0.0.1, its own when free (80 and 443 as root), another one when taken;
  the mapping is kept for the sandbox's life and printed.
- Names: the alias records in Route 53 tell which names reach which load balancer; ``status`` prints
  ``curl --resolve ... --cacert ...`` lines for them.
- Health: HAProxy checks every registered target at its container's address, on the target group's health
  check; the watcher writes HAProxy's view to ``edge/health.json`` about once a second, and the account's fidelity
  layer answers DescribeTargetHealth from it (``sandbox/account/target_health.py``).

The edge's own reads are signed with the observer access key, so that the API call counts of a rollout
(tests/harness/api_calls.py) leave them out.

Commands::

    python sandbox/edge.py watch  --workdir DIR --endpoint URL   # run the watcher (sandbox.py up starts it)
    python sandbox/edge.py status --workdir DIR                   # ports, names, curl lines, health (JSON)
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "harness"))

# pylint: disable-next=wrong-import-position
from api_calls import OBSERVER_ACCESS_KEY, classify, is_mutating, is_observer  # noqa: E402
# pylint: disable-next=wrong-import-position
from moto_server import free_port  # noqa: E402
# pylint: disable-next=wrong-import-position
import edge_config  # noqa: E402

REGION = "us-east-1"
WATCHED_SERVICES = ("elasticloadbalancing", "acm", "route53")
POLL_SECONDS = 0.25
DEBOUNCE_SECONDS = 0.3
ADDRESS_SECONDS = 2.0
REFRESH_SECONDS = 30.0
MOTO_GONE_SECONDS = 15.0
RELOAD_TIMEOUT = 15.0
HEALTH_SECONDS = 1.0


class EdgePaths:
    """The files of one sandbox's edge, under ``WORKDIR/edge``."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.root = workdir / "edge"
        self.config = self.root / "haproxy.cfg"
        self.ca_cert = self.root / "ca.pem"
        self.ca_key = self.root / "ca.key"
        self.certs = self.root / "certs"
        self.pid = self.root / "haproxy.pid"
        self.watch_pid = self.root / "watch.pid"
        # Unix socket paths are limited to about 100 bytes: a deep work directory gets its sockets in the temp dir.
        sockets = self.root
        if len(str(sockets / "master.sock")) > 100:
            sockets = Path(tempfile.gettempdir()) / f"webops-edge-{hashlib.sha256(str(self.root).encode()).hexdigest()[:12]}"
        self.sockets = sockets
        self.stats_socket = sockets / "stats.sock"
        self.master_socket = sockets / "master.sock"
        self.server_state = self.root / "server-state"
        self.ports = self.root / "ports.json"
        self.status = self.root / "status.json"
        # HAProxy's per-server health, written by the watcher about once a second for the account's target health.
        self.health_file = self.root / "health.json"
        self.snapshot = self.root / "snapshot.json"
        self.hosts = workdir / "hosts.json"
        self.recording = workdir / "recording.jsonl"
        self.log = self.root / "edge.log"


# ---------------------------------------------------------------------------
# Reading the account
# ---------------------------------------------------------------------------


def clients(endpoint: str) -> dict:
    """boto3 clients signed with the observer key (moto accepts any key)."""
    return {
        name: boto3.client(name, endpoint_url=endpoint, region_name=REGION,
                           aws_access_key_id=OBSERVER_ACCESS_KEY, aws_secret_access_key="testing")
        for name in ("elbv2", "acm", "route53")
    }


def _pages(client, operation: str, key: str, **kwargs) -> list:
    return [item for page in client.get_paginator(operation).paginate(**kwargs) for item in page[key]]


def collect_snapshot(aws: dict) -> dict:
    """The describe output the configuration is rendered from (JSON-ready)."""
    elbv2, acm, route53 = aws["elbv2"], aws["acm"], aws["route53"]
    snapshot = {"load_balancers": _pages(elbv2, "describe_load_balancers", "LoadBalancers"),
                "listeners": {}, "rules": {}, "listener_certificates": {}, "target_groups": [],
                "target_health": {}, "target_group_attributes": {}, "ssl_policies": {}, "certificates": {},
                "records": []}
    policies = set()
    for balancer in snapshot["load_balancers"]:
        listeners = _pages(elbv2, "describe_listeners", "Listeners", LoadBalancerArn=balancer["LoadBalancerArn"])
        snapshot["listeners"][balancer["LoadBalancerArn"]] = listeners
        for listener in listeners:
            arn = listener["ListenerArn"]
            if listener["Protocol"] in ("HTTP", "HTTPS"):
                snapshot["rules"][arn] = elbv2.describe_rules(ListenerArn=arn)["Rules"]
            if listener["Protocol"] in ("HTTPS", "TLS"):
                snapshot["listener_certificates"][arn] = elbv2.describe_listener_certificates(ListenerArn=arn)["Certificates"]
                policies.add(listener.get("SslPolicy") or "ELBSecurityPolicy-2016-08")
    snapshot["target_groups"] = _pages(elbv2, "describe_target_groups", "TargetGroups")
    for group in snapshot["target_groups"]:
        arn = group["TargetGroupArn"]
        snapshot["target_health"][arn] = elbv2.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
        snapshot["target_group_attributes"][arn] = elbv2.describe_target_group_attributes(TargetGroupArn=arn)["Attributes"]
    if policies:
        for policy in elbv2.describe_ssl_policies(Names=sorted(policies))["SslPolicies"]:
            snapshot["ssl_policies"][policy["Name"]] = policy
    for arn in edge_config.served_certificate_arns(snapshot):
        snapshot["certificates"][arn] = acm.describe_certificate(CertificateArn=arn)["Certificate"]
    for zone in _pages(route53, "list_hosted_zones", "HostedZones"):
        snapshot["records"] += [r for r in _pages(route53, "list_resource_record_sets", "ResourceRecordSets", HostedZoneId=zone["Id"])
                                if r["Type"] in ("A", "AAAA")]
    return json.loads(json.dumps(snapshot, default=str))


# ---------------------------------------------------------------------------
# The sandbox CA and the listeners' certificates
# ---------------------------------------------------------------------------


def _pem_key(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def ensure_ca(paths: EdgePaths, sandbox_name: str) -> None:
    """Create the sandbox CA once (key kept beside it, mode 600)."""
    if paths.ca_cert.exists() and paths.ca_key.exists():
        return
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "webops.https_rollout sandbox"),
                      x509.NameAttribute(NameOID.COMMON_NAME, f"Sandbox CA {sandbox_name}")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=730))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    paths.root.mkdir(parents=True, exist_ok=True)
    paths.ca_key.write_bytes(_pem_key(key))
    paths.ca_key.chmod(0o600)
    paths.ca_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def certificate_file(paths: EdgePaths, arn: str, described: dict) -> Path:
    """The PEM (certificate then key) the edge serves for an ACM certificate: same names, signed by the sandbox CA.

    It is issued once per certificate ARN and name set, so a re-render reuses it.
    """
    names = edge_config.acm_names(described)
    digest = hashlib.sha256(json.dumps([arn, names]).encode()).hexdigest()[:16]
    target = paths.certs / f"{arn.rsplit('/', 1)[-1]}-{digest}.pem"
    if target.exists():
        return target
    ca_key = serialization.load_pem_private_key(paths.ca_key.read_bytes(), password=None)
    ca_cert = x509.load_pem_x509_certificate(paths.ca_cert.read_bytes())
    algorithm = described.get("KeyAlgorithm", "RSA_2048")
    key = ec.generate_private_key(ec.SECP256R1()) if algorithm.startswith("EC") else rsa.generate_private_key(65537, 2048)
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
            .issuer_name(ca_cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=395))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths.certs.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".tmp")
    partial.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + _pem_key(key))
    partial.chmod(0o600)
    partial.replace(target)
    return target


# ---------------------------------------------------------------------------
# Ports and addresses
# ---------------------------------------------------------------------------


def port_free(port: int) -> bool:
    """Whether 127.0.0.1:port can be bound now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((edge_config.LOCALHOST, port))
        except OSError:
            return False
    return True


def reserve_ports(paths: EdgePaths, prefer_own: bool) -> dict:
    """Choose (once per sandbox) the local ports of the HTTP:80 and HTTPS:443 listeners; returns the port map.

    With ``prefer_own`` the listeners keep 80 and 443 when those are free; otherwise (or when taken) they get
    free ports. The choice is written to ``edge/ports.json`` before the rollout, so the inventory can name it.
    """
    if paths.ports.exists():
        return json.loads(paths.ports.read_text(encoding="utf-8"))
    defaults = {}
    for port in (80, 443):
        defaults[str(port)] = port if prefer_own and port_free(port) else free_port()
    mapping = {"defaults": defaults, "assigned": {}}
    paths.root.mkdir(parents=True, exist_ok=True)
    paths.ports.write_text(json.dumps(mapping, indent=2), encoding="utf-8")
    return mapping


def assign_ports(paths: EdgePaths, snapshot: dict) -> dict:
    """``{"<lb>:<port>": local port}`` for every listener, new listeners getting a port that stays theirs."""
    mapping = json.loads(paths.ports.read_text(encoding="utf-8"))
    assigned = mapping["assigned"]
    used = set(assigned.values())
    for balancer in sorted(snapshot["load_balancers"], key=lambda b: b["LoadBalancerName"]):
        for listener in snapshot["listeners"].get(balancer["LoadBalancerArn"], []):
            key = f"{balancer['LoadBalancerName']}:{listener['Port']}"
            if key in assigned or "UDP" in listener["Protocol"]:
                continue
            default = mapping["defaults"].get(str(listener["Port"]))
            if default and default not in used:
                assigned[key] = default
            elif listener["Port"] not in used and port_free(listener["Port"]):
                assigned[key] = listener["Port"]
            else:
                assigned[key] = free_port()
            used.add(assigned[key])
    paths.ports.write_text(json.dumps(mapping, indent=2), encoding="utf-8")
    return assigned


def source_cidr() -> str:
    """The network the edge's connections to the containers come from (Docker's default bridge)."""
    found = subprocess.run(["docker", "network", "inspect", "bridge", "--format", "{{range .IPAM.Config}}{{.Subnet}} {{end}}"],
                           capture_output=True, text=True, check=False).stdout.split()
    return next((cidr for cidr in found if "." in cidr), "172.17.0.0/16")


def container_addresses(paths: EdgePaths, known: dict) -> dict:
    """``{instance ID: container IP}`` for the sandbox's web hosts; a stopped container keeps its last address."""
    hosts = json.loads(paths.hosts.read_text(encoding="utf-8")) if paths.hosts.exists() else {}
    addresses = dict(known)
    for instance_id, container in hosts.items():
        found = subprocess.run(
            ["docker", "inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", container],
            capture_output=True, text=True, check=False,
        ).stdout.split()
        if found:
            addresses[instance_id] = found[0]
    return addresses


# ---------------------------------------------------------------------------
# HAProxy
# ---------------------------------------------------------------------------


def haproxy_command(socket_path: Path, command: str, timeout: float = 5) -> str:
    """Send one command to HAProxy's stats socket and return the answer ('' when nothing answers)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(str(socket_path))
            conn.sendall(command.encode() + b"\n")
            chunks = []
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
    except OSError:
        return ""
    return b"".join(chunks).decode("utf-8", errors="replace")


def worker_pid(paths: EdgePaths) -> int | None:
    """PID of the HAProxy worker that serves now (from ``show info``)."""
    for line in haproxy_command(paths.stats_socket, "show info", timeout=2).splitlines():
        if line.startswith("Pid:"):
            return int(line.split(":", 1)[1])
    return None


def running_pid(pid_file: Path) -> int | None:
    """The PID a pid file names (its first word) when that process runs, else None."""
    try:
        pid = int(pid_file.read_text(encoding="utf-8").split()[0])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return None
    return pid


def terminate(pid: int, running, seconds: float, group: bool = False) -> None:
    """SIGTERM a process (or its process group), wait until ``running()`` is false, SIGKILL after ``seconds``."""
    send = os.killpg if group else os.kill
    try:
        send(pid, signal.SIGTERM)
    except OSError:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + seconds
    while running():
        if time.monotonic() > deadline:
            send(pid, signal.SIGKILL)
            return
        time.sleep(0.05)


def master_pid(paths: EdgePaths) -> int | None:
    """PID of the running HAProxy master, or None."""
    return running_pid(paths.pid)


def check_config(config: Path) -> str | None:
    """HAProxy's complaint about a configuration file, or None when it is valid."""
    checked = subprocess.run(["haproxy", "-c", "-q", "-f", str(config)], capture_output=True, text=True, check=False)
    return None if checked.returncode == 0 else (checked.stderr or checked.stdout).strip()


def start_haproxy(paths: EdgePaths) -> None:
    """Start HAProxy in master-worker mode, daemonised, with a master CLI socket."""
    subprocess.run(["haproxy", "-W", "-D", "-f", str(paths.config), "-p", str(paths.pid), "-S", str(paths.master_socket)],
                   check=True, capture_output=True, text=True)
    wait_worker(paths, None)


def wait_worker(paths: EdgePaths, old: int | None) -> int:
    """Wait until a worker other than ``old`` answers on the stats socket; its PID."""
    deadline = time.monotonic() + RELOAD_TIMEOUT
    while time.monotonic() < deadline:
        pid = worker_pid(paths)
        if pid and pid != old:
            return pid
        time.sleep(0.02)
    raise RuntimeError(f"HAProxy did not answer with a new worker within {RELOAD_TIMEOUT}s")


def reload_haproxy(paths: EdgePaths) -> None:
    """Seamless reload: keep the servers' health, hand the listening sockets over, let old connections finish."""
    old = worker_pid(paths)
    state = haproxy_command(paths.stats_socket, "show servers state")
    if state.startswith("1\n"):
        paths.server_state.write_text(state, encoding="utf-8")
    os.kill(master_pid(paths), signal.SIGUSR2)
    wait_worker(paths, old)


def stop_haproxy(paths: EdgePaths) -> None:
    """Stop HAProxy (master and workers)."""
    pid = master_pid(paths)
    if pid is None:
        return
    terminate(pid, lambda: master_pid(paths) is not None, 5)
    paths.pid.unlink(missing_ok=True)


def health(paths: EdgePaths) -> dict:
    """HAProxy's view of every server: ``{target group: {server: {status, check, check_detail, last_change}}}``."""
    text = haproxy_command(paths.stats_socket, "show stat")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or not lines[0].startswith("# "):
        return {}
    columns = lines[0][2:].split(",")
    view = {}
    for line in lines[1:]:
        row = dict(zip(columns, line.split(",")))
        if row.get("svname") in ("FRONTEND", "BACKEND") or not row.get("pxname", "").startswith("tg_") or row.get("bck") == "1":
            continue  # frontends, totals, and the fail-open copies of the targets
        view.setdefault(row["pxname"][3:], {})[row["svname"]] = {
            "status": row.get("status", ""), "check": row.get("check_status", ""),
            "check_detail": row.get("last_chk", ""), "last_change": row.get("lastchg", ""),
        }
    return view


def health_word(status: str) -> str:
    """An HAProxy server status in the target-health words of the ELB (healthy, unhealthy, ...)."""
    word = status.split()[0] if status else ""
    if word == "UP":
        return "healthy" if status == "UP" else "healthy, failing checks"
    if word == "DOWN":
        return "unhealthy" if status == "DOWN" else "unhealthy, passing checks"
    if word in ("MAINT", "DRAIN"):
        return "draining" if word == "DRAIN" else "unused"
    if word == "no":
        return "unavailable (not checked)"
    return status.lower() or "unknown"


# ---------------------------------------------------------------------------
# The watcher
# ---------------------------------------------------------------------------


class Watcher:
    """Keep HAProxy in step with the sandbox account."""

    def __init__(self, paths: EdgePaths, endpoint: str, name: str) -> None:
        self.paths = paths
        self.endpoint = endpoint
        self.name = name
        self.aws = clients(endpoint)
        self.addresses = {}
        self.offset = paths.recording.stat().st_size if paths.recording.exists() else 0
        self.rendered = None
        self.generation = 0
        self.stopping = False
        # What HAProxy serves now: generation, fingerprint and timings of the last (re)load, kept across no-op renders.
        self.serving = {"generation": 0}

    def log(self, message: str) -> None:
        """One timestamped line in edge.log (the watcher's stdout)."""
        print(f"{datetime.datetime.now().isoformat(timespec='milliseconds')} {message}", flush=True)

    def account_changed(self) -> bool:
        """Whether moto served a mutating ELBv2, ACM or Route 53 call (not ours) since the last look."""
        if not self.paths.recording.exists():
            return False
        if self.paths.recording.stat().st_size < self.offset:  # the log was started anew
            self.offset = 0
        with open(self.paths.recording, "rb") as recording:
            recording.seek(self.offset)
            chunk = recording.read()
        complete = chunk[:chunk.rfind(b"\n") + 1]
        self.offset += len(complete)
        for line in complete.splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if is_observer(entry):
                continue
            service, action = classify(entry)
            if service in WATCHED_SERVICES and is_mutating(action):
                return True
        return False

    def apply(self, reason: str) -> None:
        """Render from the account; when the configuration changed, check it and (re)load HAProxy."""
        started = time.monotonic()
        snapshot = collect_snapshot(self.aws)
        read_done = time.monotonic()
        ports = assign_ports(self.paths, snapshot)
        files = {arn: str(certificate_file(self.paths, arn, snapshot["certificates"][arn]))
                 for arn in edge_config.certificate_names(snapshot)}
        ctx = edge_config.Context(ports=ports, addresses=self.addresses, certificate_files=files,
                                  crt_list_dir=str(self.paths.root), stats_socket=str(self.paths.stats_socket),
                                  server_state_file=str(self.paths.server_state))
        text = edge_config.render(snapshot, ctx)
        rendered = time.monotonic()
        self.paths.snapshot.write_text(json.dumps(snapshot, indent=1, sort_keys=True), encoding="utf-8")
        key = (text, tuple(sorted(ctx.crt_lists.items())))
        status = {"endpoint": self.endpoint, "ports": ports, "ca": str(self.paths.ca_cert),
                  "names": name_map(snapshot, ports), "error": None, **self.serving}
        if key == self.rendered and master_pid(self.paths):
            self.write_status(status)
            return
        for path, content in ctx.crt_lists.items():
            Path(path).write_text(content, encoding="utf-8")
        for stale in set(self.paths.root.glob("*.crtlist")) - {Path(path) for path in ctx.crt_lists}:
            stale.unlink()
        candidate = self.paths.config.with_suffix(".cfg.new")
        candidate.write_text(text, encoding="utf-8")
        problem = check_config(candidate)
        if problem:
            status["error"] = f"rendered configuration refused by haproxy -c: {problem}"
            self.log(status["error"])
            self.write_status(status)
            self.rendered = key
            return
        candidate.replace(self.paths.config)
        running = master_pid(self.paths)
        if running:
            reload_haproxy(self.paths)
        else:
            start_haproxy(self.paths)
        done = time.monotonic()
        self.rendered = key
        self.generation += 1
        self.serving = {"generation": self.generation, "fingerprint": edge_config.fingerprint(configuration_text(self.paths)),
                        "read_ms": round((read_done - started) * 1000), "render_ms": round((rendered - read_done) * 1000),
                        "reload_ms": round((done - rendered) * 1000), "total_ms": round((done - started) * 1000)}
        status.update(self.serving)
        self.write_status(status)
        self.log(f"generation {self.generation} ({reason}): {'reloaded' if running else 'started'}; read {status['read_ms']} ms, "
                 f"render {status['render_ms']} ms, check+{'reload' if running else 'start'} {status['reload_ms']} ms")

    def write_status(self, status: dict) -> None:
        """Publish the edge's state for ``status`` and the sandbox summary (atomically)."""
        status["updated"] = time.time()
        partial = self.paths.status.with_suffix(".tmp")
        partial.write_text(json.dumps(status, indent=2, sort_keys=True), encoding="utf-8")
        partial.replace(self.paths.status)

    def export_health(self) -> None:
        """Write HAProxy's per-server health for the account's DescribeTargetHealth (sandbox/account/target_health.py)."""
        running = master_pid(self.paths) is not None
        view = {"updated": time.time(), "running": running, "groups": health(self.paths) if running else {}}
        partial = self.paths.health_file.with_suffix(".tmp")
        partial.write_text(json.dumps(view, sort_keys=True), encoding="utf-8")
        partial.replace(self.paths.health_file)

    def moto_answers(self) -> bool:
        """Whether moto still answers."""
        try:
            self.aws["elbv2"].describe_load_balancers(PageSize=1)
        except Exception:  # pylint: disable=broad-except
            return False
        return True

    def run(self) -> None:
        """Watch until moto is gone, the work directory is removed or a signal arrives; stop HAProxy on the way out."""
        ensure_ca(self.paths, self.name)
        self.paths.sockets.mkdir(parents=True, exist_ok=True)
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self.paths.watch_pid.write_text(str(os.getpid()), encoding="utf-8")
        dirty, reason = True, "start"
        last_addresses = last_refresh = last_answer = last_health = 0.0
        try:
            while not self.stopping and self.paths.hosts.exists():
                now = time.monotonic()
                if now - last_health >= HEALTH_SECONDS:
                    last_health = now
                    self.export_health()
                if now - last_addresses >= ADDRESS_SECONDS:
                    last_addresses = now
                    addresses = container_addresses(self.paths, self.addresses)
                    if addresses != self.addresses:
                        self.addresses = addresses
                        dirty, reason = True, "target addresses"
                if self.account_changed():
                    time.sleep(DEBOUNCE_SECONDS)
                    self.account_changed()
                    dirty, reason = True, "account changed"
                if now - last_refresh >= REFRESH_SECONDS:
                    dirty, reason = True, reason if dirty else "periodic refresh"
                if dirty:
                    try:
                        self.apply(reason)
                        last_answer = time.monotonic()
                        dirty = False
                    except Exception as exc:  # pylint: disable=broad-except
                        self.log(f"render failed ({reason}): {exc.__class__.__name__}: {exc}")
                        if time.monotonic() - last_answer > MOTO_GONE_SECONDS and not self.moto_answers():
                            self.log("moto does not answer any more: the edge stops")
                            break
                        time.sleep(1)
                    last_refresh = time.monotonic()
                time.sleep(POLL_SECONDS)
        finally:
            stop_haproxy(self.paths)
            self.paths.watch_pid.unlink(missing_ok=True)
            self.log("stopped")

    def _stop(self, _signum, _frame) -> None:
        self.stopping = True


def configuration_text(paths: EdgePaths) -> str:
    """What HAProxy is given: haproxy.cfg and the crt-lists it names (which certificate serves which listener)."""
    files = [paths.config] + sorted(paths.root.glob("*.crtlist"))
    return "".join(f"# {path.name}\n{path.read_text(encoding='utf-8')}\n" for path in files if path.exists())


def name_map(snapshot: dict, ports: dict) -> dict:
    """``{name: {"load_balancer", "http", "https"}}``: the local ports each DNS name reaches through its alias."""
    names = {}
    for name, balancer in edge_config.name_routes(snapshot).items():
        entry = {"load_balancer": balancer}
        arn = next(b["LoadBalancerArn"] for b in snapshot["load_balancers"] if b["LoadBalancerName"] == balancer)
        for listener in snapshot["listeners"].get(arn, []):
            scheme = {"HTTP": "http", "HTTPS": "https", "TLS": "https"}.get(listener["Protocol"])
            local = ports.get(f"{balancer}:{listener['Port']}")
            if scheme and local and scheme not in entry:
                entry[scheme] = local
        names[name] = entry
    return names


def curl_lines(status: dict) -> list[str]:
    """``curl`` commands a user can paste to reach each name through the edge."""
    lines = []
    for name, entry in sorted(status.get("names", {}).items()):
        if "*" in name:
            continue
        if entry.get("http"):
            port = entry["http"]
            url = f"http://{name}{'' if port == 80 else f':{port}'}/"
            lines.append(f"curl -sS -o /dev/null -w '%{{http_code}} %{{redirect_url}}\\n' --resolve {name}:{port}:127.0.0.1 {url}")
        if entry.get("https"):
            port = entry["https"]
            url = f"https://{name}{'' if port == 443 else f':{port}'}/"
            lines.append(f"curl -sS --resolve {name}:{port}:127.0.0.1 --cacert {shlex.quote(status['ca'])} {url}")
    return lines


def read_status(paths: EdgePaths) -> dict:
    """The watcher's last published state plus HAProxy's live health view ({} when the edge never ran)."""
    if not paths.status.exists():
        return {}
    status = json.loads(paths.status.read_text(encoding="utf-8"))
    status["health"] = health(paths)
    status["running"] = master_pid(paths) is not None
    status["curl"] = curl_lines(status)
    return status


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("command", choices=["watch", "status"])
    parser.add_argument("--workdir", type=Path, required=True, help="the sandbox's work directory")
    parser.add_argument("--endpoint", help="moto's URL (watch)")
    parser.add_argument("--name", default="sandbox", help="sandbox name, in the CA's name (watch)")
    args = parser.parse_args(argv)
    paths = EdgePaths(args.workdir.resolve())
    if args.command == "watch":
        if not args.endpoint:
            parser.error("watch needs --endpoint")
        Watcher(paths, args.endpoint, args.name).run()
    else:
        print(json.dumps(read_status(paths), indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
