"""Unit tests for _elb/api.py: the reads against fake clients (not found, batches, placeholders never sent)."""

import botocore.exceptions

from ansible_collections.webops.https_rollout.plugins.module_utils._elb import api
from ansible_collections.webops.https_rollout.tests.unit.plugins.module_utils._elb.lb_fixtures import AWS_LB
from ansible_collections.webops.https_rollout.tests.unit.plugins.module_utils._elb.lb_fixtures import ARN
from ansible_collections.webops.https_rollout.tests.unit.plugins.module_utils._elb.lb_fixtures import Paginated


TG_A = f"{ARN}:targetgroup/a/1111"
TG_B = f"{ARN}:targetgroup/b/2222"


class ClientError(botocore.exceptions.ClientError):
    """botocore's ClientError with only the code that matters here."""

    def __init__(self, code):
        super().__init__({"Error": {"Code": code, "Message": code}}, "Describe")


class FakeClient:
    def __init__(self, groups=None, load_balancers=None, policies=()):
        self.groups = groups or {}
        self.load_balancers = load_balancers or {}
        self.policies = policies
        self.calls = []

    def describe_target_groups(self, aws_retry, Names):  # pylint: disable=invalid-name,unused-argument
        self.calls.append(("describe_target_groups", tuple(Names)))
        if any(n not in self.groups for n in Names):
            raise ClientError("TargetGroupNotFound")
        return {"TargetGroups": [{"TargetGroupName": n, "TargetGroupArn": self.groups[n]} for n in Names]}

    def describe_load_balancers(self, aws_retry, Names=None, LoadBalancerArns=None):  # pylint: disable=invalid-name,unused-argument
        key = (Names or LoadBalancerArns)[0]
        if key not in self.load_balancers:
            raise ClientError("LoadBalancerNotFound")
        return {"LoadBalancers": [self.load_balancers[key]]}

    def describe_ssl_policies(self, aws_retry, Names):  # pylint: disable=invalid-name,unused-argument
        self.calls.append(("describe_ssl_policies", tuple(Names)))
        if Names[0] not in self.policies:
            raise ClientError("SSLPolicyNotFound")
        return {"SslPolicies": [{"Name": Names[0]}]}


def test_target_groups_resolve_in_one_call_when_all_exist():
    client = FakeClient(groups={"a": TG_A, "b": TG_B})
    assert api.resolve_target_groups(client, ["b", "a", TG_A]) == {"a": TG_A, "b": TG_B, TG_A: TG_A}
    assert client.calls == [("describe_target_groups", ("a", "b"))]


def test_a_missing_target_group_is_found_one_by_one():
    client = FakeClient(groups={"a": TG_A})
    assert api.resolve_target_groups(client, ["a", "nope"]) == {"a": TG_A, "nope": None}
    assert len(client.calls) == 3


def test_no_call_for_arns_only():
    client = FakeClient()
    assert api.resolve_target_groups(client, [TG_A]) == {TG_A: TG_A}
    assert client.calls == []


def test_describe_load_balancer_not_found_is_none():
    client = FakeClient(load_balancers={"web": AWS_LB})
    assert api.describe_load_balancer(client, name="web") is AWS_LB
    assert api.describe_load_balancer(client, name="other") is None


def test_ssl_policy_exists():
    client = FakeClient(policies=("ELBSecurityPolicy-Test-Known",))
    assert api.ssl_policy_exists(client, "ELBSecurityPolicy-Test-Known")
    assert not api.ssl_policy_exists(client, "ELBSecurityPolicy-Nope")
    # A policy found once is not asked for again in this process; one not found is asked for each time.
    assert api.ssl_policy_exists(client, "ELBSecurityPolicy-Test-Known")
    assert not api.ssl_policy_exists(client, "ELBSecurityPolicy-Nope")
    assert [name for _call, (name,) in client.calls] == [
        "ELBSecurityPolicy-Test-Known", "ELBSecurityPolicy-Nope", "ELBSecurityPolicy-Nope"]


def test_placeholders_are_never_sent_to_aws():
    class NoCalls:
        def __getattr__(self, name):
            raise AssertionError(f"{name} called with a placeholder")

    assert api.find_load_balancer(NoCalls(), "predicted:load-balancer:web") is None
    assert api.describe_listener(NoCalls(), "predicted:listener:web:443") is None
    assert api.resolve_target_groups(NoCalls(), ["predicted:target-group:web"]) == {"predicted:target-group:web": None}


def test_describe_target_groups_of_a_load_balancer_that_is_gone_is_empty():
    from botocore.exceptions import ClientError

    class Gone(Paginated):
        def describe_target_groups(self, aws_retry, **kwargs):
            raise ClientError({"Error": {"Code": "LoadBalancerNotFound", "Message": "gone"}}, "DescribeTargetGroups")

    assert api.describe_target_groups(Gone(), load_balancer_arn="arn:lb/gone") == []
