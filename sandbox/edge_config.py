"""Render an HAProxy configuration from the ELBv2 state that moto holds: the sandbox edge's data path.

Pure code: :func:`render` takes a *snapshot* (the describe output of the load balancers, listeners, rules,
listener certificates, target groups, target health, SSL policies, certificates and DNS records, as boto3
returns it) plus the local facts (the port each listener gets on 127.0.0.1, the address of each target, the
PEM file of each certificate) and returns the configuration text. The snapshot is what ``sandbox/edge.py``
records on every render, so a recorded one drives the unit test.

How the load balancer's behaviour maps to HAProxy:

- Each listener becomes a frontend bound on 127.0.0.1 at its mapped port. HTTP/HTTPS listeners run in HTTP mode,
  TCP/TLS listeners (network load balancers) in TCP mode. UDP listeners cannot be served and are listed as
  comments.
- HTTPS/TLS listeners terminate TLS with a certificate per ACM certificate (the default one first, then the SNI
  ones, chosen by name through a crt-list), the SSL policy's protocol floor and its ciphers.
- Rules are evaluated in priority order, first match wins, then the default action: every rule sets a
  transaction variable when it matches and no earlier one did, and the actions are keyed on that variable, so
  a redirect of a later rule can never win over a forward of an earlier one.
- Conditions: host-header, path-pattern, http-header (ELB wildcards ``*`` and ``?``), http-request-method,
  query-string and source-ip. Values of one condition are alternatives; all conditions of a rule must hold.
- Actions: forward (weighted between target groups by a random draw, as the ELB does), redirect (status, and the
  ``#{protocol}``, ``#{host}``, ``#{port}``, ``#{path}``, ``#{query}`` templates; a port of one of this load
  balancer's listeners is rewritten to its mapped local port so that redirects can be followed), fixed-response.
- Each target group becomes a backend whose servers are the registered targets at their real addresses, checked
  on the group's health check protocol, path, port, matcher, interval, timeout and thresholds. When none is
  healthy, the group fails open as the ELB does: unchecked backup copies of every target take the traffic.
- Draining (connection draining after DeregisterTargets): a target that DescribeTargetHealth reports ``draining``
  stays in the backend as a ``disabled`` server (HAProxy's maintenance state) with no fail-open copy, so it gets no
  new request, while the requests already open on it finish in the worker that the seamless reload keeps for them.
  A deregistered target that the account no longer lists (plain moto drops it at once) has no server at all, with
  the same effect for new requests.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

LOCALHOST = "127.0.0.1"
TLS_FLOOR = ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
# HAProxy spells the TLS versions in ssl-min-ver this way.
HAPROXY_TLS = {"TLSv1": "TLSv1.0", "TLSv1.1": "TLSv1.1", "TLSv1.2": "TLSv1.2", "TLSv1.3": "TLSv1.3"}
RULE_VAR = "txn.elb_rule"
FAIL_OPEN_SUFFIX = "_failopen"
DRAW_VAR = "txn.elb_draw"


class RenderError(ValueError):
    """A part of the load balancer's state that the edge cannot serve; the message says which and why."""


@dataclass
class Context:
    """The local facts the configuration needs besides the snapshot."""

    ports: dict  # "<load balancer name>:<listener port>" -> port on 127.0.0.1
    addresses: dict  # target ID (instance ID or IP) -> address the edge reaches it at
    certificate_files: dict  # ACM certificate ARN -> PEM file (certificate and key)
    crt_list_dir: str  # where the crt-lists are written
    stats_socket: str
    server_state_file: str
    crt_lists: dict = field(default_factory=dict)  # filled by render: path -> content


def slug(text: str) -> str:
    """An HAProxy-safe identifier from a name."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)


def quote(text: str) -> str:
    """One HAProxy configuration word holding ``text`` literally."""
    text = str(text)
    if "'" not in text and "\n" not in text:
        return f"'{text}'"
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("\n", "\\n")
    return f'"{escaped}"'


def wildcard_regex(value: str) -> str:
    """An anchored regular expression for an ELB condition value with ``*`` and ``?`` wildcards."""
    out = []
    for char in value:
        if char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        elif char.isalnum() or char in "-_/~@:&=,;%!":
            out.append(char)
        else:
            out.append(f"[{char}]" if char not in "^\\]" else "\\" + char)
    return "^" + "".join(out) + "$"


def tls_floor(policy: dict | None, name: str) -> str:
    """The lowest TLS version an SSL policy allows (from DescribeSSLPolicies, else from its name)."""
    protocols = [p for p in (policy or {}).get("SslProtocols", []) if p in TLS_FLOOR]
    if protocols:
        return min(protocols, key=TLS_FLOOR.index)
    match = re.search(r"TLS(?:13)?-1-(\d)", name or "")
    if match:
        return {"0": "TLSv1", "1": "TLSv1.1", "2": "TLSv1.2", "3": "TLSv1.3"}[match.group(1)]
    return "TLSv1.2"


def policy_ciphers(policy: dict | None) -> tuple[str, str]:
    """``(ciphers, ciphersuites)``: the policy's TLS 1.2-and-older ciphers and its TLS 1.3 suites, in order."""
    ranked = sorted((policy or {}).get("Ciphers", []), key=lambda c: c.get("Priority", 0))
    suites = [c["Name"] for c in ranked if c["Name"].startswith("TLS_")]
    ciphers = [c["Name"] for c in ranked if not c["Name"].startswith("TLS_")]
    return ":".join(ciphers), ":".join(suites)


def status_regex(matcher: str) -> str:
    """A regular expression for an ELB success-code matcher such as ``200``, ``200-299`` or ``200,302``."""
    codes = set()
    for part in str(matcher or "200").split(","):
        part = part.strip()
        if not part:
            continue
        low, _sep, high = part.partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            raise RenderError(f"health check matcher {matcher!r} is not a list of codes or code ranges")
        codes.update(range(int(low), int(high or low) + 1))
    hundreds = {}
    for code in sorted(codes):
        hundreds.setdefault(code // 100, set()).add(code % 100)
    alternatives = []
    for hundred, rest in sorted(hundreds.items()):
        if len(rest) == 100:
            alternatives.append(f"{hundred}[0-9][0-9]")
            continue
        for tens in sorted({r // 10 for r in rest}):
            units = sorted(r % 10 for r in rest if r // 10 == tens)
            digits = "[0-9]" if len(units) == 10 else ("[" + "".join(map(str, units)) + "]" if len(units) > 1 else str(units[0]))
            alternatives.append(f"{hundred}{tens}{digits}")
    return "^(" + "|".join(alternatives) + ")$"


def group_name(arn: str) -> str:
    """A target group's name from its ARN."""
    return arn.split(":targetgroup/", 1)[-1].split("/", 1)[0]


def backend_name(arn: str) -> str:
    """The backend of a target group."""
    return "tg_" + slug(group_name(arn))


def server_name(target: dict) -> str:
    """The HAProxy server of a registered target: its ID and port, so the health view maps back."""
    return slug(f"{target['Id']}_{target.get('Port', '')}")


# ---------------------------------------------------------------------------
# Conditions and actions
# ---------------------------------------------------------------------------


def condition_acls(acl: str, condition: dict) -> list[str]:
    """Named ACL lines for one rule condition; several lines of one name are alternatives in HAProxy."""
    field_name = condition.get("Field")

    def values(config_key):
        return (condition.get(config_key) or {}).get("Values") or condition.get("Values") or []

    if field_name == "host-header":
        return [f"acl {acl} req.hdr(host),field(1,:),lower -m reg {quote(wildcard_regex(v.lower()))}"
                for v in values("HostHeaderConfig")]
    if field_name == "path-pattern":
        return [f"acl {acl} path -m reg {quote(wildcard_regex(v))}" for v in values("PathPatternConfig")]
    if field_name == "http-header":
        config = condition.get("HttpHeaderConfig") or {}
        header = config.get("HttpHeaderName", "")
        if not re.fullmatch(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+", header):
            raise RenderError(f"http-header condition with header name {header!r}")
        return [f"acl {acl} req.hdr({header}),lower -m reg {quote(wildcard_regex(v.lower()))}"
                for v in config.get("Values", [])]
    if field_name == "http-request-method":
        methods = values("HttpRequestMethodConfig")
        return [f"acl {acl} method {' '.join(quote(m) for m in methods)}"]
    if field_name == "query-string":
        lines = []
        for pair in (condition.get("QueryStringConfig") or {}).get("Values", []):
            value = wildcard_regex(pair.get("Value", "").lower())
            if pair.get("Key"):
                lines.append(f"acl {acl} url_param({slug(pair['Key'])}),lower -m reg {quote(value)}")
            else:
                lines.append(f"acl {acl} query,lower -m reg {quote('(^|&)[^=&]*=' + value[1:-1] + '(&|$)')}")
        return lines
    if field_name == "source-ip":
        return [f"acl {acl} src {' '.join(values('SourceIpConfig'))}"]
    raise RenderError(f"rule condition {field_name!r} is not supported by the sandbox edge")


def redirect_location(config: dict, listener: dict, balancer: dict, ctx: Context) -> tuple[str, str]:
    """``(location without query, query part)`` log-format strings of a redirect action."""
    listener_protocol = listener["Protocol"].lower()
    protocol = config.get("Protocol", "#{protocol}").replace("#{protocol}", listener_protocol).lower()
    host = config.get("Host", "#{host}").replace("#{host}", "%[req.hdr(host),field(1,:)]")
    port = config.get("Port", "#{port}").replace("#{port}", str(listener["Port"]))
    if port.isdigit():
        port = str(ctx.ports.get(f"{balancer['LoadBalancerName']}:{port}", port))
    path = config.get("Path", "/#{path}").replace("#{path}", "%[path,regsub(^/,)]")
    path = path.replace("#{host}", "%[req.hdr(host),field(1,:)]").replace("#{port}", str(listener["Port"]))
    query = config.get("Query", "#{query}").replace("#{query}", "%[query]")
    return f"{protocol}://{host}:{port}{path}", query


def action_lines(rule_id: str, actions: list, listener: dict, balancer: dict, ctx: Context) -> tuple[list, list]:
    """``(http-request lines, use_backend lines)`` that carry out a rule's actions when it matched."""
    when = f"{{ var({RULE_VAR}) -m str {rule_id} }}"
    terminal = [a for a in actions if a["Type"] in ("forward", "redirect", "fixed-response")]
    if not terminal:
        kinds = ", ".join(a["Type"] for a in actions) or "none"
        return [f"http-request return status 501 content-type text/plain string {quote('sandbox edge: action ' + kinds + ' not emulated')} if {when}"], []
    action = terminal[0]
    if action["Type"] == "redirect":
        config = action["RedirectConfig"]
        code = "302" if config.get("StatusCode") == "HTTP_302" else "301"
        location, query = redirect_location(config, listener, balancer, ctx)
        if query == "%[query]":
            return [
                f"http-request redirect code {code} location {quote(location + '?' + query)} if {when} {{ query -m found }} !{{ query -m len 0 }}",
                f"http-request redirect code {code} location {quote(location)} if {when}",
            ], []
        suffix = "?" + query if query else ""
        return [f"http-request redirect code {code} location {quote(location + suffix)} if {when}"], []
    if action["Type"] == "fixed-response":
        config = action["FixedResponseConfig"]
        line = f"http-request return status {config.get('StatusCode', '200')} content-type {quote(config.get('ContentType') or 'text/plain')}"
        if config.get("MessageBody"):
            line += f" string {quote(config['MessageBody'])}"
        return [line + f" if {when}"], []
    groups = (action.get("ForwardConfig") or {}).get("TargetGroups") or [{"TargetGroupArn": action["TargetGroupArn"], "Weight": 1}]
    weighted = [(g["TargetGroupArn"], int(g.get("Weight", 1))) for g in groups]
    if len(weighted) == 1:
        return [], [f"use_backend {backend_name(weighted[0][0])} if {when}"]
    total = sum(weight for _arn, weight in weighted)
    if total == 0:
        return [f"http-request return status 503 content-type text/plain string {quote('no target group has weight')} if {when}"], []
    lines = [f"http-request set-var({DRAW_VAR}) rand({total}) if {when}"]
    backends, upper = [], 0
    for arn, weight in weighted:
        if weight == 0:
            continue
        upper += weight
        backends.append(f"use_backend {backend_name(arn)} if {when} {{ var({DRAW_VAR}) -m int lt {upper} }}")
    return lines, backends


# ---------------------------------------------------------------------------
# Frontends and backends
# ---------------------------------------------------------------------------


def bind_line(listener: dict, balancer: dict, local_port: int, snapshot: dict, ctx: Context) -> str:
    """The bind line of a listener: plain, or TLS with its certificates and SSL policy."""
    line = f"bind {LOCALHOST}:{local_port}"
    if listener["Protocol"] not in ("HTTPS", "TLS"):
        return line
    arns = [c["CertificateArn"] for c in listener.get("Certificates", []) if c.get("CertificateArn")]
    default = arns[0] if arns else None
    for cert in snapshot.get("listener_certificates", {}).get(listener["ListenerArn"], []):
        if cert.get("IsDefault"):
            default = cert["CertificateArn"]
        elif cert["CertificateArn"] not in arns:
            arns.append(cert["CertificateArn"])
    if default is None:
        raise RenderError(f"{listener['Protocol']} listener {balancer['LoadBalancerName']}:{listener['Port']} has no certificate")
    ordered = [default] + [a for a in arns if a != default]
    missing = [a for a in ordered if a not in ctx.certificate_files]
    if missing:
        raise RenderError(f"no certificate file for {', '.join(missing)}")
    crt_list = f"{ctx.crt_list_dir}/{slug(balancer['LoadBalancerName'])}-{listener['Port']}.crtlist"
    ctx.crt_lists[crt_list] = "".join(f"{ctx.certificate_files[a]}\n" for a in ordered)
    policy_name = listener.get("SslPolicy") or "ELBSecurityPolicy-2016-08"
    policy = snapshot.get("ssl_policies", {}).get(policy_name)
    ciphers, suites = policy_ciphers(policy)
    line += f" ssl crt-list {crt_list} ssl-min-ver {HAPROXY_TLS[tls_floor(policy, policy_name)]}"
    if ciphers:
        line += f" ciphers {ciphers}"
    if suites:
        line += f" ciphersuites {suites}"
    if listener["Protocol"] == "HTTPS":
        line += " alpn http/1.1"
    return line


def frontend(balancer: dict, listener: dict, snapshot: dict, ctx: Context) -> list[str]:
    """The frontend section of one listener."""
    name = balancer["LoadBalancerName"]
    key = f"{name}:{listener['Port']}"
    head = f"# {name} {listener['Protocol']}:{listener['Port']} ({listener['ListenerArn']})"
    if listener["Protocol"] in ("UDP", "TCP_UDP") or key not in ctx.ports:
        return [head, f"#   not served: {'UDP is not emulated' if 'UDP' in listener['Protocol'] else 'no local port'}", ""]
    lines = [head, f"frontend lb_{slug(name)}_{listener['Port']}"]
    lines.append("    " + bind_line(listener, balancer, ctx.ports[key], snapshot, ctx))
    if listener["Protocol"] in ("TCP", "TLS"):
        lines.append("    mode tcp")
        forward = next((a for a in listener.get("DefaultActions", []) if a["Type"] == "forward"), None)
        if forward:
            groups = (forward.get("ForwardConfig") or {}).get("TargetGroups") or [{"TargetGroupArn": forward["TargetGroupArn"]}]
            lines.append(f"    default_backend {backend_name(groups[0]['TargetGroupArn'])}")
        return lines + [""]
    lines += [
        "    mode http",
        "    option forwardfor",
        f"    http-request set-header X-Forwarded-Proto {listener['Protocol'].lower()}",
        f"    http-request set-header X-Forwarded-Port {listener['Port']}",
        "    http-request set-header X-Amzn-Trace-Id Root=%[uuid]",
    ]
    rules = [r for r in snapshot.get("rules", {}).get(listener["ListenerArn"], []) if not r.get("IsDefault")]
    rules.sort(key=lambda r: int(r["Priority"]))
    ordered = [(f"r{r['Priority']}", r.get("Conditions", []), r.get("Actions", [])) for r in rules]
    ordered.append(("default", [], listener.get("DefaultActions", [])))
    acl_lines, match_lines, request_lines, backend_lines = [], [], [], []
    for rule_id, conditions, actions in ordered:
        names = []
        for index, condition in enumerate(conditions):
            acl = f"{rule_id}_c{index}"
            acl_lines += condition_acls(acl, condition)
            names.append(acl)
        match_lines.append(f"http-request set-var({RULE_VAR}) str({rule_id}) if !{{ var({RULE_VAR}) -m found }} {' '.join(names)}".rstrip())
        requests, backends = action_lines(rule_id, sorted(actions, key=lambda a: a.get("Order", 0)), listener, balancer, ctx)
        request_lines += requests
        backend_lines += backends
    lines += ["    " + line for line in acl_lines + match_lines + request_lines + backend_lines]
    return lines + [""]


def backend(group: dict, snapshot: dict, ctx: Context) -> list[str]:
    """The backend section of one target group: its registered targets, health-checked as the group says."""
    arn = group["TargetGroupArn"]
    tcp = group.get("Protocol") in ("TCP", "TLS", "UDP", "TCP_UDP")
    lines = [f"# target group {group['TargetGroupName']} ({group.get('Protocol')}:{group.get('Port')}, {arn})",
             f"backend {backend_name(arn)}", f"    mode {'tcp' if tcp else 'http'}"]
    attributes = {a["Key"]: a["Value"] for a in snapshot.get("target_group_attributes", {}).get(arn, [])}
    algorithm = attributes.get("load_balancing.algorithm.type", "round_robin")
    lines.append(f"    balance {'leastconn' if algorithm == 'least_outstanding_requests' else 'roundrobin'}")
    check_protocol = group.get("HealthCheckProtocol") or group.get("Protocol") or "HTTP"
    checks = group.get("HealthCheckEnabled", True)
    if checks and check_protocol in ("HTTP", "HTTPS"):
        path = group.get("HealthCheckPath") or "/"
        matcher = (group.get("Matcher") or {}).get("HttpCode", "200")
        lines += [
            "    option httpchk",
            f"    http-check send meth GET uri {quote(path)} ver HTTP/1.1 hdr Host elb-healthchecker hdr User-Agent ELB-HealthChecker/2.0",
            f"    http-check expect rstatus {quote(status_regex(matcher))}",
        ]
    interval = int(group.get("HealthCheckIntervalSeconds") or 30)
    lines += [
        f"    timeout check {int(group.get('HealthCheckTimeoutSeconds') or 5)}s",
        f"    default-server inter {interval}s fastinter {interval}s downinter {interval}s "
        f"rise {int(group.get('HealthyThresholdCount') or 5)} fall {int(group.get('UnhealthyThresholdCount') or 2)}",
    ]
    check_port = group.get("HealthCheckPort") or "traffic-port"
    described = snapshot.get("target_health", {}).get(arn, [])
    draining = {server_name(d["Target"]) for d in described if (d.get("TargetHealth") or {}).get("State") == "draining"}
    targets = sorted((d["Target"] for d in described), key=server_name)
    servers, fail_open = [], []
    for target in targets:
        address = ctx.addresses.get(target["Id"])
        if address is None:
            servers.append(f"    # {target['Id']}: no container or address for this target")
            continue
        port = target.get("Port") or group.get("Port")
        server = f"{address}:{port}" + (" ssl verify none" if group.get("Protocol") in ("HTTPS", "TLS") else "")
        checked = server
        if checks:
            checked += " check"
            if check_port != "traffic-port":
                checked += f" port {check_port}"
            if check_protocol == "HTTPS" and group.get("Protocol") not in ("HTTPS", "TLS"):
                checked += " check-ssl verify none"
            if server_name(target) not in draining:
                # Fail open, as the ELB does: when no target is healthy, every target gets traffic again.
                fail_open.append(f"    server {server_name(target)}{FAIL_OPEN_SUFFIX} {server} backup")
        if server_name(target) in draining:
            # No new requests; the open ones finish (the reload keeps the old worker for them).
            checked += " disabled"
        servers.append(f"    server {server_name(target)} {checked}")
    if fail_open:
        lines.append("    option allbackups")
    return lines + servers + fail_open + [""]


def render(snapshot: dict, ctx: Context) -> str:
    """The whole HAProxy configuration for the snapshot; ``ctx.crt_lists`` gets the crt-list files to write."""
    ctx.crt_lists.clear()
    idle = 60
    lines = [
        "# Rendered by sandbox/edge.py from the load balancers in the sandbox account. Do not edit: the next",
        "# change of a load balancer renders it again.",
        "global",
        f"    stats socket {ctx.stats_socket} mode 600 level admin expose-fd listeners",
        f"    server-state-file {ctx.server_state_file}",
        "    ssl-server-verify none",
        "    hard-stop-after 30s",
        "    tune.ssl.default-dh-param 2048",
        "",
        "defaults",
        "    mode http",
        "    load-server-state-from-file global",
        "    timeout connect 5s",
        f"    timeout client {idle}s",
        f"    timeout server {idle}s",
        "    timeout http-request 10s",
        "    timeout http-keep-alive 5s",
        "",
    ]
    for balancer in sorted(snapshot.get("load_balancers", []), key=lambda b: b["LoadBalancerName"]):
        for listener in sorted(snapshot.get("listeners", {}).get(balancer["LoadBalancerArn"], []), key=lambda item: item["Port"]):
            lines += frontend(balancer, listener, snapshot, ctx)
    for group in sorted(snapshot.get("target_groups", []), key=lambda g: g["TargetGroupName"]):
        lines += backend(group, snapshot, ctx)
    return "\n".join(lines)


def served_certificate_arns(snapshot: dict) -> list[str]:
    """The ARNs of every certificate a TLS listener serves, default or SNI."""
    wanted = set()
    for listeners in snapshot.get("listeners", {}).values():
        for listener in listeners:
            if listener["Protocol"] in ("HTTPS", "TLS"):
                wanted.update(c["CertificateArn"] for c in listener.get("Certificates", []) if c.get("CertificateArn"))
                wanted.update(c["CertificateArn"] for c in snapshot.get("listener_certificates", {}).get(listener["ListenerArn"], []))
    return sorted(wanted)


def certificate_names(snapshot: dict) -> dict:
    """``{certificate ARN: [names]}`` of the served certificates that the snapshot describes, main name first."""
    names = {}
    for arn in served_certificate_arns(snapshot):
        described = snapshot.get("certificates", {}).get(arn)
        if described:
            names[arn] = acm_names(described)
    return names


def acm_names(described: dict) -> list[str]:
    """The names of a described ACM certificate, its main name first."""
    return [described["DomainName"]] + [n for n in described.get("SubjectAlternativeNames", []) if n != described["DomainName"]]


def name_routes(snapshot: dict) -> dict:
    """``{DNS name: load balancer name}`` from the alias records (A/AAAA) that point at a load balancer."""
    by_dns = {}
    for balancer in snapshot.get("load_balancers", []):
        by_dns[balancer["DNSName"].lower().rstrip(".")] = balancer["LoadBalancerName"]
    routes = {}
    for record in snapshot.get("records", []):
        alias = record.get("AliasTarget")
        if not alias or record.get("Type") not in ("A", "AAAA"):
            continue
        target = alias["DNSName"].lower().rstrip(".")
        target = target[len("dualstack."):] if target.startswith("dualstack.") else target
        if target in by_dns:
            routes[record["Name"].rstrip(".").replace("\\052", "*")] = by_dns[target]
    return dict(sorted(routes.items()))


def fingerprint(text: str) -> str:
    """A short digest of a configuration."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
