"""Unit tests for _certificate_names.py: the one certificate name matcher (RFC 6125), used by acm and https."""

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils import _certificate_names


@pytest.mark.parametrize(
    "host, pattern, covered",
    [
        ("shop.example.com", "shop.example.com", True),
        ("Shop.Example.COM.", "shop.example.com", True),
        ("www.shop.example.com", "*.shop.example.com", True),
        ("WWW.shop.example.com", "*.Shop.Example.com.", True),
        ("shop.example.com", "*.shop.example.com", False),  # the wildcard needs a label
        ("a.b.shop.example.com", "*.shop.example.com", False),  # ...exactly one
        ("www.other.com", "*.shop.example.com", False),
        ("example.com", "*.com", False),  # too broad: at least two labels after the wildcard
        ("www.example.com", "w*.example.com", False),  # partial-label wildcards are not honoured
        ("www.example.com", "*.*.com", False),
        ("192.0.2.10", "192.0.2.10", True),
        ("2001:db8::1", "2001:DB8:0::1", True),
        ("192.0.2.10", "*.2.10", False),
        ("shop.example.com", "shop.example.co", False),
    ],
)
def test_name_matches(host, pattern, covered):
    assert _certificate_names.name_matches(host, pattern) is covered


def test_host_covered_by_any_name():
    names = ["example.com", "*.example.com"]
    assert _certificate_names.host_covered("example.com", names)
    assert _certificate_names.host_covered("www.example.com", names)
    assert not _certificate_names.host_covered("a.www.example.com", names)
    assert not _certificate_names.host_covered("example.com", [])


@pytest.mark.parametrize(
    "pattern, host, covered",
    [
        # The names of an ACM certificate (acm_certificate_info's domain_name filter) follow the same rules.
        ("*.example.com", "app.example.com", True),
        ("*.example.com", " APP.example.com. ", True),
        ("*.example.com", "example.com", False),
        ("*.example.com", "a.b.example.com", False),
        ("*.example.com", "app.example.org", False),
        ("*.example.com", "*.example.com", True),
        ("*.example.com", "*.a.example.com", False),
        ("example.com", "example.com", True),
        ("app.example.com", "www.example.com", False),
    ],
)
def test_certificate_names_of_acm(pattern, host, covered):
    assert _certificate_names.name_matches(host, pattern) is covered


def test_acm_and_https_share_the_matcher():
    from ansible_collections.webops.https_rollout.plugins.module_utils import acm
    from ansible_collections.webops.https_rollout.plugins.module_utils._https import tls

    assert tls.host_covered is _certificate_names.host_covered
    for pattern, host in (("*.example.com", "www.example.com"), ("*.com", "example.com"), ("w*.example.com", "www.example.com")):
        assert acm.covers(pattern, host) is _certificate_names.name_matches(host, pattern)
