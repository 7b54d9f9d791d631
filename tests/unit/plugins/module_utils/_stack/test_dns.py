"""Unit tests for _stack/dns.py: which records the engine asks route53_record's reconciliation for."""

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils._stack import dns
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError


def options(**dns_options):
    values = {"zone": None, "publish_validation_records": True, "validation_ttl": 60, "alias_names": [],
              "alias_types": ["A"], "evaluate_target_health": True, "remove_validation_records": True}
    values.update(dns_options)
    return {"dns": values}


CERTIFICATE = {"validation_records": [{"name": "_a.app.example.test", "type": "CNAME", "value": "_v.acm-validations.aws."}]}
LB = {"arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/edge/1", "dns_name": "edge-1.elb.test",
      "canonical_hosted_zone_id": "Z35SXDOTRQ7X7K"}


def test_validation_records_carry_the_ttl_unless_publishing_is_off():
    assert dns.validation_records(options(), CERTIFICATE) == [dict(CERTIFICATE["validation_records"][0], ttl=60)]
    assert dns.validation_records(options(publish_validation_records=False), CERTIFICATE) == []
    assert dns.validation_records({"dns": None}, CERTIFICATE) == []


def test_aliases_point_at_the_load_balancer_per_name_and_type():
    records = dns.alias_records(options(alias_names=["app.example.test", "www.example.test"], alias_types=["A", "AAAA"]), LB)
    assert [(r["name"], r["type"]) for r in records] == [
        ("app.example.test", "A"), ("app.example.test", "AAAA"), ("www.example.test", "A"), ("www.example.test", "AAAA")]
    assert records[0]["alias"] == {"dns_name": "edge-1.elb.test", "hosted_zone_id": "Z35SXDOTRQ7X7K",
                                   "evaluate_target_health": True}
    # The teardown asks for both types whatever the rollout used.
    assert len(dns.alias_records(options(alias_names=["app.example.test"]), LB, types=dns.ALIAS_TYPES)) == 2


def test_a_predicted_load_balancer_is_referred_to_by_its_placeholder():
    records = dns.alias_records(options(alias_names=["app.example.test"]), {"arn": "predicted:load-balancer:edge"})
    assert records[0]["alias"]["load_balancer"] == "predicted:load-balancer:edge"


def test_no_load_balancer_no_alias():
    assert dns.alias_records(options(alias_names=["app.example.test"]), {}) == []


def test_a_bad_alias_name_is_refused_naming_the_option():
    with pytest.raises(RolloutError, match=r"^dns: alias_names\[0\]"):
        dns.check_names(options(alias_names=["bad name.example.test"]))
    dns.check_names(options(alias_names=["app.example.test"]))
