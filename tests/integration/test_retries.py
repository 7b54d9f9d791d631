"""Retries, end to end: AWS errors injected by a fault proxy in front of moto, recovered by real retries.

Three layers are checked:

- the proxy itself: it forwards normal calls, and its errors parse in botocore with the right code;
- the collection's ``aws_retry()`` decorator around a boto3 client whose own retries are off;
- the real ``elb_target_group`` module run by ansible-playbook against the proxy.

botocore's own retries and ``aws_retry`` stack: one ``aws_retry`` attempt is a whole
botocore call, which (legacy mode, the default here) is up to 5 HTTP requests. A client
config of ``retries={"max_attempts": N}`` means N *retries* (N + 1 requests); the
``AWS_MAX_ATTEMPTS`` environment variable and ``total_max_attempts`` count all requests.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from fault_proxy import Call, Fault, FaultProxy
from moto_server import MotoServer
from test_targets import REGION, REPO, ansible_env, play_header, playbook_command, run_playbook, tail

COLLECTIONS = REPO / ".build" / "collections"
PLAYBOOK_TIMEOUT = 120
ELB = "elasticloadbalancing"

#: botocore makes exactly one request per call: every recovery is then our own retry layer's.
NO_BOTOCORE_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})

#: The module task under test, registered as ``result``; the play hands it to the test (see run_play).
TARGET_GROUP_TASK = """\
    - name: Create the target group through the fault proxy
      webops.https_rollout.elb_target_group:
        name: {name}
        protocol: HTTP
        port: 8080
        vpc_id: {vpc_id}
        stack: retries
"""

HAND_OVER = """\
      register: result
      ignore_errors: true

    - name: Hand the result to the test
      ansible.builtin.copy:
        content: "{{{{ result | to_json }}}}"
        dest: {result_path}
        mode: "0600"
"""


def client(service: str, endpoint: str, config: Config | None = NO_BOTOCORE_RETRIES):
    """A boto3 client with moto's dummy credentials (without botocore retries unless ``config`` says)."""
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config,
    )


def injected(n: int, service: str, action: str) -> list[Call]:
    """The log entries of ``n`` injected errors."""
    return [Call(service, action, True)] * n


def forwarded(service: str, action: str) -> Call:
    """The log entry of one forwarded request."""
    return Call(service, action, False)


@pytest.fixture(scope="module")
def moto_server():
    """One moto server for the module's tests (each test resets it)."""
    with MotoServer() as server:
        yield server


@pytest.fixture
def moto(moto_server):  # pylint: disable=redefined-outer-name
    """The module's moto server, wiped before the test."""
    moto_server.reset()
    return moto_server


@pytest.fixture(scope="module")
def retry_api():
    """``(aws_retry, RetryingBotoClientWrapper)``: the collection's decorator and amazon.aws's client wrapper."""
    if not (COLLECTIONS / "ansible_collections" / "webops" / "https_rollout").exists():
        pytest.fail(f"{COLLECTIONS} has no webops.https_rollout: run `make layout` first", pytrace=False)
    if str(COLLECTIONS) not in sys.path:
        sys.path.insert(0, str(COLLECTIONS))
    common = importlib.import_module("ansible_collections.webops.https_rollout.plugins.module_utils.common")
    retries = importlib.import_module("ansible_collections.amazon.aws.plugins.module_utils.retries")
    return common.aws_retry, retries.RetryingBotoClientWrapper


@pytest.fixture
def plain_aws_env(monkeypatch, tmp_path):
    """No AWS_* retry settings nor config files from the environment: botocore's defaults apply."""
    for name in ("AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))


# ---------------------------------------------------------------------------
# The proxy
# ---------------------------------------------------------------------------


def test_proxy_forwards_normal_calls(moto):
    """Without faults every call reaches moto and its answer comes back whole."""
    with FaultProxy(moto.endpoint) as proxy:
        assert proxy.endpoint.startswith("http://127.0.0.1:")
        vpc_id = client("ec2", proxy.endpoint).create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        elb = client("elbv2", proxy.endpoint)
        assert elb.describe_target_groups()["TargetGroups"] == []
        arn = elb.create_target_group(Name="through-proxy", Protocol="HTTP", Port=80, VpcId=vpc_id)["TargetGroups"][0][
            "TargetGroupArn"
        ]
        assert client("route53", proxy.endpoint).list_hosted_zones()["HostedZones"] == []
        assert client("acm", proxy.endpoint).list_certificates()["CertificateSummaryList"] == []

    direct = client("elbv2", moto.endpoint).describe_target_groups()["TargetGroups"]
    assert [group["TargetGroupArn"] for group in direct] == [arn]
    assert proxy.calls == [
        forwarded("ec2", "CreateVpc"),
        forwarded(ELB, "DescribeTargetGroups"),
        forwarded(ELB, "CreateTargetGroup"),
        forwarded("route53", "ListHostedZones"),
        forwarded("acm", "ListCertificates"),
    ]
    assert proxy.injected_count() == 0


@pytest.mark.parametrize(
    "service, signing_name, operation, code, status",
    [
        ("elbv2", ELB, "describe_target_groups", "Throttling", 400),
        ("acm", "acm", "list_certificates", "ThrottlingException", 400),
        ("route53", "route53", "list_hosted_zones", "PriorRequestNotComplete", 400),
        ("ec2", "ec2", "describe_vpcs", "RequestLimitExceeded", 503),
        ("sts", "sts", "get_caller_identity", "InternalError", 500),
        ("elbv2", ELB, "describe_load_balancers", "ServiceUnavailable", 503),
    ],
)
def test_proxy_injects_errors_botocore_parses(moto, service, signing_name, operation, code, status):
    """Each protocol's error shape gives botocore the code, status and message; then calls go through again."""
    fault = Fault(signing_name, None, code, count=1, message=f"injected {code}")
    with FaultProxy(moto.endpoint, [fault]) as proxy:
        api = client(service, proxy.endpoint)
        with pytest.raises(ClientError) as raised:
            getattr(api, operation)()
        assert proxy.remaining(fault) == 0
        getattr(api, operation)()  # the rule is used up: moto answers
    error = raised.value.response
    assert error["Error"]["Code"] == code
    assert error["Error"]["Message"] == f"injected {code}"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == status
    assert error["ResponseMetadata"]["RequestId"]
    assert [call.injected for call in proxy.calls] == [True, False]


def test_proxy_matches_service_and_action(moto):
    """A rule with an action touches only that action; ``action=None`` covers the whole service."""
    create = Fault(ELB, "CreateTargetGroup", count=1)
    any_acm = Fault("acm", None, "ThrottlingException", count=2)
    with FaultProxy(moto.endpoint, [create, any_acm]) as proxy:
        client("elbv2", proxy.endpoint).describe_target_groups()
        assert proxy.remaining(create) == 1
        acm = client("acm", proxy.endpoint)
        for operation in (acm.list_certificates, acm.get_account_configuration):
            with pytest.raises(ClientError, match="ThrottlingException"):
                operation()
        acm.list_certificates()
    assert proxy.remaining(create) == 1
    assert proxy.remaining(any_acm) == 0
    assert proxy.calls == [
        forwarded(ELB, "DescribeTargetGroups"),
        Call("acm", "ListCertificates", True),
        Call("acm", "GetAccountConfiguration", True),
        forwarded("acm", "ListCertificates"),
    ]
    assert proxy.injected_count() == 2
    assert proxy.injected_count("acm", "ListCertificates") == 1


def test_botocore_default_gives_up_after_five_attempts(moto, plain_aws_env, monkeypatch):  # pylint: disable=unused-argument
    """botocore's default (legacy mode, 5 attempts) absorbs 4 throttles per call, not 6.

    Its sleeps are recorded and shortened; the requests themselves really go out.
    """
    sleeps = []
    real_sleep = time.sleep

    def short_sleep(seconds):
        sleeps.append(seconds)
        real_sleep(0.01)

    monkeypatch.setattr(time, "sleep", short_sleep)
    fault = Fault(ELB, "DescribeTargetGroups", "Throttling", count=6)
    with FaultProxy(moto.endpoint, [fault]) as proxy:
        elb = client("elbv2", proxy.endpoint, config=None)
        assert elb.meta.config.retries["mode"] == "legacy"
        with pytest.raises(ClientError, match="Throttling"):
            elb.describe_target_groups()
        assert proxy.calls == injected(5, ELB, "DescribeTargetGroups")
        assert len(sleeps) == 4
        elb.describe_target_groups()  # throttle #6, then moto
    assert proxy.remaining(fault) == 0
    assert proxy.calls[5:] == [Call(ELB, "DescribeTargetGroups", True), forwarded(ELB, "DescribeTargetGroups")]


# ---------------------------------------------------------------------------
# aws_retry() around a boto3 client without botocore retries
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "service, signing_name, operation, action, code",
    [
        ("acm", "acm", "list_certificates", "ListCertificates", "ThrottlingException"),
        ("elbv2", ELB, "describe_target_groups", "DescribeTargetGroups", "Throttling"),
        ("route53", "route53", "list_hosted_zones", "ListHostedZones", "PriorRequestNotComplete"),
    ],
)
def test_aws_retry_recovers_from_throttling(moto, retry_api, service, signing_name, operation, action, code):
    """Three injected errors, three retries by aws_retry, and the fourth request reaches moto."""
    aws_retry, wrapper = retry_api
    fault = Fault(signing_name, action, code, count=3)
    with FaultProxy(moto.endpoint, [fault]) as proxy:
        raw = client(service, proxy.endpoint)
        assert raw.meta.config.retries["total_max_attempts"] == 1  # botocore sends each request once
        api = wrapper(raw, aws_retry(delay=0.05, max_delay=0.2))
        start = time.monotonic()
        response = getattr(api, operation)(aws_retry=True)
        elapsed = time.monotonic() - start
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert proxy.calls == injected(3, signing_name, action) + [forwarded(signing_name, action)]
    assert proxy.injected_count() == 3 and proxy.forwarded_count() == 1
    assert proxy.remaining(fault) == 0
    assert elapsed < 5, f"three retries took {elapsed:.1f}s"


def test_aws_retry_does_not_retry_other_errors(moto, retry_api):
    """A client error that is not transient fails at once: one request only."""
    aws_retry, wrapper = retry_api
    fault = Fault(ELB, "DescribeTargetGroups", "ValidationError", count=3, message="bad request")
    with FaultProxy(moto.endpoint, [fault]) as proxy:
        api = wrapper(client("elbv2", proxy.endpoint), aws_retry(delay=0.05, max_delay=0.2))
        with pytest.raises(ClientError, match="bad request"):
            api.describe_target_groups(aws_retry=True)
    assert proxy.calls == injected(1, ELB, "DescribeTargetGroups")
    assert proxy.remaining(fault) == 2


def test_aws_retry_gives_up_after_its_retries(moto, retry_api):
    """``retries`` is the total number of attempts: the last error is raised after that many requests."""
    aws_retry, wrapper = retry_api
    with FaultProxy(moto.endpoint, [Fault("acm", "ListCertificates", "ThrottlingException", count=50)]) as proxy:
        api = wrapper(client("acm", proxy.endpoint), aws_retry(retries=4, delay=0.02, max_delay=0.05))
        with pytest.raises(ClientError, match="ThrottlingException"):
            api.list_certificates(aws_retry=True)
    assert proxy.calls == injected(4, "acm", "ListCertificates")


# ---------------------------------------------------------------------------
# The elb_target_group module, end to end
# ---------------------------------------------------------------------------


def run_play(moto: MotoServer, proxy: FaultProxy, workdir: Path, task: str, env_overrides: dict) -> dict:
    """Run one module ``task`` through the proxy, with botocore's defaults unless ``env_overrides`` say;
    return its registered result (plus ``_seconds``)."""
    (workdir / "ansible-tmp").mkdir(parents=True, exist_ok=True)
    result_path = workdir / "result.json"
    playbook = workdir / "playbook.yml"
    hand_over = HAND_OVER.format(result_path=json.dumps(str(result_path)))
    playbook.write_text(play_header(proxy.endpoint) + "  tasks:\n" + task + hand_over, encoding="utf-8")
    env = ansible_env(moto, workdir / "phases.jsonl", workdir, workdir)
    for variable in ("AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE"):
        env.pop(variable, None)
    env.update(
        AWS_CONFIG_FILE=str(workdir / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(workdir / "no-aws-credentials"),
        **env_overrides,
    )
    log_path = workdir / "ansible.log"
    start = time.monotonic()
    rc = run_playbook(playbook_command(playbook), env, log_path, PLAYBOOK_TIMEOUT)
    seconds = time.monotonic() - start
    if rc != 0 or not result_path.exists():
        pytest.fail(f"ansible-playbook failed (exit {rc}):\n{tail(log_path)}", pytrace=False)
    result = json.loads(result_path.read_text(encoding="utf-8"))
    result["_seconds"] = round(seconds, 1)
    print(f"ansible-playbook took {seconds:.1f}s; proxy log: {proxy.calls}")
    return result


def run_module(moto: MotoServer, proxy: FaultProxy, workdir: Path, name: str, env_overrides: dict) -> dict:
    """Run elb_target_group through the proxy; return its registered result."""
    vpc_id = client("ec2", moto.endpoint).create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    return run_play(moto, proxy, workdir, TARGET_GROUP_TASK.format(name=name, vpc_id=vpc_id), env_overrides)


def target_group_names(moto: MotoServer) -> list[str]:
    """The names of the target groups in moto, asked directly."""
    return [group["TargetGroupName"] for group in client("elbv2", moto.endpoint).describe_target_groups()["TargetGroups"]]


def test_module_recovers_with_its_own_retries(moto, tmp_path):
    """botocore retries off (AWS_MAX_ATTEMPTS=1): the module's AWSRetry alone rides out every throttle."""
    describe = Fault(ELB, "DescribeTargetGroups", "Throttling", count=2)
    create = Fault(ELB, "CreateTargetGroup", "Throttling", count=3)
    with FaultProxy(moto.endpoint, [describe, create]) as proxy:
        result = run_module(moto, proxy, tmp_path, "retry-own", {"AWS_MAX_ATTEMPTS": "1"})
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is True
    assert result["name"] == "retry-own" and result["arn"]
    assert target_group_names(moto) == ["retry-own"]
    assert proxy.remaining(describe) == 0 and proxy.remaining(create) == 0
    assert proxy.calls_of(ELB, "CreateTargetGroup") == injected(3, ELB, "CreateTargetGroup") + [
        forwarded(ELB, "CreateTargetGroup")
    ]
    assert proxy.calls_of(ELB, "DescribeTargetGroups")[:3] == injected(2, ELB, "DescribeTargetGroups") + [
        forwarded(ELB, "DescribeTargetGroups")
    ]
    assert proxy.injected_count() == 5


def test_module_recovers_beyond_botocore_default(moto, tmp_path):
    """botocore's default gives up after 5 throttles; the 6th is left for the module's AWSRetry to ride out.

    run_module clears AWS_MAX_ATTEMPTS, AWS_RETRY_MODE and the AWS config files, so botocore runs with the
    defaults that test_botocore_default_gives_up_after_five_attempts pins down (legacy, 5 requests per call).
    """
    describe = Fault(ELB, "DescribeTargetGroups", "Throttling", count=2)
    create = Fault(ELB, "CreateTargetGroup", "Throttling", count=6)
    with FaultProxy(moto.endpoint, [describe, create]) as proxy:
        result = run_module(moto, proxy, tmp_path, "retry-stacked", {})
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is True
    assert target_group_names(moto) == ["retry-stacked"]
    assert proxy.remaining(describe) == 0 and proxy.remaining(create) == 0
    assert proxy.calls_of(ELB, "CreateTargetGroup") == injected(6, ELB, "CreateTargetGroup") + [
        forwarded(ELB, "CreateTargetGroup")
    ]
    assert proxy.injected_count() == 8


def test_module_fails_on_non_retryable_error(moto, tmp_path):
    """A ValidationError is not retried: the task fails with AWS's message and nothing is created."""
    message = "Health check interval must be greater than the timeout."
    create = Fault(ELB, "CreateTargetGroup", "ValidationError", status=400, count=1, message=message)
    with FaultProxy(moto.endpoint, [create]) as proxy:
        result = run_module(moto, proxy, tmp_path, "retry-invalid", {"AWS_MAX_ATTEMPTS": "1"})
    assert result.get("failed") is True
    assert message in result["msg"]
    assert "retry-invalid" in result["msg"]
    assert result.get("error", {}).get("code") == "ValidationError"
    assert target_group_names(moto) == []
    assert proxy.calls_of(ELB, "CreateTargetGroup") == injected(1, ELB, "CreateTargetGroup")


# ---------------------------------------------------------------------------
# acm_certificate: the idempotency token, end to end
# ---------------------------------------------------------------------------

CERTIFICATE_TASK = """\
    - name: Request a certificate through the fault proxy
      webops.https_rollout.acm_certificate:
        name: retried
        stack: retries
        domain_name: example.test
        subject_alternative_names: ["*.example.test"]
"""


def run_acm_request(moto: MotoServer, proxy: FaultProxy, workdir: Path) -> dict:
    """Run acm_certificate through the proxy with botocore's own retries off; return its result."""
    return run_play(moto, proxy, workdir, CERTIFICATE_TASK, {"AWS_MAX_ATTEMPTS": "1"})


def certificate_arns(moto: MotoServer) -> list[str]:
    """Every certificate in moto, asked directly."""
    acm = client("acm", moto.endpoint)
    return [c["CertificateArn"] for c in acm.list_certificates()["CertificateSummaryList"]]


def test_request_retried_after_lost_answers_makes_one_certificate(moto, tmp_path):
    """ACM acted on the request but the answer was lost (ThrottlingException after the fact), twice.

    The module retries with the same idempotency token, so ACM hands back the one certificate
    it made: one certificate, not three.
    """
    lost = Fault("acm", "RequestCertificate", "ThrottlingException", count=2, after_upstream=True)
    with FaultProxy(moto.endpoint, [lost]) as proxy:
        result = run_acm_request(moto, proxy, tmp_path)
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is True
    # All three requests reached moto (the first two answers were replaced by the error)...
    assert proxy.calls_of("acm", "RequestCertificate") == injected(2, "acm", "RequestCertificate") + [
        forwarded("acm", "RequestCertificate")
    ]
    assert proxy.remaining(lost) == 0
    # ...and they made one certificate.
    assert certificate_arns(moto) == [result["arn"]]


def test_request_throttled_before_acm_acts_makes_one_certificate(moto, tmp_path):
    """ACM's ThrottlingException (not retried by AWSRetry by default) is retried by the module's own codes."""
    throttled = Fault("acm", None, "ThrottlingException", count=3)
    with FaultProxy(moto.endpoint, [throttled]) as proxy:
        result = run_acm_request(moto, proxy, tmp_path)
    assert not result.get("failed"), result.get("msg")
    assert proxy.injected_count() == 3
    assert certificate_arns(moto) == [result["arn"]]
