"""The sandbox's fidelity layer, behaviour by behaviour, through boto3 against the account launcher.

Each behaviour has a check that asserts what AWS does. The checks run against the launcher with the layer on
(``test_<behaviour>``), and once more against the same launcher with ``--fidelity none``, where each must fail:
plain moto 5.2.5 has the quirk the behaviour fixes (``test_plain_moto_has_the_quirk``). The delays are short
(about 1 s), so the whole file takes about 30 s.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import botocore.exceptions
import dns.message
import dns.query
import dns.rcode
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "harness"))
sys.path.insert(0, str(REPO / "sandbox"))

# pylint: disable-next=wrong-import-position
from moto_server import free_port  # noqa: E402

DELAYS = {"lb": 1.5, "acm_issue": 0.5, "acm_timeout": 5.0, "route53": 1.5}
DEREGISTRATION_DELAY = 2
ZONE = "example.test"


class Account:
    """One launcher subprocess on a free port, its state file, its health file, boto3 clients."""

    def __init__(self, workdir: Path, fidelity: str) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.health_file = workdir / "health.json"
        self.state_file = workdir / "account.json"
        env = dict(os.environ, MOTO_ACM_VALIDATION_WAIT="1")
        command = [sys.executable, str(REPO / "sandbox" / "account" / "server.py"), "-p", str(self.port),
                   "--fidelity", fidelity, "--state-file", str(self.state_file), "--edge-health", str(self.health_file),
                   "--lb-delay", str(DELAYS["lb"]), "--acm-issue-delay", str(DELAYS["acm_issue"]),
                   "--acm-timeout", str(DELAYS["acm_timeout"]), "--route53-delay", str(DELAYS["route53"])]
        if fidelity == "none":
            command += ["--dns-port", str(free_port())]  # plain moto, but a DNS server to publish the records to
        self.log = open(workdir / "launcher.log", "wb")  # pylint: disable=consider-using-with
        self.proc = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT)  # pylint: disable=consider-using-with
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/moto-api/", timeout=1):
                    break
            except urllib.error.HTTPError:
                break
            except (urllib.error.URLError, OSError):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((workdir / "launcher.log").read_text(encoding="utf-8")) from None
                time.sleep(0.1)
        self.dns_port = json.loads(self.state_file.read_text(encoding="utf-8"))["dns_port"]

    def client(self, service: str):
        """A boto3 client for the launcher."""
        return boto3.client(service, endpoint_url=f"http://127.0.0.1:{self.port}", region_name="us-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def stop(self) -> None:
        """Stop the launcher."""
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="module", name="layer")
def fixture_layer(tmp_path_factory):
    """The launcher with every behaviour on."""
    account = Account(tmp_path_factory.mktemp("layer"), "all")
    yield account
    account.stop()


@pytest.fixture(scope="module", name="plain")
def fixture_plain(tmp_path_factory):
    """The same launcher with the layer off: plain moto."""
    account = Account(tmp_path_factory.mktemp("plain"), "none")
    yield account
    account.stop()


def until(predicate, seconds: float, step: float = 0.2):
    """Poll ``predicate`` until it returns something true; that value, or the last one after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


# ---------------------------------------------------------------------------
# A network to put load balancers in, a zone, records
# ---------------------------------------------------------------------------


def network(account: Account) -> dict:
    """A VPC with two subnets and a security group."""
    ec2 = account.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.90.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.90.{i}.0/24", AvailabilityZone=f"us-east-1{z}")["Subnet"]["SubnetId"]
               for i, z in ((1, "a"), (2, "b"))]
    group = ec2.create_security_group(GroupName=f"lb-{time.monotonic_ns()}", Description="lb", VpcId=vpc)["GroupId"]
    return {"vpc": vpc, "subnets": subnets, "security_group": group}


def zone_id(account: Account) -> str:
    """The hosted zone example.test (created once per account)."""
    route53 = account.client("route53")
    zones = [z for z in route53.list_hosted_zones_by_name(DNSName=ZONE)["HostedZones"] if z["Name"] == f"{ZONE}."]
    if zones:
        return zones[0]["Id"]
    return route53.create_hosted_zone(Name=ZONE, CallerReference=f"fidelity-{time.time()}")["HostedZone"]["Id"]


def upsert(account: Account, name: str, rtype: str, value: str | None = None, alias: str | None = None) -> dict:
    """UPSERT one record; the ChangeInfo."""
    record = {"Name": name, "Type": rtype}
    if alias:
        record["AliasTarget"] = {"HostedZoneId": "Z35SXDOTRQ7X7K", "DNSName": alias, "EvaluateTargetHealth": False}
    else:
        record.update(TTL=60, ResourceRecords=[{"Value": value}])
    return account.client("route53").change_resource_record_sets(
        HostedZoneId=zone_id(account), ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": record}]})["ChangeInfo"]


def ask(account: Account, name: str, rtype: str) -> tuple[str, list[str]]:
    """What the sandbox DNS server answers (rcode, ["TYPE value", ...])."""
    answer = dns.query.udp(dns.message.make_query(name, rtype), "127.0.0.1", port=account.dns_port, timeout=3)
    return dns.rcode.to_text(answer.rcode()), [f"{rrset.rdtype.name} {item}" for rrset in answer.answer for item in rrset]


# ---------------------------------------------------------------------------
# The checks: each asserts AWS's behaviour
# ---------------------------------------------------------------------------


def check_acm_dns(account: Account) -> None:
    """PENDING_VALIDATION until each domain's validation CNAME resolves (a wrong value does not count), then ISSUED."""
    acm = account.client("acm")
    zone_id(account)
    tag = str(time.monotonic_ns())
    arn = acm.request_certificate(DomainName=f"app{tag}.{ZONE}", SubjectAlternativeNames=[f"app{tag}.{ZONE}", f"www{tag}.{ZONE}"],
                                  ValidationMethod="DNS")["CertificateArn"]
    described = until(lambda: [o for o in acm.describe_certificate(CertificateArn=arn)["Certificate"]["DomainValidationOptions"]
                               if "ResourceRecord" in o] or None, 5)
    records = {o["DomainName"]: o["ResourceRecord"] for o in described}
    first, second = sorted(records)
    upsert(account, records[first]["Name"], "CNAME", records[first]["Value"])
    upsert(account, records[second]["Name"], "CNAME", "_wrong.acm-validations.aws.")
    time.sleep(2.5)  # longer than plain moto's wait (1 s here) and the layer's issue delay
    certificate = acm.describe_certificate(CertificateArn=arn)["Certificate"]
    assert certificate["Status"] == "PENDING_VALIDATION", "issued although a validation record has the wrong value"
    status = {o["DomainName"]: o["ValidationStatus"] for o in certificate["DomainValidationOptions"]}
    assert status == {first: "SUCCESS", second: "PENDING_VALIDATION"}
    upsert(account, records[second]["Name"], "CNAME", records[second]["Value"])
    issued = until(lambda: acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "ISSUED", 5)
    assert issued, "not ISSUED after both validation records resolved"


def check_acm_timeout(account: Account) -> None:
    """A certificate whose records never appear times out (VALIDATION_TIMED_OUT) after the timeout."""
    acm = account.client("acm")
    arn = acm.request_certificate(DomainName=f"never{time.monotonic_ns()}.other.test", ValidationMethod="DNS")["CertificateArn"]
    status = until(lambda: acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] != "PENDING_VALIDATION"
                   and acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"], DELAYS["acm_timeout"] + 3)
    assert status == "VALIDATION_TIMED_OUT"


def check_dns_server(account: Account) -> None:
    """The DNS server answers from the zones: records, CNAMEs followed, aliases to the edge; NXDOMAIN; REFUSED."""
    zone_id(account)
    upsert(account, f"db.{ZONE}", "A", "10.90.1.5")
    upsert(account, f"alias-cname.{ZONE}", "CNAME", f"db.{ZONE}")
    upsert(account, f"site.{ZONE}", "A", alias="lb-1.us-east-1.elb.amazonaws.com")
    upsert(account, f"site.{ZONE}", "AAAA", alias="lb-1.us-east-1.elb.amazonaws.com")
    assert ask(account, f"db.{ZONE}", "A") == ("NOERROR", ["A 10.90.1.5"])
    assert ask(account, f"ALIAS-CNAME.{ZONE}", "A") == ("NOERROR", [f"CNAME db.{ZONE}.", "A 10.90.1.5"])
    assert ask(account, f"site.{ZONE}", "A") == ("NOERROR", ["A 127.0.0.1"])
    assert ask(account, f"site.{ZONE}", "AAAA") == ("NOERROR", ["AAAA ::1"])
    assert ask(account, f"missing.{ZONE}", "A") == ("NXDOMAIN", [])
    assert ask(account, "example.org", "A")[0] == "REFUSED"


def check_lb_provisioning(account: Account) -> None:
    """A new load balancer is provisioning first, active after the delay."""
    net = network(account)
    elbv2 = account.client("elbv2")
    arn = elbv2.create_load_balancer(Name=f"prov-{time.monotonic_ns() % 10**8}", Subnets=net["subnets"],
                                     SecurityGroups=[net["security_group"]])["LoadBalancers"][0]["LoadBalancerArn"]

    def state():
        return elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]["State"]["Code"]

    assert state() == "provisioning"
    assert until(lambda: state() == "active", DELAYS["lb"] + 5)


def target_group(account: Account, net: dict) -> tuple[str, str]:
    """A target group with a short deregistration delay; (ARN, name)."""
    elbv2 = account.client("elbv2")
    name = f"tg-{time.monotonic_ns() % 10**8}"
    arn = elbv2.create_target_group(Name=name, Protocol="HTTP", Port=8080, VpcId=net["vpc"], HealthCheckPath="/health",
                                    HealthCheckIntervalSeconds=5, HealthyThresholdCount=2,
                                    UnhealthyThresholdCount=2)["TargetGroups"][0]["TargetGroupArn"]
    elbv2.modify_target_group_attributes(TargetGroupArn=arn, Attributes=[
        {"Key": "deregistration_delay.timeout_seconds", "Value": str(DEREGISTRATION_DELAY)}])
    return arn, name


def write_edge_health(account: Account, group: str, servers: dict) -> None:
    """What the edge watcher writes (sandbox/edge.py export_health): HAProxy's per-server view."""
    view = {"updated": time.time(), "running": True, "groups": {group: servers}}
    account.health_file.write_text(json.dumps(view), encoding="utf-8")


def health(account: Account, arn: str) -> dict:
    """{target ID: (state, reason)}."""
    described = account.client("elbv2").describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
    return {d["Target"]["Id"]: (d["TargetHealth"]["State"], d["TargetHealth"].get("Reason")) for d in described}


def check_target_health(account: Account) -> None:
    """initial until the edge checked; healthy/unhealthy with the reason from the check; draining, then gone."""
    net = network(account)
    arn, name = target_group(account, net)
    elbv2 = account.client("elbv2")
    account.health_file.unlink(missing_ok=True)
    elbv2.register_targets(TargetGroupArn=arn, Targets=[{"Id": "i-aaaa"}, {"Id": "i-bbbb"}, {"Id": "i-cccc"}])
    assert health(account, arn) == {t: ("initial", "Elb.RegistrationInProgress") for t in ("i-aaaa", "i-bbbb", "i-cccc")}
    write_edge_health(account, name, {"i-aaaa_8080": {"status": "UP", "check": "INI", "check_detail": ""}})
    assert health(account, arn)["i-aaaa"] == ("initial", "Elb.InitialHealthChecking")
    write_edge_health(account, name, {
        "i-aaaa_8080": {"status": "UP", "check": "L7OK", "check_detail": "200"},
        "i-bbbb_8080": {"status": "DOWN", "check": "L4TOUT", "check_detail": ""},
        "i-cccc_8080": {"status": "DOWN", "check": "L7STS", "check_detail": "503"},
    })
    assert health(account, arn) == {"i-aaaa": ("healthy", None), "i-bbbb": ("unhealthy", "Target.Timeout"),
                                    "i-cccc": ("unhealthy", "Target.ResponseCodeMismatch")}
    write_edge_health(account, name, {"i-bbbb_8080": {"status": "DOWN", "check": "L4CON", "check_detail": "Connection refused"}})
    assert health(account, arn)["i-bbbb"] == ("unhealthy", "Target.FailedHealthChecks")
    elbv2.deregister_targets(TargetGroupArn=arn, Targets=[{"Id": "i-aaaa"}])
    assert health(account, arn)["i-aaaa"] == ("draining", "Target.DeregistrationInProgress")
    assert until(lambda: "i-aaaa" not in health(account, arn), DEREGISTRATION_DELAY + 3)
    # Registered again: HAProxy brings the server back from maintenance DOWN with a passing check, a state older than
    # the registration (lastchg), which AWS would call initial; a DOWN decided since, or a failing check, is unhealthy.
    elbv2.register_targets(TargetGroupArn=arn, Targets=[{"Id": "i-aaaa"}])
    write_edge_health(account, name, {"i-aaaa_8080": {"status": "DOWN 1/2", "check": "L7OK", "check_detail": "200",
                                                      "last_change": "30"}})
    assert health(account, arn)["i-aaaa"] == ("initial", "Elb.InitialHealthChecking")
    write_edge_health(account, name, {"i-aaaa_8080": {"status": "DOWN", "check": "L7STS", "check_detail": "503",
                                                      "last_change": "30"}})
    assert health(account, arn)["i-aaaa"] == ("unhealthy", "Target.ResponseCodeMismatch")
    write_edge_health(account, name, {"i-aaaa_8080": {"status": "DOWN 1/2", "check": "L7OK", "check_detail": "200",
                                                      "last_change": "0"}})
    assert health(account, arn)["i-aaaa"] == ("unhealthy", "Target.FailedHealthChecks")
    write_edge_health(account, name, {"i-aaaa_8080": {"status": "UP", "check": "L7OK", "check_detail": "200",
                                                      "last_change": "0"}})
    assert health(account, arn)["i-aaaa"] == ("healthy", None)


def check_elb_idempotent(account: Account) -> None:
    """Same name and settings: the same load balancer / listener; other settings: AWS's duplicate errors."""
    net = network(account)
    elbv2 = account.client("elbv2")
    name = f"idem-{time.monotonic_ns() % 10**8}"
    first = elbv2.create_load_balancer(Name=name, Subnets=net["subnets"], SecurityGroups=[net["security_group"]])
    again = elbv2.create_load_balancer(Name=name, Subnets=net["subnets"], SecurityGroups=[net["security_group"]])
    arn = first["LoadBalancers"][0]["LoadBalancerArn"]
    assert again["LoadBalancers"][0]["LoadBalancerArn"] == arn
    assert len(elbv2.describe_load_balancers(Names=[name])["LoadBalancers"]) == 1
    with pytest.raises(botocore.exceptions.ClientError) as error:
        elbv2.create_load_balancer(Name=name, Subnets=net["subnets"], SecurityGroups=[net["security_group"]], Scheme="internal")
    assert error.value.response["Error"]["Code"] == "DuplicateLoadBalancerName"
    action = [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404", "ContentType": "text/plain"}}]
    listener = elbv2.create_listener(LoadBalancerArn=arn, Protocol="HTTP", Port=80, DefaultActions=action)["Listeners"][0]
    repeated = elbv2.create_listener(LoadBalancerArn=arn, Protocol="HTTP", Port=80, DefaultActions=action)["Listeners"][0]
    assert repeated["ListenerArn"] == listener["ListenerArn"]
    assert len(elbv2.describe_listeners(LoadBalancerArn=arn)["Listeners"]) == 1
    other = [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "503", "ContentType": "text/plain"}}]
    with pytest.raises(botocore.exceptions.ClientError) as error:
        elbv2.create_listener(LoadBalancerArn=arn, Protocol="HTTP", Port=80, DefaultActions=other)
    assert error.value.response["Error"]["Code"] == "DuplicateListener"


def check_listener_sni(account: Account) -> None:
    """ModifyListener with a new default certificate keeps the SNI certificates."""
    net = network(account)
    elbv2, acm = account.client("elbv2"), account.client("acm")
    certs = [acm.request_certificate(DomainName=f"{n}{time.monotonic_ns()}.{ZONE}")["CertificateArn"] for n in ("a", "b", "c")]
    arn = elbv2.create_load_balancer(Name=f"sni-{time.monotonic_ns() % 10**8}", Subnets=net["subnets"],
                                     SecurityGroups=[net["security_group"]])["LoadBalancers"][0]["LoadBalancerArn"]
    action = [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "200", "ContentType": "text/plain"}}]
    listener = elbv2.create_listener(LoadBalancerArn=arn, Protocol="HTTPS", Port=443, DefaultActions=action,
                                     Certificates=[{"CertificateArn": certs[0]}])["Listeners"][0]["ListenerArn"]
    elbv2.add_listener_certificates(ListenerArn=listener, Certificates=[{"CertificateArn": certs[1]}])
    elbv2.modify_listener(ListenerArn=listener, Certificates=[{"CertificateArn": certs[2]}])
    listed = elbv2.describe_listener_certificates(ListenerArn=listener)["Certificates"]
    assert {c["CertificateArn"] for c in listed} == {certs[1], certs[2]}
    assert [c["CertificateArn"] for c in listed if c.get("IsDefault")] in ([certs[2]], [])


def check_route53_changes(account: Account) -> None:
    """A change is PENDING, then INSYNC after the delay; each change has its own ID."""
    route53 = account.client("route53")
    first = upsert(account, f"pending.{ZONE}", "A", "10.90.1.6")
    second = upsert(account, f"pending2.{ZONE}", "A", "10.90.1.7")
    assert first["Id"] != second["Id"]
    assert first["Status"] == "PENDING"
    assert route53.get_change(Id=first["Id"])["ChangeInfo"]["Status"] == "PENDING"
    assert until(lambda: route53.get_change(Id=first["Id"])["ChangeInfo"]["Status"] == "INSYNC", DELAYS["route53"] + 5)


CHECKS = {
    "acm_dns": check_acm_dns,
    "acm_timeout": check_acm_timeout,
    "lb_provisioning": check_lb_provisioning,
    "target_health": check_target_health,
    "elb_idempotent": check_elb_idempotent,
    "listener_sni": check_listener_sni,
    "route53_changes": check_route53_changes,
}


def test_dns_server_answers_from_the_zones(layer):
    """The DNS server the ACM behaviour resolves through (dig @127.0.0.1 -p PORT NAME)."""
    check_dns_server(layer)


@pytest.mark.parametrize("behaviour", sorted(CHECKS))
def test_behaviour(layer, behaviour):
    """With the layer on, the account behaves as AWS does."""
    CHECKS[behaviour](layer)


@pytest.mark.parametrize("behaviour", sorted(CHECKS))
def test_plain_moto_has_the_quirk(plain, behaviour):
    """With the layer off (plain moto 5.2.5), the same check fails: the behaviour is needed."""
    with pytest.raises((AssertionError, botocore.exceptions.ClientError)):
        CHECKS[behaviour](plain)


def test_one_behaviour_alone(tmp_path):
    """Each behaviour switches on its own: only route53_changes on leaves load balancers active at once."""
    account = Account(tmp_path, "route53_changes")
    try:
        state = json.loads(account.state_file.read_text(encoding="utf-8"))
        assert state["fidelity"] == ["route53_changes"]
        check_route53_changes(account)
        with pytest.raises(AssertionError):
            check_lb_provisioning(account)
    finally:
        account.stop()


def test_unknown_behaviour_is_refused():
    """A misspelt behaviour name stops the launcher with the list of valid names."""
    proc = subprocess.run([sys.executable, str(REPO / "sandbox" / "account" / "server.py"), "-p", "1", "--fidelity", "acm"],
                          capture_output=True, text=True, check=False, timeout=60)
    assert proc.returncode != 0
    assert "unknown fidelity behaviour(s) acm" in proc.stderr and "lb_provisioning" in proc.stderr


def check_route53_iam(account: Account) -> None:
    """Under IAM enforcement, Route 53 reads pass for a user whose policy allows them, and are denied otherwise."""
    iam = account.client("iam")
    keys = {}
    for user, actions in (("admin", "*"), ("lister", ["route53:ListHostedZones"])):
        iam.create_user(UserName=user)
        iam.put_user_policy(UserName=user, PolicyName=user, PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}))
        key = iam.create_access_key(UserName=user)["AccessKey"]
        keys[user] = (key["AccessKeyId"], key["SecretAccessKey"])
    request = urllib.request.Request(f"http://127.0.0.1:{account.port}/moto-api/reset-auth", data=b"0", method="POST",
                                     headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request, timeout=10):
        pass

    def route53(user):
        return boto3.client("route53", endpoint_url=f"http://127.0.0.1:{account.port}", region_name="us-east-1",
                            aws_access_key_id=keys[user][0], aws_secret_access_key=keys[user][1])

    admin = route53("admin")
    zone = admin.create_hosted_zone(Name=ZONE, CallerReference=f"iam-{time.time()}")["HostedZone"]["Id"]
    assert [z["Name"] for z in admin.list_hosted_zones()["HostedZones"]] == [f"{ZONE}."]
    assert admin.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
    lister = route53("lister")
    assert len(lister.list_hosted_zones()["HostedZones"]) == 1
    with pytest.raises(botocore.exceptions.ClientError) as denied:
        lister.list_resource_record_sets(HostedZoneId=zone)
    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


@pytest.mark.parametrize("fidelity", ["route53_iam", "none"])
def test_route53_under_iam_enforcement(tmp_path, fidelity):
    """route53_iam: Route 53 reads are authorized by policy; plain moto refuses them all (SignatureDoesNotMatch)."""
    account = Account(tmp_path, fidelity)
    try:
        if fidelity == "none":
            with pytest.raises(botocore.exceptions.ClientError):
                check_route53_iam(account)
        else:
            check_route53_iam(account)
    finally:
        account.stop()
