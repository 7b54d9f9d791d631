"""The sandbox edge's HAProxy configuration, rendered from recorded describe output.

``fixtures/snapshot_alb_nlb.json`` was recorded by ``sandbox/edge.py`` from a sandbox account after site.yml plus a
few extra resources: an application load balancer (HTTP:80 redirect, HTTPS:443 with an SNI certificate and rules
for host routing to a second target group, a redirect, fixed responses, a weighted forward and several condition
kinds), and a network load balancer (TLS:443 to a TCP target group, and a UDP listener the edge cannot serve).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "sandbox"))

import edge_config  # noqa: E402  pylint: disable=wrong-import-position

SNAPSHOT = json.loads((Path(__file__).parent / "fixtures" / "snapshot_alb_nlb.json").read_text(encoding="utf-8"))
WEB1, WEB2 = "i-9d492db7f3a0c5303", "i-6d33ab49217b5f81f"
PORTS = {"demo-edge:80": 18080, "demo-edge:443": 18443, "fixture-nlb:443": 28443}


def certificate_arn(domain: str) -> str:
    """The ARN of the recorded certificate whose main name is ``domain``."""
    return next(arn for arn, cert in SNAPSHOT["certificates"].items() if cert["DomainName"] == domain)


def context(addresses=None) -> edge_config.Context:
    """The local facts: mapped ports, target addresses, certificate files."""
    return edge_config.Context(
        ports=dict(PORTS),
        addresses={WEB1: "10.9.0.1", WEB2: "10.9.0.2"} if addresses is None else addresses,
        certificate_files={arn: f"/edge/certs/{cert['DomainName']}.pem" for arn, cert in SNAPSHOT["certificates"].items()},
        crt_list_dir="/edge",
        stats_socket="/edge/stats.sock",
        server_state_file="/edge/server-state",
    )


def section(text: str, header: str) -> list[str]:
    """The stripped lines of one configuration section (up to the next blank line)."""
    lines = text.splitlines()
    start = lines.index(header)
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return [line.strip() for line in lines[start + 1:end]]


@pytest.fixture(name="rendered")
def fixture_rendered():
    """The configuration and the context it was rendered with."""
    ctx = context()
    return edge_config.render(SNAPSHOT, ctx), ctx


def test_http_listener_redirects_to_the_mapped_https_port(rendered):
    """HTTP:80 -> 301 to https on the same host, path and query, at the port HTTPS:443 is mapped to."""
    text, _ctx = rendered
    lines = section(text, "frontend lb_demo-edge_80")
    assert lines[0] == "bind 127.0.0.1:18080"
    redirects = [line for line in lines if line.startswith("http-request redirect")]
    assert redirects == [
        "http-request redirect code 301 location 'https://%[req.hdr(host),field(1,:)]:18443/%[path,regsub(^/,)]?%[query]' "
        "if { var(txn.elb_rule) -m str default } { query -m found } !{ query -m len 0 }",
        "http-request redirect code 301 location 'https://%[req.hdr(host),field(1,:)]:18443/%[path,regsub(^/,)]' "
        "if { var(txn.elb_rule) -m str default }",
    ]
    assert not [line for line in lines if line.startswith("use_backend")]


def test_https_listener_terminates_tls_with_the_policy_floor_and_sni_certificates(rendered):
    """The default certificate first in the crt-list, then the SNI one; TLS 1.2 floor and the policy's ciphers."""
    text, ctx = rendered
    bind = section(text, "frontend lb_demo-edge_443")[0]
    assert bind.startswith("bind 127.0.0.1:18443 ssl crt-list /edge/demo-edge-443.crtlist ssl-min-ver TLSv1.2 ")
    assert " ciphers ECDHE-ECDSA-AES128-GCM-SHA256:" in bind
    assert " ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256" in bind
    assert ctx.crt_lists["/edge/demo-edge-443.crtlist"] == "/edge/certs/app.example.test.pem\n/edge/certs/shop.example.test.pem\n"


def test_rules_match_in_priority_order_then_the_default(rendered):
    """Each rule claims the request only when no earlier rule did; priorities sort as numbers (5 before 10)."""
    text, _ctx = rendered
    lines = section(text, "frontend lb_demo-edge_443")
    claims = [re.search(r"str\((\w+)\)", line).group(1) for line in lines if line.startswith("http-request set-var(txn.elb_rule)")]
    assert claims == ["r5", "r10", "r20", "r30", "r40", "default"]
    assert all("!{ var(txn.elb_rule) -m found }" in line for line in lines if line.startswith("http-request set-var(txn.elb_rule)"))
    # Actions come after every claim, so a later rule's redirect never wins over an earlier rule's forward.
    last_claim = max(i for i, line in enumerate(lines) if line.startswith("http-request set-var(txn.elb_rule)"))
    first_action = min(i for i, line in enumerate(lines) if line.startswith(("http-request redirect", "http-request return", "use_backend")))
    assert last_claim < first_action


def test_host_based_routing_between_two_target_groups(rendered):
    """shop.example.test and its subdomains go to the shop group, everything else to the web group."""
    text, _ctx = rendered
    lines = section(text, "frontend lb_demo-edge_443")
    assert "acl r5_c0 req.hdr(host),field(1,:),lower -m reg '^shop[.]example[.]test$'" in lines
    assert "acl r5_c0 req.hdr(host),field(1,:),lower -m reg '^.*[.]shop[.]example[.]test$'" in lines
    assert "use_backend tg_fixture-shop if { var(txn.elb_rule) -m str r5 }" in lines
    assert lines[-1] == "use_backend tg_demo-web if { var(txn.elb_rule) -m str default }"


def test_redirect_rule_to_another_host_uses_the_mapped_port(rendered):
    """www -> app: the Location names the other host at the HTTPS listener's local port."""
    text, _ctx = rendered
    lines = section(text, "frontend lb_demo-edge_443")
    assert "acl r10_c0 req.hdr(host),field(1,:),lower -m reg '^www[.]example[.]test$'" in lines
    assert ("http-request redirect code 301 location 'https://app.example.test:18443/%[path,regsub(^/,)]' "
            "if { var(txn.elb_rule) -m str r10 }") in lines


def test_weighted_forward_draws_once_and_splits_by_weight(rendered):
    """Weights 3 and 1: one draw in [0, 4); below 3 the web group, else the shop group."""
    text, _ctx = rendered
    lines = section(text, "frontend lb_demo-edge_443")
    assert "acl r30_c0 path -m reg '^/canary/.*$'" in lines
    assert "acl r30_c1 method 'GET' 'HEAD'" in lines
    assert "http-request set-var(txn.elb_draw) rand(4) if { var(txn.elb_rule) -m str r30 }" in lines
    assert "use_backend tg_demo-web if { var(txn.elb_rule) -m str r30 } { var(txn.elb_draw) -m int lt 3 }" in lines
    assert "use_backend tg_fixture-shop if { var(txn.elb_rule) -m str r30 } { var(txn.elb_draw) -m int lt 4 }" in lines


def test_fixed_responses_and_the_other_condition_kinds(rendered):
    """Query string (with and without key), source IP and header conditions; JSON body quoted safely."""
    text, _ctx = rendered
    lines = section(text, "frontend lb_demo-edge_443")
    assert "acl r40_c0 url_param(debug),lower -m reg '^tr.e$'" in lines
    assert "acl r40_c0 query,lower -m reg '(^|&)[^=&]*=trace(&|$)'" in lines
    assert "acl r40_c1 src 127.0.0.0/8 10.0.0.0/8" in lines
    assert "acl r40_c2 req.hdr(X-Canary),lower -m reg '^yes.*$'" in lines
    assert ("http-request return status 503 content-type 'application/json' string "
            "\"{\\\"maintenance\\\": \\\"it's on\\\"}\" if { var(txn.elb_rule) -m str r40 }") in lines
    assert "http-request return status 200 content-type 'text/plain' string 'pong' if { var(txn.elb_rule) -m str r20 }" in lines


def test_target_groups_become_health_checked_backends(rendered):
    """Servers at the targets' addresses, checked on the group's path, matcher, interval and thresholds."""
    text, _ctx = rendered
    web = section(text, "backend tg_demo-web")
    assert web[:2] == ["mode http", "balance roundrobin"]
    assert "http-check send meth GET uri '/healthz' ver HTTP/1.1 hdr Host elb-healthchecker hdr User-Agent ELB-HealthChecker/2.0" in web
    assert "http-check expect rstatus '^(200)$'" in web
    assert "timeout check 2s" in web
    assert "default-server inter 5s fastinter 5s downinter 5s rise 2 fall 2" in web
    assert {line for line in web if line.startswith("server ") and " backup" not in line} == {
        f"server {WEB1}_8080 10.9.0.1:8080 check", f"server {WEB2}_8080 10.9.0.2:8080 check"}
    shop = section(text, "backend tg_fixture-shop")
    assert "balance leastconn" in shop
    assert "http-check expect rstatus '^(2[0-9][0-9]|302)$'" in shop
    assert f"server {WEB1}_8080 10.9.0.1:8080 check" in shop


def test_target_groups_fail_open_like_the_elb(rendered):
    """Unchecked backup copies of every target, all used at once, carry the traffic when no target is healthy."""
    text, _ctx = rendered
    web = section(text, "backend tg_demo-web")
    assert "option allbackups" in web
    assert {line for line in web if " backup" in line} == {
        f"server {WEB1}_8080_failopen 10.9.0.1:8080 backup", f"server {WEB2}_8080_failopen 10.9.0.2:8080 backup"}
    # Backups come after the checked servers, and never carry a check themselves.
    assert max(i for i, line in enumerate(web) if line.endswith(" check")) < min(i for i, line in enumerate(web) if " backup" in line)


def draining_snapshot(state="draining"):
    """The recorded snapshot with WEB1 of demo-web in ``state`` (as after DeregisterTargets, with a delay)."""
    snapshot = json.loads(json.dumps(SNAPSHOT))
    arn = next(g["TargetGroupArn"] for g in snapshot["target_groups"] if g["TargetGroupName"] == "demo-web")
    for described in snapshot["target_health"][arn]:
        if described["Target"]["Id"] == WEB1:
            described["TargetHealth"] = {"State": state, "Reason": "Target.DeregistrationInProgress"}
    return snapshot


def test_a_draining_target_gets_no_new_requests_and_no_fail_open_copy():
    """A draining target is a disabled (maintenance) server: no new requests, and never a fail-open backup."""
    web = section(edge_config.render(draining_snapshot(), context()), "backend tg_demo-web")
    assert f"server {WEB1}_8080 10.9.0.1:8080 check disabled" in web
    assert f"server {WEB2}_8080 10.9.0.2:8080 check" in web
    assert {line for line in web if " backup" in line} == {f"server {WEB2}_8080_failopen 10.9.0.2:8080 backup"}


def test_a_target_the_account_no_longer_lists_has_no_server():
    """Plain moto drops a deregistered target at once: it has no server at all (no new requests either)."""
    snapshot = draining_snapshot()
    arn = next(g["TargetGroupArn"] for g in snapshot["target_groups"] if g["TargetGroupName"] == "demo-web")
    snapshot["target_health"][arn] = [d for d in snapshot["target_health"][arn] if d["Target"]["Id"] != WEB1]
    web = section(edge_config.render(snapshot, context()), "backend tg_demo-web")
    assert not [line for line in web if WEB1 in line]
    assert f"server {WEB2}_8080 10.9.0.2:8080 check" in web


def test_the_rendered_draining_configuration_is_valid_haproxy(tmp_path):
    """haproxy -c accepts the configuration with a draining server (when HAProxy is installed)."""
    haproxy = shutil.which("haproxy")
    if haproxy is None:
        pytest.skip("HAProxy is not installed (make haproxy)")
    ctx = context()
    ctx.crt_list_dir = str(tmp_path)
    ctx.stats_socket = str(tmp_path / "stats.sock")
    ctx.server_state_file = str(tmp_path / "state")
    pem = tmp_path / "cert.pem"
    ctx.certificate_files = {arn: str(pem) for arn in ctx.certificate_files}
    text = edge_config.render(draining_snapshot(), ctx)
    backend = text.split("\nbackend tg_demo-web\n", 1)[1].split("\n\n", 1)[0]
    config = tmp_path / "haproxy.cfg"
    config.write_text("defaults\n    mode http\n    timeout connect 1s\n    timeout client 1s\n    timeout server 1s\n\n"
                      "frontend f\n    bind 127.0.0.1:18080\n    default_backend tg_demo-web\n\n"
                      "backend tg_demo-web\n" + backend + "\n", encoding="utf-8")
    result = subprocess.run([haproxy, "-c", "-f", str(config)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_network_load_balancer_tls_in_tcp_mode_and_udp_left_out(rendered):
    """TLS:443 terminates TLS 1.3 only (the policy's floor) and forwards in TCP mode; UDP is named as not served."""
    text, _ctx = rendered
    lines = section(text, "frontend lb_fixture-nlb_443")
    assert lines[0].startswith("bind 127.0.0.1:28443 ssl crt-list /edge/fixture-nlb-443.crtlist ssl-min-ver TLSv1.3")
    assert lines[1:] == ["mode tcp", "default_backend tg_fixture-tcp"]
    assert "#   not served: UDP is not emulated" in text
    tcp = section(text, "backend tg_fixture-tcp")
    assert "option httpchk" not in tcp and tcp[0] == "mode tcp"
    assert "default-server inter 30s fastinter 30s downinter 30s rise 5 fall 2" in tcp


def test_target_without_address_is_named_not_served():
    """A registered target the sandbox has no container for is left out with a comment."""
    text = edge_config.render(SNAPSHOT, context(addresses={WEB1: "10.9.0.1"}))
    web = section(text, "backend tg_demo-web")
    assert f"# {WEB2}: no container or address for this target" in web
    assert f"server {WEB1}_8080 10.9.0.1:8080 check" in web


def test_missing_certificate_file_is_an_error():
    """Without a PEM for a served certificate the edge refuses to render (it keeps the running configuration)."""
    ctx = context()
    del ctx.certificate_files[certificate_arn("shop.example.test")]
    with pytest.raises(edge_config.RenderError, match="no certificate file for .*certificate/"):
        edge_config.render(SNAPSHOT, ctx)


def test_rendering_is_deterministic():
    """Two renders of one snapshot are identical, so an unchanged account never reloads HAProxy."""
    assert edge_config.render(SNAPSHOT, context()) == edge_config.render(SNAPSHOT, context())


def test_served_certificates_and_names():
    """Default and SNI certificates of both load balancers, main name first; names route through their alias."""
    names = edge_config.certificate_names(SNAPSHOT)
    assert names[certificate_arn("app.example.test")][0] == "app.example.test"
    assert sorted(names[certificate_arn("app.example.test")]) == ["app.example.test", "www.example.test"]
    assert names[certificate_arn("shop.example.test")] == ["shop.example.test", "*.shop.example.test"]
    assert edge_config.name_routes(SNAPSHOT) == {"app.example.test": "demo-edge", "www.example.test": "demo-edge"}


@pytest.mark.parametrize("value, regex", [
    ("app.example.test", "^app[.]example[.]test$"),
    ("*.example.test", "^.*[.]example[.]test$"),
    ("/img/??.png", "^/img/..[.]png$"),
    ("/a+b$", "^/a[+]b[$]$"),
])
def test_wildcard_regex(value, regex):
    """ELB wildcards become regex wildcards; every other special character is literal."""
    assert edge_config.wildcard_regex(value) == regex
    assert re.fullmatch(regex, value.replace("*", "xyz").replace("?", "q"))


@pytest.mark.parametrize("matcher, regex", [
    ("200", "^(200)$"),
    ("200-299", "^(2[0-9][0-9])$"),
    ("200-204,301", "^(20[01234]|301)$"),
    ("200,210-219,302", "^(200|21[0-9]|302)$"),
])
def test_status_regex(matcher, regex):
    """Success-code matchers become compact, exact regular expressions."""
    assert edge_config.status_regex(matcher) == regex


def test_status_regex_refuses_garbage():
    """A matcher that is not codes or ranges names itself."""
    with pytest.raises(edge_config.RenderError, match="'2xx'"):
        edge_config.status_regex("2xx")


@pytest.mark.parametrize("policy, name, floor", [
    ({"SslProtocols": ["TLSv1.3", "TLSv1.2"]}, "whatever", "TLSv1.2"),
    (None, "ELBSecurityPolicy-TLS13-1-3-2021-06", "TLSv1.3"),
    (None, "ELBSecurityPolicy-TLS-1-1-2017-01", "TLSv1.1"),
    (None, "ELBSecurityPolicy-2016-08", "TLSv1.2"),
])
def test_tls_floor(policy, name, floor):
    """The floor comes from the described policy, else from its name."""
    assert edge_config.tls_floor(policy, name) == floor


def test_quote_keeps_text_literal():
    """Plain text goes in single quotes; quotes, dollars and backslashes are escaped in double quotes."""
    assert edge_config.quote("pong") == "'pong'"
    assert edge_config.quote("it's $HOME \\ \"x\"") == '"it\'s \\$HOME \\\\ \\"x\\""'


def test_unsupported_condition_is_named():
    """A condition field the edge does not know fails with its name."""
    with pytest.raises(edge_config.RenderError, match="'geo'"):
        edge_config.condition_acls("r1_c0", {"Field": "geo", "Values": ["x"]})
