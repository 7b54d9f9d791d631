"""Unit tests for _acm/reconcile.py (acm_certificate's reconciliation): the choice of "its" certificate, its input checks and its check-mode predictions."""

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError

from ansible_collections.webops.https_rollout.plugins.module_utils._acm import reconcile


def cert(arn, names, status="ISSUED", created="2026-01-01", kind="AMAZON_ISSUED", key="RSA-2048"):
    return (
        {
            "CertificateArn": arn,
            "DomainName": names[0],
            "SubjectAlternativeNames": names,
            "Status": status,
            "CreatedAt": created,
            "Type": kind,
            "KeyAlgorithm": key,
        },
        {"Name": "web"},
    )


NAMES = ["example.com", "*.example.com"]


def test_the_certificate_with_the_same_names_is_current_the_rest_superseded():
    owned = [cert("old", ["example.com"]), cert("now", list(reversed(NAMES)))]
    current, rest = reconcile.pick_current(owned, NAMES, None)
    assert current[0]["CertificateArn"] == "now"
    assert [c["CertificateArn"] for c, _t in rest] == ["old"]


def test_an_issued_certificate_wins_over_a_newer_pending_one():
    owned = [cert("issued", NAMES, created="2026-01-01"), cert("pending", NAMES, "PENDING_VALIDATION", "2026-02-01")]
    current, rest = reconcile.pick_current(owned, NAMES, None)
    assert current[0]["CertificateArn"] == "issued"
    assert [c["CertificateArn"] for c, _t in rest] == ["pending"]


def test_expired_and_revoked_certificates_are_replaced_not_reused():
    owned = [cert("expired", NAMES, "EXPIRED"), cert("revoked", NAMES, "REVOKED")]
    current, rest = reconcile.pick_current(owned, NAMES, None)
    assert current is None and len(rest) == 2


def test_a_failed_request_is_kept_so_that_wait_reports_why():
    current, _rest = reconcile.pick_current([cert("failed", NAMES, "FAILED")], NAMES, None)
    assert current[0]["CertificateArn"] == "failed"


def test_another_key_algorithm_needs_a_new_certificate():
    owned = [cert("rsa", NAMES, key="RSA-2048")]
    assert reconcile.pick_current(owned, NAMES, "EC_prime256v1")[0] is None
    assert reconcile.pick_current(owned, NAMES, "RSA_2048")[0][0]["CertificateArn"] == "rsa"


def test_an_imported_certificate_is_not_taken_for_a_request():
    assert reconcile.pick_current([cert("imp", NAMES, kind="IMPORTED")], NAMES, None)[0] is None


def params(**overrides):
    base = {
        "name": "web",
        "state": "present",
        "arn": None,
        "domain_name": "example.com",
        "subject_alternative_names": [],
        "allow_more_names": False,
        "key_algorithm": None,
        "certificate": None,
        "private_key": None,
        "certificate_chain": None,
        "retire_superseded": False,
        "wait": False,
        "wait_timeout": 300,
        "tags": None,
        "purge_tags": True,
        "stack": "shop",
    }
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    "overrides, expect",
    [
        ({"domain_name": None}, "state=present needs domain_name"),
        ({"arn": "arn:aws:acm:x"}, "arn only applies to state=absent"),
        ({"domain_name": "*.*.example.com"}, "more than one wildcard"),
        (
            {"domain_name": None, "certificate": "x", "private_key": "y", "subject_alternative_names": ["a.example.com"]},
            "subject_alternative_names applies to a requested certificate, not to an import",
        ),
        ({"domain_name": None, "certificate": "x", "private_key": "y"}, "certificate is not a PEM certificate"),
        ({"state": "absent", "domain_name": "bad_name.example.com"}, "invalid label"),
    ],
)
def test_validate_names_the_problem(overrides, expect):
    problem, _parsed = reconcile.validate_certificate(params(**overrides))
    assert expect in problem


def test_validate_passes_a_good_request_and_a_bare_absent():
    assert reconcile.validate_certificate(params(subject_alternative_names=["*.example.com"])) == (None, None)
    assert reconcile.validate_certificate(params(state="absent", domain_name=None)) == (None, None)


def test_wanted_tags_always_carry_the_name_and_purge_only_with_tags():
    assert reconcile.certificate_wanted_tags(params()) == ({"Name": "web", "https-rollout:stack": "shop"}, False)
    assert reconcile.certificate_wanted_tags(params(tags={"team": "a"})) == (
        {"Name": "web", "https-rollout:stack": "shop", "team": "a"},
        True,
    )


def test_an_import_names_the_option_that_does_not_apply():
    problem, _parsed = reconcile.validate_certificate(params(domain_name=None, certificate="x", private_key="y", key_algorithm="RSA_2048"))
    assert problem.startswith("key_algorithm applies to a requested certificate, not to an import")


# --- check mode: predictions and blocked changes (issue 12) -------------------

OLD = "arn:aws:acm:us-east-1:123456789012:certificate/old"
LISTENER = "listener arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/2 (HTTPS:443)"


class Recorder:
    """Stands in for the clients and records what the module would do."""

    def __init__(self):
        self.deleted, self.warnings = [], []

    def warn(self, message):
        self.warnings.append(message)


@pytest.fixture
def aws(monkeypatch):
    """ACM with the superseded certificate OLD, which a listener serves; deletes are recorded, never made."""
    rec = Recorder()
    users = {OLD: [LISTENER]}
    monkeypatch.setattr(reconcile.acm, "certificate_users", lambda _elb, certificate: users.get(certificate["CertificateArn"], []))
    monkeypatch.setattr(reconcile.acm, "delete_certificate", lambda _client, arn: rec.deleted.append(arn))
    monkeypatch.setattr(reconcile, "read_owned", lambda _client, _params, _near: [cert(OLD, ["example.com"])])
    rec.users = users
    return rec


def present(params, check_mode, warn):
    """What acm_certificate's run() does with state=present: read, pick the current certificate, ensure present."""
    current, superseded = reconcile.current_certificate(reconcile.read_owned_certificates(None, params, None), params, None)
    return reconcile.ensure_certificate_present(None, lambda: None, params, None, current, superseded, check_mode, warn)


def absent(client, elbv2_client, params, check_mode, warn):
    """What acm_certificate's run() does with state=absent; ``before`` and ``after`` beside the extras, as the module
    returns them."""
    targets = reconcile.certificates_to_delete(client, params)
    before = reconcile.deleted_before(targets)
    changed, state = reconcile.ensure_certificate_absent(client, elbv2_client, params, targets, check_mode, warn)
    return changed, dict(state, before=before, after={})


def test_the_predicted_certificate_has_a_placeholder_arn():
    state = reconcile.predicted_certificate_state(params(), None, {"Name": "web"}, [])
    assert state["arn"] == "predicted:certificate:web"
    assert state["status"] == "PENDING_VALIDATION"


def test_retire_keeps_a_served_certificate_in_a_real_run(aws):
    retired, kept = reconcile.retire(None, None, [cert(OLD, ["example.com"])], False, aws.warn)
    assert (retired, kept, aws.deleted) == ([], [OLD], [])
    assert aws.warnings[0].startswith(f"retire_superseded: superseded certificate {OLD} is still in use by {LISTENER}")


def test_retire_in_check_mode_warns_and_predicts_the_retirement(aws):
    # An earlier check-mode task (elb_listener) may switch the listener to the new certificate.
    retired, kept = reconcile.retire(None, None, [cert(OLD, ["example.com"])], True, aws.warn)
    assert (retired, kept, aws.deleted) == ([OLD], [], [])
    assert "still in use by" in aws.warnings[0] and "check mode goes on" in aws.warnings[0]


def test_retire_in_check_mode_with_wait_predicts_the_new_certificate_issued(aws, monkeypatch):
    # The new certificate is only predicted (would be requested); with wait=true the real run waits for ISSUED
    # and then retires the old one, so check mode predicts that too.
    monkeypatch.setattr(reconcile, "read_owned", lambda _client, _params, _near: [cert(OLD, ["example.com"])])
    aws.users.clear()
    wanted = params(subject_alternative_names=["www.example.com"], retire_superseded=True, wait=True)
    changed, extra = present(wanted, True, aws.warn)
    after = extra
    assert changed and extra["retired_arns"] == [OLD] and after["superseded_arns"] == []
    assert after["arn"] == "predicted:certificate:web" and aws.deleted == []
    # Without wait the real run would keep it until the certificate is issued: so does check mode.
    changed, extra = present(dict(wanted, wait=False), True, aws.warn)
    after = extra
    assert extra["retired_arns"] == [] and after["superseded_arns"] == [OLD]


def test_absent_in_use_fails_a_real_run_and_deletes_nothing(aws):
    with pytest.raises(RolloutError) as error:
        absent(None, lambda: None, params(state="absent", domain_name=None), False, aws.warn)
    assert str(error.value).startswith("state=absent: refusing to delete certificates still in use")
    assert LISTENER in str(error.value) and aws.deleted == []


def test_absent_in_use_in_check_mode_warns_and_predicts_the_delete(aws):
    # Issue 12, case 5: after elb_listener state=absent in check mode, the listener is only "would be deleted".
    changed, extra = absent(None, lambda: None, params(state="absent", domain_name=None), True, aws.warn)
    before, _after = extra.pop("before"), extra.pop("after")
    assert changed and extra == {"deleted_arns": [OLD]} and before["arn"] == OLD
    assert aws.deleted == [] and "still in use" in aws.warnings[0]


def test_absent_with_nothing_left_is_no_change(aws, monkeypatch):
    monkeypatch.setattr(reconcile, "read_owned", lambda _client, _params, _near: [])

    def no_elb():
        raise AssertionError("nothing to delete: the load balancers are not read")

    assert absent(None, no_elb, params(state="absent", domain_name=None), False, aws.warn) == (
        False,
        {"before": {}, "after": {}, "deleted_arns": []},
    )


def test_absent_of_a_predicted_arn_in_check_mode_reads_nothing(aws):
    class NoCalls:
        def __getattr__(self, name):
            raise AssertionError(f"a placeholder is never sent to AWS ({name})")

    wanted = params(state="absent", domain_name=None, arn="predicted:certificate:web")
    changed, extra = absent(NoCalls(), NoCalls, wanted, True, aws.warn)
    _before, _after = extra.pop("before"), extra.pop("after")
    assert changed and extra == {"deleted_arns": ["predicted:certificate:web"]}
    assert aws.warnings[0].startswith("arn: certificate predicted:certificate:web does not exist yet")
