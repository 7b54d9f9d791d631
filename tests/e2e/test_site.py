"""End to end: playbooks/site.yml and teardown.yml in the sandbox (moto on 127.0.0.1, two systemd containers).

One sandbox is shared by the tests of this module, which run in order:

1. site.yml rolls out app.example.test and www.example.test; AWS (moto) is checked resource by resource;
2. a rerun reports changed=0 on every host and makes zero mutating AWS calls (moto's request log);
3. real requests through the sandbox edge (HAProxy rendered from the load balancer in moto): the redirect, TLS
   names and versions, HSTS, the rules, both hosts serving, and the curl lines the summary prints;
4. the edge re-renders and reloads under load without failing a request;
5. a stopped web host is seen unhealthy by the edge, and traffic keeps flowing to the other one; a group without a
   healthy target fails open, as the ELB does;
6. a changed domain set rotates the certificate: the listener serves the new one, the old one is deleted, and the
   edge serves the new names;
7. host-based routing between two target groups, through the edge, added and removed by our modules;
8. an SNI certificate added to the HTTPS listener is served to its name only;
9. teardown.yml removes every resource carrying the stack's tag, and leaves alone foreign resources with
   similar names that the test created.

The sandbox (moto and the containers) is removed at the end, also when a test fails.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "harness"))
sys.path.insert(0, str(REPO / "sandbox"))

from api_calls import count_calls, parse_lines  # noqa: E402  pylint: disable=wrong-import-position
from moto_server import free_port  # noqa: E402  pylint: disable=wrong-import-position
from sandbox import Sandbox  # noqa: E402  pylint: disable=wrong-import-position
import edge as edge_runtime  # noqa: E402  pylint: disable=wrong-import-position
import through_edge  # noqa: E402  pylint: disable=wrong-import-position

STACK = "demo"
OWNER_KEY = "https-rollout:stack"
NAMES = ["app.example.test", "www.example.test"]
PLAYBOOK_TIMEOUT = 900
# What one test leaves for the next (the tests of this module run in order on one sandbox).
SHARED = {"alternative_names": NAMES[1:]}
# The fidelity layer's delays in the e2e sandboxes (seconds): short, so the suite waits where AWS would, briefly.
E2E_DELAYS = {"lb": 2.0, "acm_issue": 1.0, "route53": 1.0}
RECAP = re.compile(r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


def fresh_sandbox(name: str, workdir: Path, delays: dict | None = None):
    """Yield a fresh sandbox (own moto server on a free port, own containers); remove it afterwards whatever happened."""
    box = Sandbox(name, free_port(), workdir, acm_wait=3, edge_own_ports=False, delays={**E2E_DELAYS, **(delays or {})})
    box.remove_containers()  # left over by a run that was killed before its clean-up
    try:
        box.up()
        yield box
    finally:
        box.down()


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """The sandbox of this module's tests (containers webops-e2e-*, or webops-<HTTPS_ROLLOUT_E2E_SANDBOX>-* so that
    two checkouts on one machine never share containers)."""
    name = os.environ.get("HTTPS_ROLLOUT_E2E_SANDBOX", "e2e")
    yield from fresh_sandbox(name, tmp_path_factory.mktemp("sandbox"))


def recording_lines(box: Sandbox) -> list[str]:
    """moto's request log so far, one JSON line per request."""
    if not box.recording.exists():
        return []
    return [line for line in box.recording.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_playbook(box: Sandbox, playbook: str | Path, *extra: str, expect_rc: int = 0,
                 output: dict | None = None) -> tuple[dict, object]:
    """Run a playbook (of playbooks/, or a path) against the sandbox; return its recap per host and its AWS calls.

    The run must end with ``expect_rc``. ``output``, when given, receives the run's ``stdout``.
    """
    start = len(recording_lines(box))
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(REPO / ".build" / "collections"),
        ANSIBLE_PIPELINING="true",
        ANSIBLE_FORCE_COLOR="false",
        ANSIBLE_NOCOLOR="true",
    )
    command = [
        str(Path(sys.executable).parent / "ansible-playbook"),
        "-i", str(REPO / "inventories" / "sandbox"), "-i", str(box.inventory),
        str(REPO / "playbooks" / playbook), *extra,  # an absolute path stays as it is
    ]
    proc = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=PLAYBOOK_TIMEOUT,
                          check=False)
    calls = count_calls(parse_lines(recording_lines(box)[start:]))
    print(f"{Path(playbook).name} {' '.join(extra)}: {calls.read} read, {calls.mutating} mutating AWS calls")
    if output is not None:
        output["stdout"] = proc.stdout
    assert proc.returncode == expect_rc, (
        f"{playbook} ended with rc {proc.returncode}, not {expect_rc}:\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}"
    )
    recap = {m.group(1): {"ok": int(m.group(2)), "changed": int(m.group(3)), "unreachable": int(m.group(4)),
                          "failed": int(m.group(5))} for m in RECAP.finditer(proc.stdout)}
    assert recap, f"no PLAY RECAP in the output of {playbook}:\n{proc.stdout[-3000:]}"
    return recap, calls


SUMMARY_TASK = re.compile(r"^TASK \[webops\.https_rollout\.https_edge : Print the rollout summary\].*\n"
                          r"ok: \[localhost\] => (\{\n.*?\n\})$", re.M | re.S)


def rollout_summary(stdout: str) -> list[str]:
    """The lines of the rollout summary that ends site.yml's output (the https_edge role's last task); fails without."""
    found = SUMMARY_TASK.findall(stdout)
    assert len(found) == 1, f"expected one rollout summary in the output, found {len(found)}:\n{stdout[-3000:]}"
    lines = json.loads(found[0])["msg"]
    assert lines[0].startswith("== HTTPS rollout of stack "), lines
    return lines


def check_rollout_summary(lines: list[str], certificate: dict, balancer: dict, instance_ids: set[str]) -> None:
    """The summary names the URL, the certificate with status and expiry, the DNS name, listeners, targets, records."""
    text = "\n".join(lines)
    assert f"URL:           https://{NAMES[0]}/" in text, text
    assert f"certificate:   {certificate['CertificateArn']}" in text, text
    assert f"ISSUED, expires {certificate['NotAfter'].isoformat()}" in text, text
    assert f"DNS name {balancer['DNSName']}" in text, text
    assert "HTTP:80 -> redirect 301 to HTTPS, port 443" in text, text
    assert "HTTPS:443, ELBSecurityPolicy-TLS13-1-2-2021-06 -> forward to demo-web" in text, text
    for instance_id in instance_ids:
        assert f"  {instance_id}:8080 healthy" in text, text
    for name in NAMES:
        assert f"  {name} A alias {balancer['DNSName']}" in text, text
    assert "verification:  PASSED" in text, text
    assert "CHECK MODE" not in text, text


def elb_tags(elbv2, arn: str) -> dict:
    """Tags of an ELBv2 resource."""
    return {t["Key"]: t["Value"] for t in elbv2.describe_tags(ResourceArns=[arn])["TagDescriptions"][0]["Tags"]}


def owned_certificates(acm) -> list[dict]:
    """The stack's certificates, described."""
    found = []
    for summary in acm.list_certificates()["CertificateSummaryList"]:
        tags = {t["Key"]: t["Value"] for t in acm.list_tags_for_certificate(CertificateArn=summary["CertificateArn"])["Tags"]}
        if tags.get(OWNER_KEY) == STACK:
            found.append(acm.describe_certificate(CertificateArn=summary["CertificateArn"])["Certificate"])
    return found


def edge(box: Sandbox) -> dict:
    """The stack's load balancer, its listeners by port and its target group's health."""
    elbv2 = box.client("elbv2")
    lbs = [lb for lb in elbv2.describe_load_balancers()["LoadBalancers"] if lb["LoadBalancerName"] == f"{STACK}-edge"]
    assert len(lbs) == 1, f"expected one load balancer {STACK}-edge, found {len(lbs)}"
    listeners = {item["Port"]: item for item in elbv2.describe_listeners(LoadBalancerArn=lbs[0]["LoadBalancerArn"])["Listeners"]}
    group = elbv2.describe_target_groups(Names=[f"{STACK}-web"])["TargetGroups"][0]
    health = elbv2.describe_target_health(TargetGroupArn=group["TargetGroupArn"])["TargetHealthDescriptions"]
    return {"lb": lbs[0], "listeners": listeners, "group": group, "health": health}


def zone_records(box: Sandbox) -> list[dict]:
    """The records of example.test, without NS and SOA."""
    route53 = box.client("route53")
    zone = route53.list_hosted_zones_by_name(DNSName="example.test")["HostedZones"][0]
    return [r for r in route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]
            if r["Type"] not in ("NS", "SOA")]


def seeded_instance_ids(box: Sandbox) -> set[str]:
    """The instance IDs the seed mapped to the containers (from the written inventory)."""
    return set(re.findall(r"instance_id: (i-[0-9a-f]+)", box.inventory.read_text(encoding="utf-8")))


def check_mode_run(box: Sandbox, *extra: str) -> tuple[dict, object, str]:
    """site.yml in check mode with diff: recap, AWS calls and output."""
    output: dict = {}
    recap, calls = run_playbook(box, "site.yml", "--check", "--diff", *extra, output=output)
    return recap, calls, output["stdout"]


def test_check_mode_on_an_empty_account(sandbox):
    """site.yml --check on an account without the stack: exit 0, every resource predicted, not one mutating call."""
    recap, calls, out = check_mode_run(sandbox)
    assert all(host["failed"] == 0 and host["unreachable"] == 0 for host in recap.values()), recap
    assert calls.mutating == 0, f"mutating calls in check mode: {calls.mutating_actions()}"
    assert recap["localhost"]["changed"] > 0
    for placeholder in ("predicted:security-group:demo-lb", "predicted:certificate:demo-edge", "predicted:target-group:demo-web",
                        "predicted:load-balancer:demo-edge", "predicted:listener:demo-edge:443", "predicted:rule:demo-edge:443:demo-www-to-app"):
        assert placeholder in out, f"check mode did not predict {placeholder}"
    # --diff shows what the resources would become: the HTTPS listener with its TLS policy, the alias records.
    assert "ELBSecurityPolicy-TLS13-1-2-2021-06" in out
    assert '"name": "app.example.test"' in out and '"type": "A"' in out
    summary = "\n".join(rollout_summary(out))
    assert "CHECK MODE: a PREDICTION, nothing was changed" in summary, summary
    assert "predicted:certificate:demo-edge" in summary and "verification:  not run" in summary, summary
    assert owned_certificates(sandbox.client("acm")) == []
    assert sandbox.client("elbv2").describe_load_balancers()["LoadBalancers"] == []


def test_check_mode_of_a_network_load_balancer_on_an_empty_account(sandbox):
    """The same for a network load balancer (TLS listener, TCP target groups, nginx's own redirect port)."""
    extra = json.dumps({"https_edge_lb_type": "network", "https_edge_rules": [], "https_edge_redirect_port": 8081,
                        "https_edge_stack": "nlbcheck", "inbound_rules_stack": "nlbcheck"})
    recap, calls, out = check_mode_run(sandbox, "-e", extra)
    assert calls.mutating == 0, f"mutating calls in check mode: {calls.mutating_actions()}"
    assert recap["localhost"]["changed"] > 0
    for placeholder in ("predicted:load-balancer:nlbcheck-edge", "predicted:listener:nlbcheck-edge:443",
                        "predicted:listener:nlbcheck-edge:80", "predicted:target-group:nlbcheck-redirect"):
        assert placeholder in out, f"check mode did not predict {placeholder}"
    assert '"protocol": "TLS"' in out


def test_site_rolls_out(sandbox):
    """site.yml: certificate ISSUED, redirect and HTTPS listeners, rules, healthy targets, alias records."""
    output: dict = {}
    recap, calls = run_playbook(sandbox, "site.yml", output=output)
    assert set(recap) == {"localhost", "web1", "web2"}
    assert all(host["failed"] == 0 and host["unreachable"] == 0 for host in recap.values()), recap
    assert calls.mutating > 0

    certificates = owned_certificates(sandbox.client("acm"))
    assert len(certificates) == 1
    certificate = certificates[0]
    assert certificate["Status"] == "ISSUED"
    assert sorted(certificate["SubjectAlternativeNames"]) == sorted(NAMES)

    state = edge(sandbox)
    assert state["lb"]["Type"] == "application"
    assert elb_tags(sandbox.client("elbv2"), state["lb"]["LoadBalancerArn"])[OWNER_KEY] == STACK
    assert sorted(state["listeners"]) == [80, 443]
    redirect = state["listeners"][80]["DefaultActions"][0]
    assert redirect["Type"] == "redirect" and redirect["RedirectConfig"]["Protocol"] == "HTTPS"
    https = state["listeners"][443]
    assert https["Protocol"] == "HTTPS"
    assert https["SslPolicy"].startswith("ELBSecurityPolicy-TLS13-1-2")
    assert https["Certificates"][0]["CertificateArn"] == certificate["CertificateArn"]
    rules = [r for r in sandbox.client("elbv2").describe_rules(ListenerArn=https["ListenerArn"])["Rules"] if not r["IsDefault"]]
    assert sorted(r["Priority"] for r in rules) == ["10", "20"]
    assert {t["Target"]["Id"] for t in state["health"]} == seeded_instance_ids(sandbox)
    assert all(t["TargetHealth"]["State"] == "healthy" for t in state["health"])
    assert all(t["Target"]["Port"] == 8080 for t in state["health"])

    records = zone_records(sandbox)
    aliases = {r["Name"] for r in records if r["Type"] == "A" and "AliasTarget" in r}
    assert aliases == {f"{name}." for name in NAMES}
    assert any(r["Type"] == "CNAME" and "acm-validations" in r["ResourceRecords"][0]["Value"] for r in records)
    # The rollout summary that ends site.yml, for every user.
    check_rollout_summary(rollout_summary(output["stdout"]), certificate, state["lb"], seeded_instance_ids(sandbox))


def test_rerun_changes_nothing(sandbox):
    """A second site.yml: changed=0 everywhere and not one mutating AWS call."""
    recap, calls = run_playbook(sandbox, "site.yml")
    assert {host: values["changed"] for host, values in recap.items()} == {"localhost": 0, "web1": 0, "web2": 0}
    assert calls.mutating == 0, f"mutating calls on the rerun: {calls.mutating_actions()}"
    assert calls.read > 0


def edge_status(box: Sandbox) -> dict:
    """The edge's published state plus HAProxy's health view; fails when it is not running or refused a render."""
    status = edge_runtime.read_status(box.edge)
    assert status.get("running"), f"the edge does not run: {status}"
    assert status.get("error") is None, status["error"]
    return status


def edge_ports(box: Sandbox) -> tuple[int, int]:
    """The local ports of the HTTP:80 and HTTPS:443 listeners, as the inventory names them."""
    text = box.inventory.read_text(encoding="utf-8")
    return (int(re.search(r"sandbox_edge_http_port: (\d+)", text).group(1)),
            int(re.search(r"sandbox_edge_https_port: (\d+)", text).group(1)))


def server_states(box: Sandbox, group: str) -> dict:
    """``{host: HAProxy status}`` of a target group's servers, hosts named by the seed (web1, web2)."""
    hosts = {iid: host for host, iid in zip(("web1", "web2"), seeded_order(box))}
    view = edge_runtime.health(box.edge).get(group, {})
    return {hosts.get(server.split("_")[0], server): state["status"] for server, state in view.items()}


def seeded_order(box: Sandbox) -> list[str]:
    """The instance IDs of web1 and web2, in that order (from the written inventory)."""
    text = box.inventory.read_text(encoding="utf-8")
    return [re.search(rf"{host}:\n\s+ansible_host: \S+\n\s+instance_id: (i-[0-9a-f]+)", text).group(1) for host in ("web1", "web2")]


def sandbox_summary(box: Sandbox, verified: bool) -> str:
    """What ``sandbox.py summary`` (the end of make demo) prints; it exits 0 when the requests verified, else 1."""
    proc = subprocess.run(
        [sys.executable, str(REPO / "sandbox" / "sandbox.py"), "summary", "--name", box.name, "--port", str(box.port),
         "--workdir", str(box.workdir), "--stack", STACK],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == (0 if verified else 1), f"rc {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def test_edge_serves_the_rollout(sandbox):
    """Real requests through the edge: redirect, TLS names and versions, HSTS, rules, both hosts, the curl lines."""
    status = edge_status(sandbox)
    http_port, https_port = edge_ports(sandbox)
    assert status["ports"] == {f"{STACK}-edge:80": http_port, f"{STACK}-edge:443": https_port}
    assert {name: entry["https"] for name, entry in status["names"].items()} == {name: https_port for name in NAMES}
    ca_path = status["ca"]

    # HTTP:80 -> 301 to HTTPS on the same host, path and query (the port is the one HTTPS:443 is mapped to).
    answer = through_edge.request("app.example.test", http_port, "/shop/cart?item=7&q=a%20b")
    assert answer.status == 301
    assert answer.headers["location"] == f"https://app.example.test:{https_port}/shop/cart?item=7&q=a%20b"
    assert through_edge.request("app.example.test", http_port, "/").headers["location"] == f"https://app.example.test:{https_port}/"

    # TLS: the sandbox CA's certificate for the ACM certificate's names; TLS 1.2 and 1.3 yes, 1.1 refused by the edge.
    for version, name in ((ssl.TLSVersion.TLSv1_2, "TLSv1.2"), (ssl.TLSVersion.TLSv1_3, "TLSv1.3")):
        answer = through_edge.request("www.example.test", https_port, "/", context=through_edge.tls_context(ca_path, version))
        assert answer.tls_version == name
        assert through_edge.certificate_names(answer.certificate) == sorted(NAMES)
    with pytest.raises(ssl.SSLError, match="PROTOCOL_VERSION|protocol version"):
        through_edge.request("app.example.test", https_port, "/", context=through_edge.tls_context(ca_path, ssl.TLSVersion.TLSv1_1))

    # HTTPS: the app answers with HSTS (nginx), the rules of the listener apply, both hosts serve.
    answer = through_edge.request("app.example.test", https_port, "/", ca_path=ca_path)
    assert answer.status == 200 and answer.host in ("web1", "web2")
    assert answer.headers["strict-transport-security"].startswith("max-age=")
    assert json.loads(answer.body)["forwarded_proto"] == "https"
    www = through_edge.request("www.example.test", https_port, "/a?b=c", ca_path=ca_path)
    assert (www.status, www.headers["location"]) == (301, f"https://app.example.test:{https_port}/a?b=c")
    ping = through_edge.request("app.example.test", https_port, "/lb-ping", ca_path=ca_path)
    assert (ping.status, ping.body, ping.headers["content-type"]) == (200, "pong", "text/plain")
    assert set(through_edge.served_by("app.example.test", https_port, ca_path, 10)) == {"web1", "web2"}

    # The lines the summary prints work when pasted.
    assert len(status["curl"]) == 2 * len(NAMES)
    for line in status["curl"]:
        proc = subprocess.run(shlex.split(line), capture_output=True, text=True, timeout=30, check=False)
        assert proc.returncode == 0, f"{line}: {proc.stderr}"
        if " http://" in line:
            assert proc.stdout.split() == ["301", line.split()[-1].replace("http://", "https://").replace(f":{http_port}/", f":{https_port}/")]
    assert '"host"' in subprocess.run(shlex.split(status["curl"][1]), capture_output=True, text=True, timeout=30, check=True).stdout
    summary = sandbox_summary(sandbox, verified=True)
    assert "verification:   PASSED" in summary, summary
    assert all(line in summary for line in status["curl"]), summary


def test_edge_reloads_without_dropping_connections(sandbox):
    """Three changes of a rule's fixed response, each re-rendered and reloaded under load: no request fails."""
    elbv2 = sandbox.client("elbv2")
    https = edge(sandbox)["listeners"][443]
    rule = next(r for r in elbv2.describe_rules(ListenerArn=https["ListenerArn"])["Rules"] if r["Priority"] == "20")
    original = rule["Actions"]
    _http_port, https_port = edge_ports(sandbox)
    generation = edge_status(sandbox)["generation"]
    with through_edge.Load("app.example.test", https_port, edge_status(sandbox)["ca"], path="/lb-ping") as load:
        for round_ in range(3):
            elbv2.modify_rule(RuleArn=rule["RuleArn"], Actions=[{"Type": "fixed-response", "FixedResponseConfig": {
                "StatusCode": "200", "ContentType": "text/plain", "MessageBody": f"pong {round_}"}}])
            through_edge.wait_until(lambda body=f"pong {round_}": load.bodies[body] > 20, 30, f"the edge serving 'pong {round_}'")
    elbv2.modify_rule(RuleArn=rule["RuleArn"], Actions=original)
    status = edge_status(sandbox)
    print(f"edge reloads under load: {load.ok} requests answered, {len(load.failures)} failed; last render: read "
          f"{status.get('read_ms')} ms, render {status.get('render_ms')} ms, check+reload {status.get('reload_ms')} ms")
    assert load.failures == [], load.failures[:5]
    assert load.ok > 100
    assert status["generation"] >= generation + 3


def test_stopped_host_is_unhealthy_and_traffic_flows_to_the_other(sandbox):
    """docker stop web2: the edge's checks mark it down, the summary says so, web1 serves every request."""
    _http_port, https_port = edge_ports(sandbox)
    ca_path = edge_status(sandbox)["ca"]
    assert server_states(sandbox, f"{STACK}-web") == {"web1": "UP", "web2": "UP"}
    subprocess.run(["docker", "stop", "--time", "5", sandbox.container("web2")], check=True, capture_output=True)
    try:
        through_edge.wait_until(lambda: server_states(sandbox, f"{STACK}-web").get("web2", "").startswith("DOWN"), 60,
                                "the edge seeing web2 down")
        assert through_edge.served_by("app.example.test", https_port, ca_path, 12) == {"web1": 12}
        summary = sandbox_summary(sandbox, verified=False)
        web1, web2 = seeded_order(sandbox)
        # The account's target health comes from the edge's checks (the fidelity layer): unhealthy there too.
        assert re.search(rf"target {web2}:8080 moto: unhealthy, edge: unhealthy", summary), summary
        assert re.search(rf"target {web1}:8080 moto: healthy, edge: healthy", summary), summary
        assert "were served by: web1 x6" in summary, summary
        assert "verification:   FAILED: only web1 of web1, web2 served https://app.example.test:" in summary, summary
    finally:
        subprocess.run(["docker", "start", sandbox.container("web2")], check=True, capture_output=True)
    through_edge.wait_until(lambda: server_states(sandbox, f"{STACK}-web") == {"web1": "UP", "web2": "UP"}, 120,
                            "web2 healthy again after its restart")
    assert set(through_edge.served_by("app.example.test", https_port, ca_path, 10)) == {"web1", "web2"}


def test_group_without_a_healthy_target_fails_open(sandbox):
    """A matcher no answer meets makes every target unhealthy: as the ELB does, the edge then sends traffic to all."""
    elbv2 = sandbox.client("elbv2")
    group = edge(sandbox)["group"]["TargetGroupArn"]
    _http_port, https_port = edge_ports(sandbox)
    ca_path = edge_status(sandbox)["ca"]
    elbv2.modify_target_group(TargetGroupArn=group, Matcher={"HttpCode": "299"})
    try:
        through_edge.wait_until(lambda: server_states(sandbox, f"{STACK}-web") == {"web1": "DOWN", "web2": "DOWN"}, 60,
                                "the edge seeing every target down")
        assert set(through_edge.served_by("app.example.test", https_port, ca_path, 10)) == {"web1", "web2"}
    finally:
        elbv2.modify_target_group(TargetGroupArn=group, Matcher={"HttpCode": "200"})
    through_edge.wait_until(lambda: server_states(sandbox, f"{STACK}-web") == {"web1": "UP", "web2": "UP"}, 60,
                            "both targets healthy again")


def test_domain_change_rotates_certificate(sandbox):
    """A third name: a new certificate is issued, the listener switched to it, the old one deleted."""
    acm = sandbox.client("acm")
    (old,) = owned_certificates(acm)
    names = NAMES[1:] + ["shop.example.test"]
    run_playbook(sandbox, "site.yml", "-e", json.dumps({"https_edge_alternative_names": names}))
    certificates = owned_certificates(acm)
    assert len(certificates) == 1, [c["CertificateArn"] for c in certificates]
    new = certificates[0]
    assert new["CertificateArn"] != old["CertificateArn"]
    assert new["Status"] == "ISSUED"
    assert sorted(new["SubjectAlternativeNames"]) == sorted(NAMES + ["shop.example.test"])
    assert edge(sandbox)["listeners"][443]["Certificates"][0]["CertificateArn"] == new["CertificateArn"]
    assert "shop.example.test." in {r["Name"] for r in zone_records(sandbox) if r["Type"] == "A"}
    # The edge serves the new certificate's names (site.yml's own check already crossed it for each name).
    _http_port, https_port = edge_ports(sandbox)
    answer = through_edge.request("shop.example.test", https_port, "/", ca_path=edge_status(sandbox)["ca"])
    assert answer.status == 200
    assert through_edge.certificate_names(answer.certificate) == sorted(NAMES + ["shop.example.test"])
    # Keep the rotated names for the teardown: it must find the alias of shop.example.test too.
    SHARED["alternative_names"] = names


def edge_serving(box: Sandbox, needle: str, present: bool = True) -> bool:
    """Whether the edge's configuration has (or lacks) ``needle`` and HAProxy already serves that configuration.

    The watcher writes the files (haproxy.cfg and its crt-lists) before the reload and publishes their fingerprint
    once the new worker answers.
    """
    text = edge_runtime.configuration_text(box.edge)
    published = edge_runtime.read_status(box.edge).get("fingerprint")
    return (needle in text) == present and published == edge_runtime.edge_config.fingerprint(text)


def routing_playbook(path: Path, instance_id: str, state: str) -> Path:
    """A playbook with our modules: a second target group (web1 only) and a host rule forwarding shop.example.test to it."""
    group = {"name": f"{STACK}-shop", "stack": STACK, "state": state, "protocol": "HTTP", "port": 8080,
             "vpc_id": "{{ sandbox_vpc_id }}", "target_type": "instance", "targets": [{"id": instance_id}],
             "health_check": {"protocol": "HTTP", "path": "/healthz", "interval": 5, "timeout": 2}}
    rule = {"load_balancer": f"{STACK}-edge", "port": 443, "stack": STACK, "priority": 5, "name": f"{STACK}-shop-host",
            "state": state, "conditions": {"host_header": ["shop.example.test"]},
            "action": {"type": "forward", "target_group": f"{STACK}-shop"}}
    tasks = [{"name": "Target group of the shop", "webops.https_rollout.elb_target_group": group},
             {"name": "Host rule to the shop", "webops.https_rollout.elb_listener_rule": rule}]
    play = {"name": f"Host-based routing ({state})", "hosts": "localhost", "connection": "local", "gather_facts": False,
            "module_defaults": {"group/webops.https_rollout.aws": {
                key: "{{ https_rollout_aws." + key + " }}" for key in ("region", "endpoint_url", "access_key", "secret_key")}},
            "tasks": tasks if state == "present" else tasks[::-1]}
    path.write_text(json.dumps([play], indent=1), encoding="utf-8")
    return path


def test_host_based_routing_between_two_target_groups(sandbox, tmp_path):
    """A rule sends shop.example.test to a second group (web1 only); the rest still reaches both hosts."""
    _http_port, https_port = edge_ports(sandbox)
    ca_path = edge_status(sandbox)["ca"]
    web1, _web2 = seeded_order(sandbox)
    generation = edge_status(sandbox)["generation"]
    run_playbook(sandbox, routing_playbook(tmp_path / "routing-present.yml", web1, "present"))
    through_edge.wait_until(lambda: edge_serving(sandbox, f"use_backend tg_{STACK}-shop if"), 30,
                            "the edge forwarding to the shop target group")
    assert edge_status(sandbox)["generation"] > generation
    assert server_states(sandbox, f"{STACK}-shop") == {"web1": "UP"}
    assert through_edge.served_by("shop.example.test", https_port, ca_path, 10) == {"web1": 10}
    assert set(through_edge.served_by("app.example.test", https_port, ca_path, 10)) == {"web1", "web2"}

    generation = edge_status(sandbox)["generation"]
    run_playbook(sandbox, routing_playbook(tmp_path / "routing-absent.yml", web1, "absent"))
    through_edge.wait_until(lambda: edge_serving(sandbox, f"tg_{STACK}-shop", present=False), 30,
                            "the edge without the shop target group")
    assert edge_status(sandbox)["generation"] > generation
    assert set(through_edge.served_by("shop.example.test", https_port, ca_path, 10)) == {"web1", "web2"}


def test_sni_certificate_served_by_name(sandbox):
    """A second certificate added to the HTTPS listener is served to its name; the others keep the default one."""
    acm, elbv2 = sandbox.client("acm"), sandbox.client("elbv2")
    arn = acm.request_certificate(DomainName="api.example.test", ValidationMethod="DNS")["CertificateArn"]
    # The sandbox's ACM issues only once the validation record resolves (fidelity layer): publish it, as a rollout does.
    record = through_edge.wait_until(lambda: acm.describe_certificate(CertificateArn=arn)["Certificate"][
        "DomainValidationOptions"][0].get("ResourceRecord"), 30, "the validation record of the SNI certificate")
    route53 = sandbox.client("route53")
    zone = [z for z in route53.list_hosted_zones_by_name(DNSName="example.test")["HostedZones"] if z["Name"] == "example.test."][0]
    validation = {"Name": record["Name"], "Type": "CNAME", "TTL": 60, "ResourceRecords": [{"Value": record["Value"]}]}
    route53.change_resource_record_sets(HostedZoneId=zone["Id"], ChangeBatch={"Changes": [
        {"Action": "UPSERT", "ResourceRecordSet": validation}]})
    through_edge.wait_until(lambda: acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "ISSUED", 30,
                            "the SNI certificate issued")
    listener = edge(sandbox)["listeners"][443]["ListenerArn"]
    elbv2.add_listener_certificates(ListenerArn=listener, Certificates=[{"CertificateArn": arn}])
    try:
        through_edge.wait_until(lambda: edge_serving(sandbox, arn.rsplit("/", 1)[-1]), 30, "the edge serving the SNI certificate")
        _http_port, https_port = edge_ports(sandbox)
        ca_path = edge_status(sandbox)["ca"]
        sni = through_edge.request("api.example.test", https_port, "/", ca_path=ca_path)
        assert through_edge.certificate_names(sni.certificate) == ["api.example.test"]
        assert sni.status == 200 and sni.host in ("web1", "web2")
        default = through_edge.request("app.example.test", https_port, "/", ca_path=ca_path)
        assert "api.example.test" not in through_edge.certificate_names(default.certificate)
    finally:
        elbv2.remove_listener_certificates(ListenerArn=listener, Certificates=[{"CertificateArn": arn}])
        acm.delete_certificate(CertificateArn=arn)
        # The record is this test's, not the stack's: the teardown test expects no validation record left.
        route53.change_resource_record_sets(HostedZoneId=zone["Id"], ChangeBatch={"Changes": [
            {"Action": "DELETE", "ResourceRecordSet": validation}]})
    through_edge.wait_until(lambda: edge_serving(sandbox, arn.rsplit("/", 1)[-1], present=False), 30,
                            "the edge without the SNI certificate")


def create_foreign_resources(box: Sandbox) -> dict:
    """Resources with names like the stack's that the stack does not own."""
    ec2, elbv2, acm, route53 = box.client("ec2"), box.client("elbv2"), box.client("acm"), box.client("route53")
    vpc_id = re.search(r"sandbox_vpc_id: (\S+)", box.inventory.read_text(encoding="utf-8")).group(1)
    group = elbv2.create_target_group(
        Name=f"{STACK}-web-foreign", Protocol="HTTP", Port=8080, VpcId=vpc_id, TargetType="instance",
        Tags=[{"Key": OWNER_KEY, "Value": "someone-else"}],
    )["TargetGroups"][0]["TargetGroupArn"]
    security_group = ec2.create_security_group(GroupName=f"{STACK}-lb-foreign", Description="not the stack's",
                                               VpcId=vpc_id)["GroupId"]
    certificate = acm.request_certificate(
        DomainName="app.example.test", ValidationMethod="DNS",
        Tags=[{"Key": "Name", "Value": f"{STACK}-edge"}, {"Key": OWNER_KEY, "Value": "someone-else"}],
    )["CertificateArn"]
    zone = route53.list_hosted_zones_by_name(DNSName="example.test")["HostedZones"][0]["Id"]
    route53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
        "Name": "app-foreign.example.test", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.10"}]}}]})
    return {"target_group": group, "security_group": security_group, "certificate": certificate}


def test_teardown_check_mode_deletes_nothing(sandbox):
    """teardown.yml --check on the live stack: exit 0, every deletion reported, not one mutating call."""
    names = json.dumps({"https_edge_alternative_names": SHARED["alternative_names"]})
    output = {}
    recap, calls = run_playbook(sandbox, "teardown.yml", "--check", "-e", names, output=output)
    assert calls.mutating == 0, f"mutating calls in check mode: {calls.mutating_actions()}"
    # The edge's teardown and the security groups' (inbound_rules) are one engine call each ...
    assert recap["localhost"]["changed"] >= 2, recap
    # ... and the engine's plans name each deletion: the aliases, the load balancer (its listeners and rules with
    # it), the target group, the certificate and its validation records, then the instance group off the instances
    # and both security groups.
    aliased = NAMES[:1] + SHARED["alternative_names"]
    for row in ([rf"DNS records {re.escape(name)} A +delete" for name in aliased]
                + [rf"load balancer {STACK}-edge \(with its listeners and rules\) +delete",
                   rf"target group {STACK}-web +delete", rf"certificate {STACK}-edge +delete",
                   r"DNS records _\S+ CNAME +delete",
                   rf"security group {STACK}-instances on the instances +update",
                   rf"security group {STACK}-instances \(sg-[0-9a-f]+\) +delete",
                   rf"security group {STACK}-lb \(sg-[0-9a-f]+\) +delete"]):
        assert re.search(row, output["stdout"]), f"no plan row {row!r} in:\n{output['stdout'][-4000:]}"
    assert len(owned_certificates(sandbox.client("acm"))) == 1
    edge(sandbox)  # still one load balancer with its listeners


def test_teardown_removes_only_the_stack(sandbox):
    """teardown.yml: nothing with the stack's tag is left; the foreign look-alikes are untouched."""
    foreign = create_foreign_resources(sandbox)
    run_playbook(sandbox, "teardown.yml", "-e", json.dumps({"https_edge_alternative_names": SHARED["alternative_names"]}))

    elbv2, acm, ec2 = sandbox.client("elbv2"), sandbox.client("acm"), sandbox.client("ec2")
    assert owned_certificates(acm) == []
    for lb in elbv2.describe_load_balancers()["LoadBalancers"]:
        assert elb_tags(elbv2, lb["LoadBalancerArn"]).get(OWNER_KEY) != STACK, lb["LoadBalancerName"]
    for group in elbv2.describe_target_groups()["TargetGroups"]:
        assert elb_tags(elbv2, group["TargetGroupArn"]).get(OWNER_KEY) != STACK, group["TargetGroupName"]
    owned_groups = ec2.describe_security_groups(Filters=[{"Name": f"tag:{OWNER_KEY}", "Values": [STACK]}])["SecurityGroups"]
    assert owned_groups == [], [g["GroupName"] for g in owned_groups]
    records = zone_records(sandbox)
    assert not [r for r in records if "AliasTarget" in r or "acm-validations" in json.dumps(r)], records

    assert elbv2.describe_target_groups(TargetGroupArns=[foreign["target_group"]])["TargetGroups"]
    assert ec2.describe_security_groups(GroupIds=[foreign["security_group"]])["SecurityGroups"]
    assert acm.describe_certificate(CertificateArn=foreign["certificate"])["Certificate"]["CertificateArn"]
    assert [r for r in records if r["Name"] == "app-foreign.example.test."]


def test_teardown_again_changes_nothing(sandbox):
    """A second teardown.yml: changed=0 and not one mutating call."""
    names = json.dumps({"https_edge_alternative_names": SHARED["alternative_names"]})
    recap, calls = run_playbook(sandbox, "teardown.yml", "-e", names)
    assert recap["localhost"]["changed"] == 0, recap
    assert calls.mutating == 0, f"mutating calls on the second teardown: {calls.mutating_actions()}"


def test_teardown_goes_on_past_a_load_balancer_it_does_not_own(sandbox):
    """A same-named load balancer that the stack does not own is left; what the stack owns goes; the run fails
    at the end, naming what it left and why."""
    stack = "t10"
    elbv2 = sandbox.client("elbv2")
    inventory = sandbox.inventory.read_text(encoding="utf-8")
    vpc_id = re.search(r"sandbox_vpc_id: (\S+)", inventory).group(1)
    subnets = [s["SubnetId"] for s in sandbox.client("ec2").describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]]
    foreign = elbv2.create_load_balancer(Name=f"{stack}-edge", Subnets=subnets[:2], Type="application")["LoadBalancers"][0]
    owned = elbv2.create_target_group(Name=f"{stack}-web", Protocol="HTTP", Port=8080, VpcId=vpc_id,
                                      Tags=[{"Key": OWNER_KEY, "Value": stack}])["TargetGroups"][0]["TargetGroupArn"]
    output: dict = {}
    extra = json.dumps({"https_edge_stack": stack, "inbound_rules_stack": stack})
    run_playbook(sandbox, "teardown.yml", "-e", extra, expect_rc=2, output=output)
    assert f"load balancer {stack}-edge: it does not carry the tag https-rollout:stack={stack}" in output["stdout"]
    assert [lb["LoadBalancerArn"] for lb in elbv2.describe_load_balancers(Names=[f"{stack}-edge"])["LoadBalancers"]] == [
        foreign["LoadBalancerArn"]]
    remaining = [g["TargetGroupArn"] for g in elbv2.describe_target_groups()["TargetGroups"]]
    assert owned not in remaining, "the teardown stopped at the foreign load balancer instead of removing the target group"
    elbv2.delete_load_balancer(LoadBalancerArn=foreign["LoadBalancerArn"])
