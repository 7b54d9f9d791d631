"""Unit tests for _https/redirects.py: the URL and resolve options, the redirect to HTTPS."""

import pytest

from ansible_collections.webops.https_rollout.plugins.module_utils._https import redirects


@pytest.mark.parametrize(
    "url, parsed",
    [
        ("https://Shop.Example.com/healthz?x=1", ("https", "shop.example.com", 443, "/healthz?x=1")),
        ("http://shop.example.com", ("http", "shop.example.com", 80, "/")),
        ("https://shop.example.com:8443/", ("https", "shop.example.com", 8443, "/")),
        ("http://[2001:db8::1]:8080/a", ("http", "2001:db8::1", 8080, "/a")),
    ],
)
def test_parse_url(url, parsed):
    assert redirects.parse_url(url) == parsed


@pytest.mark.parametrize(
    "url, fragment",
    [("ftp://x.example.com/", "must start with http:// or https://"), ("https:///path", "has no host"), ("https://x:99999/", "invalid port")],
)
def test_parse_url_errors(url, fragment):
    with pytest.raises(ValueError, match=fragment):
        redirects.parse_url(url)


def test_parse_resolve_like_curl():
    assert redirects.parse_resolve(["Shop.Example.com:443:192.0.2.10", "shop.example.com:80:[2001:db8::1]"]) == {
        ("shop.example.com", 443): "192.0.2.10",
        ("shop.example.com", 80): "2001:db8::1",
    }
    assert redirects.parse_resolve(None) == {}


@pytest.mark.parametrize(
    "entry, fragment",
    [
        ("shop.example.com:443", "must be host:port:address"),
        ("shop.example.com::192.0.2.1", "must be host:port:address"),
        ("shop.example.com:https:192.0.2.1", "'https' is not a port"),
        ("shop.example.com:70000:192.0.2.1", "'70000' is not a port"),
        ("shop.example.com:443:lb.example.com", "'lb.example.com' is not an IP address"),
    ],
)
def test_parse_resolve_errors(entry, fragment):
    with pytest.raises(ValueError, match=fragment):
        redirects.parse_resolve([entry])


@pytest.mark.parametrize(
    "status, location, problem",
    [
        (301, "https://shop.example.com/", None),
        (308, "https://SHOP.example.com:8443/x", None),
        (200, None, "no redirect: http://shop.example.com/ answered 200; it must answer 301 or 308 to https://shop.example.com/"),
        (301, None, "answered 301 without a Location header"),
        (301, "/elsewhere", "redirects to http://shop.example.com/elsewhere: it must redirect to https://shop.example.com/"),
        (301, "https://www.example.com/", "redirects to another host (https://www.example.com/)"),
        (302, "https://shop.example.com/", "answered 302, a temporary redirect: use 301 or 308"),
        (307, "https://shop.example.com/", "answered 307, a temporary redirect"),
    ],
)
def test_redirect_problem(status, location, problem):
    found = redirects.redirect_problem("http://shop.example.com/", status, location)
    if problem is None:
        assert found is None
    else:
        assert problem in found


def test_https_answers_need_no_redirect():
    assert redirects.redirect_problem("https://shop.example.com/", 200, None) is None


def answer(host=None, status=200, body=None):
    return {"url": "https://shop.example.com/", "status": status, "body": body if body is not None else '{"host": "%s"}' % host}
