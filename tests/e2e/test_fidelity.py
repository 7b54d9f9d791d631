"""The rollout against the sandbox's fidelity layer: where AWS makes a rollout wait, or fail, so does the sandbox.

One fresh sandbox (containers ``webops-e2e-fid-*``), the tests in order:

1. the first rollout, timed from its own task headers: the certificate and the load balancer are started in the
   edge's first phase, so the finish phase's three waits (certificate issued, load balancer active, targets healthy)
   overlap the host configuration instead of adding up;
2. a rotation whose validation records are wrong (the test-only role variable
   ``_https_edge_test_corrupt_validation``) for a new name: the run fails at its ``wait_timeout``, naming the
   pending domain and the records ACM expects;
3. a host that is down during the rollout: the run fails on target health, naming the host's instance and the
   reason code the edge's checks gave.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import dns.message
import dns.query
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[0] / "bench"))

# pylint: disable=wrong-import-position
from test_site import NAMES, fresh_sandbox, run_playbook, seeded_instance_ids  # noqa: E402
from bench_rollout import FIRST_WAIT_TASK, LAST_WAIT_TASK, REQUEST_TASK, task_span  # noqa: E402
from bench_rollout import run_playbook as timed_playbook  # noqa: E402
# pylint: enable=wrong-import-position

# Long enough to be seen in the task timings, short against the host configuration (about a minute or more).
DELAYS = {"lb": 10.0, "acm_issue": 10.0}
LB_TASK = REQUEST_TASK  # the engine creates the load balancer in the same task as it requests the certificate
FIRST_HOST_TASK = "Install nginx from the distribution (apt)"
WAIT_TIMEOUT = 20


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """This module's sandbox (containers webops-e2e-fid-*)."""
    yield from fresh_sandbox("e2e-fid", tmp_path_factory.mktemp("sandbox-fid"), delays=DELAYS)


def test_first_rollout_waits_overlap(sandbox):
    """The certificate and load balancer are ready before the finish phase waits for them: their waits overlap.

    From the run's own task timings: the certificate (issued ``acm_issue`` s after its records resolve, IssuedAt)
    and the load balancer (active ``lb`` s after its creation) both turned ready while the hosts were configured,
    before the first wait began; in series, each would only start when the previous wait ended. Asserted on the
    order of events, not on how long the run took.
    """
    started = time.time()
    result = timed_playbook(sandbox, "site.yml")
    assert result["rc"] == 0, result["tail"]
    requested, balancer = task_span(result, REQUEST_TASK), task_span(result, LB_TASK)
    first, last = task_span(result, FIRST_WAIT_TASK), task_span(result, LAST_WAIT_TASK)
    assert requested and balancer and first and last, [name for _at, name in result["tasks"]]
    names = [name for _at, name in result["tasks"]]
    # Both slow things are started before any web host is configured (the hosts' plays come after the first phase).
    assert names.index(REQUEST_TASK) <= names.index(LB_TASK) < names.index(FIRST_HOST_TASK) < names.index(FIRST_WAIT_TASK)
    acm = sandbox.client("acm")
    (summary,) = acm.list_certificates()["CertificateSummaryList"]
    certificate = acm.describe_certificate(CertificateArn=summary["CertificateArn"])["Certificate"]
    assert certificate["Status"] == "ISSUED"
    issued = certificate["IssuedAt"].timestamp() - started
    print(f"certificate requested by {requested[1]:.1f} s and issued at {issued:.1f} s; load balancer created by "
          f"{balancer[1]:.1f} s (active {DELAYS['lb']:g} s later); waits from {first[0]:.1f} s to {last[1]:.1f} s; "
          f"run {result['seconds']:.1f} s")
    assert requested[1] + DELAYS["acm_issue"] <= issued + 1 < first[0], "the certificate was issued only in its wait"
    assert balancer[1] + DELAYS["lb"] < first[0], "the load balancer became active only in its wait"


def test_wrong_validation_records_fail_within_the_wait_timeout(sandbox):
    """A rotation whose validation CNAMEs are wrong: ACM never issues, the run fails naming what it waits for."""
    output = {}
    extra = {"https_edge_alternative_names": NAMES[1:] + ["bad.example.test"], "_https_edge_test_corrupt_validation": True,
             "https_edge_wait_timeout": WAIT_TIMEOUT}
    run_playbook(sandbox, "site.yml", "-e", json.dumps(extra), expect_rc=2, output=output)
    stdout = output["stdout"]
    # The engine's waits share one deadline: the certificate's wait gets what is left of it (up to WAIT_TIMEOUT s).
    assert re.search(r"Timed out after \d+s waiting for certificate", stdout), stdout[-4000:]
    # app and www validated at once: moto gives every certificate the same validation record, and the first rollout
    # published it for them (once validated, a domain stays so, as on AWS); bad.example.test is pending.
    assert "names still pending validation: bad.example.test;" in stdout, stdout[-4000:]
    assert "expected DNS records:" in stdout and "_d930b28be6c5927595552b219965053e.bad.example.test" in stdout, stdout[-4000:]
    # What the sandbox DNS server answers for the record: the corrupted value, not the one ACM expects.
    port = sandbox.account()["dns_port"]
    answer = dns.query.udp(dns.message.make_query("_d930b28be6c5927595552b219965053e.bad.example.test", "CNAME"),
                           "127.0.0.1", port=port, timeout=3)
    assert "_corrupted.acm-validations.aws." in answer.to_text()


def test_host_down_fails_on_target_health(sandbox):
    """web2's container is stopped: the rollout (of the other hosts) fails on target health, with web2's reason."""
    web2 = json.loads((sandbox.workdir / "hosts.json").read_text(encoding="utf-8"))
    web2_id = next(instance for instance, container in web2.items() if container == sandbox.container("web2"))
    assert web2_id in seeded_instance_ids(sandbox)
    subprocess.run(["docker", "stop", "--time", "5", sandbox.container("web2")], check=True, capture_output=True)
    try:
        output = {}
        run_playbook(sandbox, "site.yml", "--limit", "all:!web2", "-e",
                     json.dumps({"https_edge_wait_timeout": WAIT_TIMEOUT}), expect_rc=2, output=output)
        stdout = output["stdout"]
        assert re.search(r"Timed out after \d+s waiting for 2 of 2 targets", stdout), stdout[-4000:]
        assert f"{web2_id}:8080 unhealthy (Target." in stdout, stdout[-4000:]
    finally:
        subprocess.run(["docker", "start", sandbox.container("web2")], check=True, capture_output=True)
