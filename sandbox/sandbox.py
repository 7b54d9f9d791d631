"""The offline sandbox: an AWS account (moto on 127.0.0.1) and two web hosts (local systemd containers).

Commands (each takes ``--name``, ``--port`` and ``--workdir``; ``make demo`` uses the defaults)::

    python sandbox/sandbox.py up        # start or reuse moto and the containers, seed the account, write the inventory
    python sandbox/sandbox.py summary   # print the rollout as AWS (moto) sees it
    python sandbox/sandbox.py down      # stop moto, remove the containers and the work directory

``up`` is idempotent: a running sandbox of the same name is reused as it is, so a second ``make demo`` finds
the state the first one left and the second site.yml run changes nothing.

The account is moto with the sandbox's fidelity layer (``sandbox/account/server.py``): ACM validates through the
sandbox DNS server (which answers from the Route 53 zones on 127.0.0.1), load balancers provision, targets get their
health from the edge's checks, and so on; ``--fidelity`` switches the behaviours (``none`` is plain moto).

``up`` also starts the sandbox edge (``sandbox/edge.py``): HAProxy on 127.0.0.1, rendered from the load balancers
in moto and re-rendered when the rollout changes them, so the rollout can be checked by real HTTPS requests.

The seed creates what an account already has before a rollout: a VPC, two subnets in two availability zones,
one EC2 instance per web host (its ID becomes the host's ``instance_id`` hostvar) and the hosted zone
``example.test``. None of it carries a stack's ownership tag, so a teardown leaves it alone.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import boto3
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

import edge

HOST = "127.0.0.1"
REGION = "us-east-1"
IMAGE = os.environ.get("IMAGE_NAME", "webops-https-rollout/debian-systemd:bookworm")
ZONE = "example.test"
VPC_CIDR = "10.80.0.0/16"
SUBNETS = (("10.80.1.0/24", "us-east-1a"), ("10.80.2.0/24", "us-east-1b"))
WEB_HOSTS = ("web1", "web2")
SEED_TAG = "webops-sandbox"
# The platform settings that run systemd in a container here (no --privileged: see the Molecule scenarios).
CONTAINER_ARGS = [
    "--cap-add", "SYS_ADMIN", "--cap-add", "NET_ADMIN", "--cgroupns", "host",
    "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw", "--tmpfs", "/run", "--tmpfs", "/run/lock",
]


# The fidelity layer's delays (seconds) for the demo; tests pass shorter ones. See sandbox/account/server.py.
DEMO_DELAYS = {"lb": 4.0, "acm_issue": 3.0, "acm_timeout": 600.0, "route53": 2.0}
LAUNCHER = Path(__file__).resolve().parent / "account" / "server.py"


class Sandbox:
    """One named sandbox: its moto server, its containers and its work directory."""

    # pylint: disable-next=too-many-arguments
    def __init__(self, name: str, port: int, workdir: Path, acm_wait: int, edge_own_ports: bool = True,
                 fidelity: str | None = None, delays: dict | None = None) -> None:
        self.name = name
        self.port = port
        self.workdir = workdir
        self.acm_wait = acm_wait
        self.edge_own_ports = edge_own_ports
        self.fidelity = fidelity or os.environ.get("SANDBOX_FIDELITY", "all")
        self.delays = {**DEMO_DELAYS, **(delays or {})}
        self.account_state = workdir / "account.json"
        self.pid_file = workdir / "moto.pid"
        self.recording = workdir / "recording.jsonl"
        # Tests: moto holds its answer to the action this file names (sandbox/account/hold.py).
        self.hold_file = workdir / "hold.json"
        self.inventory = workdir / "inventory.yml"
        self.edge = edge.EdgePaths(workdir)

    @property
    def endpoint(self) -> str:
        """moto's URL."""
        return f"http://{HOST}:{self.port}"

    def client(self, service: str):
        """A boto3 client for moto, with moto's dummy credentials."""
        return boto3.client(
            service, endpoint_url=self.endpoint, region_name=REGION,
            aws_access_key_id="testing", aws_secret_access_key="testing",
        )

    def container(self, host: str) -> str:
        """Container name of a web host."""
        return f"webops-{self.name}-{host}"

    # -- moto --------------------------------------------------------------

    def moto_pid(self) -> int | None:
        """PID of this sandbox's moto server when it runs, else None."""
        return edge.running_pid(self.pid_file)

    def account(self) -> dict:
        """What the account launcher wrote: the fidelity behaviours on, the DNS server's port, the delays."""
        try:
            return json.loads(self.account_state.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def moto_answers(self) -> bool:
        """Whether something answers HTTP on moto's port."""
        try:
            with urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=2):
                return True
        except urllib.error.HTTPError:
            return True
        except (urllib.error.URLError, OSError):
            return False

    def start_moto(self) -> None:
        """Start moto in the background (own session, pid file) unless this sandbox's moto runs already."""
        if self.moto_pid() and self.moto_answers():
            print(f"sandbox: moto on {self.endpoint} reused")
            return
        if self.moto_answers():
            raise SystemExit(f"sandbox: port {self.port} is taken by another process; pick another with --port")
        env = dict(os.environ)
        env.update(
            MOTO_ACM_VALIDATION_WAIT=str(self.acm_wait),
            MOTO_ENABLE_RECORDING="True",
            MOTO_RECORDER_FILEPATH=str(self.recording),
        )
        self.account_state.unlink(missing_ok=True)
        self.hold_file.unlink(missing_ok=True)
        command = [sys.executable, str(LAUNCHER), "-H", HOST, "-p", str(self.port), "--fidelity", self.fidelity,
                   "--lb-delay", str(self.delays["lb"]), "--acm-issue-delay", str(self.delays["acm_issue"]),
                   "--acm-timeout", str(self.delays["acm_timeout"]), "--route53-delay", str(self.delays["route53"]),
                   "--edge-health", str(self.edge.health_file), "--state-file", str(self.account_state),
                   "--hold-file", str(self.hold_file)]
        with open(self.workdir / "moto.log", "ab") as log:
            proc = subprocess.Popen(  # pylint: disable=consider-using-with
                command,
                env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.pid_file.write_text(str(proc.pid), encoding="utf-8")
        deadline = time.monotonic() + 20
        while not self.moto_answers():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"sandbox: moto did not start, see {self.workdir / 'moto.log'}")
            time.sleep(0.2)
        account = self.account()
        if account.get("fidelity"):
            print(f"sandbox: moto on {self.endpoint} (pid {proc.pid}) with the fidelity layer: "
                  f"{', '.join(account['fidelity'])}; delays {json.dumps(account['delays'])}")
        else:
            print(f"sandbox: moto on {self.endpoint} (pid {proc.pid}), plain (ACM issues after {self.acm_wait} s)")
        if account.get("dns_port"):
            print(f"sandbox: DNS server on 127.0.0.1:{account['dns_port']} (the Route 53 zones in moto)")

    def stop_moto(self) -> None:
        """Stop this sandbox's moto server (its whole process group)."""
        pid = self.moto_pid()
        if pid is None:
            return
        edge.terminate(pid, lambda: self.moto_pid() is not None, 5, group=True)
        print(f"sandbox: moto (pid {pid}) stopped")

    # -- containers --------------------------------------------------------

    def start_containers(self) -> None:
        """Run one systemd container per web host from the local image, or reuse the running ones."""
        for host in WEB_HOSTS:
            name = self.container(host)
            state = subprocess.run(
                ["docker", "inspect", "--format", "{{.State.Running}}", name],
                capture_output=True, text=True, check=False,
            )
            if state.returncode == 0 and state.stdout.strip() == "true":
                print(f"sandbox: container {name} reused")
                continue
            if state.returncode == 0:
                subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)
            subprocess.run(
                ["docker", "run", "-d", "--name", name, "--hostname", host, "--label", f"webops.sandbox={self.name}"]
                + CONTAINER_ARGS + [IMAGE],
                check=True, stdout=subprocess.DEVNULL,
            )
            print(f"sandbox: container {name} started")

    def remove_containers(self) -> None:
        """Remove every container labelled with this sandbox's name."""
        ids = subprocess.run(
            ["docker", "ps", "-aq", "--filter", f"label=webops.sandbox={self.name}"],
            capture_output=True, text=True, check=False,
        ).stdout.split()
        if ids:
            subprocess.run(["docker", "rm", "-f"] + ids, capture_output=True, check=False)
            print(f"sandbox: {len(ids)} container(s) removed")

    # -- the edge ----------------------------------------------------------

    def edge_watcher_pid(self) -> int | None:
        """PID of this sandbox's edge watcher when it runs, else None."""
        return edge.running_pid(self.edge.watch_pid)

    def start_edge(self, seed: dict) -> dict:
        """Map the instances to their containers, choose the edge's ports, start the watcher; return the ports."""
        self.edge.root.mkdir(parents=True, exist_ok=True)
        hosts = {instance_id: self.container(host) for host, instance_id in seed["instances"].items()}
        self.edge.hosts.write_text(json.dumps(hosts, indent=2), encoding="utf-8")
        ports = edge.reserve_ports(self.edge, self.edge_own_ports)["defaults"]
        if self.edge_watcher_pid():
            print(f"sandbox: edge reused (HTTP:80 on 127.0.0.1:{ports['80']}, HTTPS:443 on 127.0.0.1:{ports['443']})")
            return ports
        edge.ensure_ca(self.edge, self.name)
        with open(self.edge.log, "ab") as log:
            proc = subprocess.Popen(  # pylint: disable=consider-using-with
                [sys.executable, str(Path(edge.__file__).resolve()), "watch", "--workdir", str(self.workdir),
                 "--endpoint", self.endpoint, "--name", self.name],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + 20
        while not self.edge.status.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"sandbox: the edge did not start, see {self.edge.log}")
            time.sleep(0.1)
        print(f"sandbox: edge (HAProxy) on 127.0.0.1: HTTP:80 -> {ports['80']}, HTTPS:443 -> {ports['443']}; "
              f"CA bundle {self.edge.ca_cert}")
        return ports

    def stop_edge(self) -> None:
        """Stop the edge watcher, which stops HAProxy; stop HAProxy directly if the watcher is gone."""
        pid = self.edge_watcher_pid()
        if pid:
            edge.terminate(pid, lambda: self.edge_watcher_pid() is not None, 10)
        edge.stop_haproxy(self.edge)
        if self.edge.sockets != self.edge.root:
            shutil.rmtree(self.edge.sockets, ignore_errors=True)
        if pid:
            print(f"sandbox: edge (pid {pid}) stopped")

    # -- the account -------------------------------------------------------

    def seed(self) -> dict:
        """Create (or find) the VPC, subnets, instances and hosted zone; return their IDs."""
        ec2 = self.client("ec2")
        tag_filter = [{"Name": "tag:webops:sandbox", "Values": [SEED_TAG]}]
        seed_tags = [{"Key": "webops:sandbox", "Value": SEED_TAG}]
        vpcs = ec2.describe_vpcs(Filters=tag_filter)["Vpcs"]
        if vpcs:
            vpc_id = vpcs[0]["VpcId"]
        else:
            vpc_id = ec2.create_vpc(CidrBlock=VPC_CIDR)["Vpc"]["VpcId"]
            ec2.create_tags(Resources=[vpc_id], Tags=seed_tags + [{"Key": "Name", "Value": SEED_TAG}])
        subnets = {s["CidrBlock"]: s["SubnetId"] for s in ec2.describe_subnets(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]}
        for cidr, zone in SUBNETS:
            if cidr not in subnets:
                subnets[cidr] = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]
        subnet_ids = [subnets[cidr] for cidr, _zone in SUBNETS]

        found = {}
        for reservation in ec2.describe_instances(Filters=tag_filter + [
                {"Name": "instance-state-name", "Values": ["pending", "running"]}])["Reservations"]:
            for instance in reservation["Instances"]:
                tags = {t["Key"]: t["Value"] for t in instance.get("Tags", [])}
                found[tags.get("Name")] = instance["InstanceId"]
        image_id = None
        instances = {}
        for index, host in enumerate(WEB_HOSTS):
            if host not in found:
                image_id = image_id or ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
                found[host] = ec2.run_instances(
                    ImageId=image_id, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                    SubnetId=subnet_ids[index % len(subnet_ids)],
                    TagSpecifications=[{"ResourceType": "instance",
                                        "Tags": seed_tags + [{"Key": "Name", "Value": host}]}],
                )["Instances"][0]["InstanceId"]
            instances[host] = found[host]

        route53 = self.client("route53")
        zones = [z for z in route53.list_hosted_zones_by_name(DNSName=ZONE)["HostedZones"] if z["Name"] == f"{ZONE}."]
        if zones:
            zone_id = zones[0]["Id"].rsplit("/", 1)[-1]
        else:
            zone_id = route53.create_hosted_zone(Name=ZONE, CallerReference=f"{SEED_TAG}-{time.time()}")[
                "HostedZone"]["Id"].rsplit("/", 1)[-1]
        seed = {"vpc_id": vpc_id, "vpc_cidr": VPC_CIDR, "subnet_ids": subnet_ids, "instances": instances,
                "zone_id": zone_id}
        print(f"sandbox: account seeded: {json.dumps(seed)}")
        return seed

    def write_inventory(self, seed: dict, ports: dict) -> None:
        """Write the seeded part of the inventory (hosts, instance IDs, network IDs, endpoint)."""
        lines = [
            "---",
            f"# Written by sandbox/sandbox.py for the sandbox {self.name!r}; used with -i inventories/sandbox.",
            "all:",
            "  vars:",
            f"    sandbox_endpoint_url: {self.endpoint}",
            f"    sandbox_vpc_id: {seed['vpc_id']}",
            f"    sandbox_vpc_cidr: {seed['vpc_cidr']}",
            f"    sandbox_subnet_ids: {json.dumps(seed['subnet_ids'])}",
            f"    sandbox_edge_http_port: {ports['80']}",
            f"    sandbox_edge_https_port: {ports['443']}",
            f"    sandbox_edge_ca: {self.edge.ca_cert}",
            f"    sandbox_edge_source_cidr: {edge.source_cidr()}",
            f"    sandbox_dns_port: {self.account().get('dns_port') or 0}",
            "  children:",
            "    web:",
            "      hosts:",
        ]
        for host, instance_id in seed["instances"].items():
            lines += [f"        {host}:", f"          ansible_host: {self.container(host)}", f"          instance_id: {instance_id}"]
        self.inventory.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"sandbox: inventory written to {self.inventory}")

    # -- commands ----------------------------------------------------------

    def up(self) -> None:
        """Start or reuse everything, seed, write the inventory."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.start_moto()
        self.start_containers()
        seed = self.seed()
        self.write_inventory(seed, self.start_edge(seed))

    def down(self) -> None:
        """Stop and remove everything this sandbox started."""
        self.stop_edge()
        self.stop_moto()
        self.remove_containers()
        shutil.rmtree(self.workdir, ignore_errors=True)
        print(f"sandbox: {self.name} is down")


def _tags(client, arn: str) -> dict:
    """Tags of an ELBv2 resource as a dict."""
    described = client.describe_tags(ResourceArns=[arn])["TagDescriptions"]
    return {t["Key"]: t["Value"] for t in described[0]["Tags"]} if described else {}


def _action(action: dict) -> str:
    """One ELBv2 action in a few words."""
    kind = action["Type"]
    if kind == "forward":
        groups = action.get("ForwardConfig", {}).get("TargetGroups") or [{"TargetGroupArn": action.get("TargetGroupArn", "")}]
        return "forward to " + ", ".join(g["TargetGroupArn"].split(":")[-1].split("/")[1] for g in groups)
    if kind == "redirect":
        cfg = action["RedirectConfig"]
        return "redirect {} to {}://{}:{}{}".format(  # pylint: disable=consider-using-f-string
            cfg.get("StatusCode", ""), cfg.get("Protocol", "#{protocol}"), cfg.get("Host", "#{host}"),
            cfg.get("Port", "#{port}"), cfg.get("Path", "/#{path}"))
    if kind == "fixed-response":
        return f"fixed response {action['FixedResponseConfig'].get('StatusCode')}"
    return kind


def _condition_values(condition: dict) -> list:
    """The values of a rule condition, from its *Config block or the legacy Values."""
    for key, value in condition.items():
        if key.endswith("Config") and isinstance(value, dict):
            if "Values" in value:
                return [str(v) for v in value["Values"]]
            if "HttpHeaderName" in value:
                return [f"{value['HttpHeaderName']}:{'|'.join(value.get('Values', []))}"]
    return [str(v) for v in condition.get("Values") or []]


HOST_IN_BODY = re.compile(r'"host":\s*"([^"]+)"')


def run_curl(line: str) -> tuple[str, str, str]:
    """Run one printed curl line as a user would paste it, asking curl for the status and redirect too.

    Returns ``(status, location, body)``; status is ``FAILED: <curl's error>`` when curl failed.
    """
    command = shlex.split(line)
    if "-w" not in command:
        command += ["-w", "\n%{http_code} %{redirect_url}"]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    if proc.returncode != 0:
        return f"FAILED: {proc.stderr.strip()}", "", ""
    body, _sep, last = proc.stdout.rstrip("\n").rpartition("\n")
    status, _sep, location = last.partition(" ")
    return status, location, body


def resolve(port: int, name: str, rdtype: str = "A") -> tuple[str, list[str]]:
    """Ask the sandbox DNS server as dig would: ``(rcode, ["name ttl TYPE value", ...])``."""
    answer = dns.query.udp(dns.message.make_query(name, rdtype), HOST, port=port, timeout=3)
    return dns.rcode.to_text(answer.rcode()), [f"{rrset.name} {rrset.ttl} {dns.rdatatype.to_text(rrset.rdtype)} {item}"
                                               for rrset in answer.answer for item in rrset]


def dns_lines(sandbox: Sandbox, main_name: str | None) -> tuple[list[str], str | None]:
    """The DNS part of the summary: the dig line to paste and what the sandbox DNS server answers to it."""
    port = sandbox.account().get("dns_port")
    if not port:
        return ["DNS server:     none (the account runs plain moto: --fidelity none)"], None
    name = main_name or ZONE
    out = [f"DNS server:     127.0.0.1:{port}, authoritative for the Route 53 zones in moto", "dig line (paste it):",
           f"  dig @127.0.0.1 -p {port} {name}"]
    try:
        rcode, answers = resolve(port, name)
    except Exception as exc:  # pylint: disable=broad-except
        return out + [f"  no answer: {exc}"], f"the DNS server on port {port} did not answer"
    out += [f"  {rcode}: " + ("; ".join(answers) if answers else "no records")]
    if main_name and not any(line.endswith(" A 127.0.0.1") for line in answers):
        return out, f"{main_name} does not resolve to the edge (127.0.0.1) in the sandbox DNS"
    return out, None


def edge_lines(sandbox: Sandbox, main_name: str | None, problems: list | None = None, requests: int = 6) -> list[str]:
    """The edge's part of the summary: ports, curl lines, and real requests through it."""
    status = edge.read_status(sandbox.edge)
    if not status:
        return ["edge:           not running (python sandbox/sandbox.py up starts it)"]
    out = [f"edge:           HAProxy on 127.0.0.1, generation {status.get('generation')}, "
           f"{'running' if status.get('running') else 'NOT RUNNING'}; CA bundle {status['ca']}"]
    if status.get("error"):
        out.append(f"                ERROR: {status['error']}")
    for key, local in sorted(status.get("ports", {}).items()):
        out.append(f"  listener {key} -> 127.0.0.1:{local}")
    out.append("curl lines (paste them):")
    out += [f"  {line}" for line in status["curl"]]
    out.append("requests through the edge:")
    problems = list(problems or [])
    for line in status["curl"]:
        url = line.split()[-1]
        code, location, body = run_curl(line)
        match = HOST_IN_BODY.search(body)
        answer = f"-> {location}" if location else (f"served by {match.group(1)}" if match else body[:60])
        out.append(f"  {url}: {code} {answer}")
        if url.startswith("http://") and not (code == "301" and location.startswith("https://")):
            problems.append(f"{url} answered {code} {location}, not a 301 to https://")
        elif url.startswith("https://") and code not in ("200", "301"):
            problems.append(f"{url} answered {code}")
    https = [line for line in status["curl"] if main_name and line.split()[-1].startswith(f"https://{main_name}")]
    if https:
        served = Counter()
        for _attempt in range(requests):
            code, _location, body = run_curl(https[0])
            match = HOST_IN_BODY.search(body)
            served[match.group(1) if code == "200" and match else f"{code} {body[:40]}".strip()] += 1
        out.append(f"  {requests} requests to {https[0].split()[-1]} were served by: "
                   + ", ".join(f"{host} x{count}" for host, count in sorted(served.items())))
        hosts = {host for host in served if host in WEB_HOSTS}
        if hosts != set(WEB_HOSTS):
            problems.append(f"only {', '.join(sorted(hosts)) or 'no host'} of {', '.join(WEB_HOSTS)} served {https[0].split()[-1]}")
    elif main_name:
        problems.append(f"no HTTPS listener serves {main_name} through the edge")
    out.append("verification:   " + ("PASSED: HTTP redirects to HTTPS, TLS verified with the sandbox CA, both hosts serve"
                                     if not problems else "FAILED: " + "; ".join(problems)))
    return out


def print_summary(sandbox: Sandbox, stack: str) -> bool:
    """Print what the stack's rollout looks like in the sandbox account, and through the edge; whether it verified."""
    acm, elbv2, route53 = sandbox.client("acm"), sandbox.client("elbv2"), sandbox.client("route53")
    owner = {"Key": "https-rollout:stack", "Value": stack}
    out = [f"== HTTPS rollout of stack {stack!r} in the sandbox ({sandbox.endpoint})"]

    certificates = []
    for summary in acm.list_certificates()["CertificateSummaryList"]:
        if owner in acm.list_tags_for_certificate(CertificateArn=summary["CertificateArn"]).get("Tags", []):
            certificates.append(acm.describe_certificate(CertificateArn=summary["CertificateArn"])["Certificate"])
    out.append(f"URL:            https://{certificates[0]['DomainName']}/" if certificates else "URL:            (no certificate)")
    for cert in certificates:
        out.append(f"certificate:    {cert['CertificateArn']}")
        # The same facts as the rollout summary that ends site.yml (roles/https_edge/tasks/summary.yml): status, expiry.
        expires = cert["NotAfter"].isoformat() if cert.get("NotAfter") else "(not issued yet)"
        out.append(f"                {cert['Status']}, expires {expires}, names: {', '.join(cert['SubjectAlternativeNames'])}")

    balancers = [lb for lb in elbv2.describe_load_balancers()["LoadBalancers"]
                 if _tags(elbv2, lb["LoadBalancerArn"]).get(owner["Key"]) == stack]
    groups_seen = {}
    for lb in balancers:
        out.append(f"load balancer:  {lb['LoadBalancerName']} ({lb['Type']}, {lb['Scheme']}, {lb['State']['Code']})")
        out.append(f"                DNS name {lb['DNSName']}")
        for listener in sorted(elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"],
                               key=lambda item: item["Port"]):
            extra = ""
            if listener.get("SslPolicy") and listener["Protocol"] in ("HTTPS", "TLS"):
                extra = f", {listener['SslPolicy']}"
            out.append(f"  listener {listener['Protocol']}:{listener['Port']}{extra} -> "
                       + "; ".join(_action(a) for a in listener["DefaultActions"]))
            for rule in elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]:
                if rule["IsDefault"]:
                    continue
                conditions = ", ".join(f"{c['Field']}={','.join(_condition_values(c))}" for c in rule["Conditions"])
                out.append(f"    rule {rule['Priority']}: {conditions} -> " + "; ".join(_action(a) for a in rule["Actions"]))
        for group in elbv2.describe_target_groups()["TargetGroups"]:
            if lb["LoadBalancerArn"] in group.get("LoadBalancerArns", []):
                groups_seen[group["TargetGroupArn"]] = group
    edge_view = edge.health(sandbox.edge)
    for group in groups_seen.values():
        health = elbv2.describe_target_health(TargetGroupArn=group["TargetGroupArn"])["TargetHealthDescriptions"]
        out.append(f"target group:   {group['TargetGroupName']} ({group['Protocol']}:{group['Port']}, "
                   f"health check {group.get('HealthCheckPath', '-')})")
        seen_by_edge = edge_view.get(group["TargetGroupName"], {})
        for target in health:
            server = seen_by_edge.get(edge.edge_config.server_name(target["Target"]))
            detail = " ".join(part for part in ((server or {}).get("check"), (server or {}).get("check_detail")) if part)
            verdict = (f"edge: {edge.health_word(server['status'])}" + (f" ({detail})" if detail else "")
                       if server else "edge: not served")
            out.append(f"  target {target['Target']['Id']}:{target['Target'].get('Port')} "
                       f"moto: {target['TargetHealth']['State']}, {verdict}")

    zones = [z for z in route53.list_hosted_zones_by_name(DNSName=ZONE)["HostedZones"] if z["Name"] == f"{ZONE}."]
    for zone in zones:
        out.append(f"DNS zone {ZONE}:")
        for record in route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]:
            if record["Type"] in ("NS", "SOA"):
                continue
            if "AliasTarget" in record:
                value = f"alias {record['AliasTarget']['DNSName']}"
            else:
                value = ", ".join(r["Value"] for r in record.get("ResourceRecords", []))
            out.append(f"  {record['Name']} {record['Type']} {value}")
    main_name = certificates[0]["DomainName"] if certificates else None
    dns_out, dns_problem = dns_lines(sandbox, main_name)
    out += dns_out
    out += edge_lines(sandbox, main_name, [dns_problem] if dns_problem else [])
    print("\n".join(out))
    return out[-1].startswith("verification:   PASSED")


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("command", choices=["up", "down", "summary"])
    parser.add_argument("--name", default="demo", help="sandbox name: container names and labels (default demo)")
    parser.add_argument("--port", type=int, default=5080, help="moto's port on 127.0.0.1 (default 5080)")
    parser.add_argument("--workdir", type=Path, default=None, help="default .build/sandbox/NAME")
    parser.add_argument("--acm-wait", type=int, default=5,
                        help="seconds until plain moto issues a certificate (default 5; only with the acm_dns behaviour off)")
    parser.add_argument("--fidelity", default=os.environ.get("SANDBOX_FIDELITY", "all"),
                        help="the fidelity behaviours: all (default), none (plain moto), or a comma-separated list "
                             "(see sandbox/account/settings.py); env SANDBOX_FIDELITY")
    parser.add_argument("--lb-delay", type=float, default=DEMO_DELAYS["lb"],
                        help=f"seconds a new load balancer is provisioning (default {DEMO_DELAYS['lb']:g})")
    parser.add_argument("--acm-issue-delay", type=float, default=DEMO_DELAYS["acm_issue"],
                        help="seconds from the validation records resolving to ISSUED "
                             f"(default {DEMO_DELAYS['acm_issue']:g})")
    parser.add_argument("--acm-timeout", type=float, default=DEMO_DELAYS["acm_timeout"],
                        help="seconds until a certificate that never validates times out "
                             f"(default {DEMO_DELAYS['acm_timeout']:g})")
    parser.add_argument("--route53-delay", type=float, default=DEMO_DELAYS["route53"],
                        help=f"seconds a Route 53 change is PENDING (default {DEMO_DELAYS['route53']:g})")
    parser.add_argument("--stack", default="demo", help="stack whose rollout the summary shows (default demo)")
    parser.add_argument("--edge-ports", choices=["own", "free"], default="own",
                        help="edge listeners on their own ports (80, 443) when free, or always on free ports")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(".build") / "sandbox" / args.name
    delays = {"lb": args.lb_delay, "acm_issue": args.acm_issue_delay, "acm_timeout": args.acm_timeout,
              "route53": args.route53_delay}
    sandbox = Sandbox(args.name, args.port, workdir.resolve(), args.acm_wait, edge_own_ports=args.edge_ports == "own",
                      fidelity=args.fidelity, delays=delays)
    if args.command == "up":
        sandbox.up()
    elif args.command == "down":
        sandbox.down()
    else:
        # make demo fails when the requests through the edge do not verify the rollout.
        return 0 if print_summary(sandbox, args.stack) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
