#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: https_check
short_description: Prove that a site answers over HTTPS with a certificate that covers its name
version_added: 0.1.0
description:
  - Fetches a URL from the controller and reports, as data, how it answered. It fails with a message naming
    every problem it found.
  - For an C(http://) URL the answer must be a permanent redirect (301 or 308) to C(https://) on the same host;
    the redirect chain is followed and reported.
  - For every C(https://) answer it reports the TLS protocol version and cipher, and the certificate. That covers
    the subject, the subject alternative names, whether they cover the host (wildcards included), the days to
    expiry and whether the chain is trusted by O(ca_path) or by the system's CA bundle.
  - It also reports the C(Strict-Transport-Security) (HSTS) header, the status code, whether the body matches
    O(body_pattern), and the latency.
  - With O(retries) and O(delay), or a O(deadline), it tries again until the check passes, so it can wait for a
    fresh rollout to come up.
  - O(resolve) sends the requests for a host to a given address, like curl's C(--resolve). A rollout can then be
    proven before DNS has spread. The TLS server name and the C(Host) header stay the host's.
  - With O(spread), once everything else passed, it sends more requests to the final URL and counts which
    backend answered each one, as the body names it, to prove that a load balancer reaches all its hosts.
  - It needs no AWS account and changes nothing.
author:
  - webops maintainers (@webops)
requirements:
  - cryptography (a dependency of ansible-core, so present on every controller)
options:
  url:
    description:
      - The URL to check, C(http://) or C(https://), with an optional port and path.
    type: str
    required: true
  resolve:
    description:
      - Connect to another address for a host and port, as C(host:port:address) (an IPv6 address in brackets
        is allowed), like curl's C(--resolve). Give one entry per host and port, for example for both port 80
        and port 443.
    type: list
    elements: str
    default: []
  ca_path:
    description:
      - A PEM bundle of the CA certificates to trust. By default the system's CA bundle is used.
    type: path
  validate_certs:
    description:
      - Whether an untrusted certificate chain fails the check. The trust is reported either way. Host name
        coverage and expiry are always checked.
    type: bool
    default: true
  min_tls_version:
    description:
      - Fail when the negotiated TLS version is below this one.
    type: str
    choices: [TLSv1.2, TLSv1.3]
  require_hsts:
    description:
      - Fail when the HTTPS answer has no C(Strict-Transport-Security) header.
    type: bool
    default: false
  status_code:
    description:
      - The status codes the final answer (after redirects) may have.
    type: list
    elements: int
    default: [200]
  body_pattern:
    description:
      - A regular expression the body of the final answer must match (searched anywhere in the first
        megabyte).
    type: str
  min_days_to_expiry:
    description:
      - Fail when the certificate expires in fewer days than this. An expired certificate always fails.
    type: int
    default: 0
  timeout:
    description:
      - Seconds to wait for a connection, a TLS handshake or an answer.
    type: int
    default: 10
  max_redirects:
    description:
      - How many redirects are followed before the check fails.
    type: int
    default: 5
  retries:
    description:
      - How many times to try again after a failed check, O(delay) seconds apart. Ignored when O(deadline) is set.
    type: int
    default: 0
  delay:
    description:
      - Seconds between two tries.
    type: int
    default: 5
  deadline:
    description:
      - Keep trying, O(delay) seconds apart, until the check passes or this many seconds have passed.
        A try never starts after the deadline.
    type: int
  spread:
    description:
      - After the check passed, send O(spread.requests) more C(GET) requests to the final URL (after the
        redirects), each on a new connection, with the same O(resolve), O(ca_path) and O(timeout).
      - The backend that answered is read from each body with O(spread.pattern). The check fails when fewer
        than O(spread.min_distinct) distinct backends answered, or when a request failed or its status is not
        in O(status_code). Like every failure, it is retried within O(retries) or O(deadline).
      - Off when not set.
    type: dict
    suboptions:
      requests:
        description:
          - How many requests to send, from 2 to 100.
        type: int
        default: 10
      pattern:
        description:
          - A regular expression searched in the body of each answer. Its first group names the backend that
            answered, or the whole match when it has no group. An answer it does not match, or where the first
            group takes no part in the match, counts as unmatched.
        type: str
        required: true
      min_distinct:
        description:
          - How many distinct backends must have answered; at least 1 and at most O(spread.requests).
          - Each request goes to the load balancer on a new connection, but a load balancer is free to send
            several of them to the same host. Leave room with enough O(spread.requests).
        type: int
        default: 2
extends_documentation_fragment:
  - webops.https_rollout._attributes.info_module
attributes:
  check_mode:
    description: Whether the module can run with C(--check) and predict its result without changing anything.
    details: The module only reads; in check mode it runs the same check.
  diff_mode:
    description: Whether the module shows, with C(--diff), what it changes.
    details: The module changes nothing.
  platform:
    description: Where the module runs.
    platforms: posix
    details: It runs on the controller (or the host it is delegated to) and needs no AWS access.
notes:
  - The module never reports a change.
  - On failure the result still holds everything the check found, so it can be registered and inspected.
seealso:
  - module: webops.https_rollout.route53_record
  - module: ansible.builtin.uri
"""

EXAMPLES = r"""
- name: The load balancer
  amazon.aws.elb_application_lb:
    name: shop-alb
    subnets: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]
    security_groups: [sg-0123456789abcdef0]
    state: present
  register: alb

- name: Alias records for the domain
  webops.https_rollout.route53_record:
    records:
      - {name: shop.example.com, type: A, alias: {load_balancer: "{{ alb.load_balancer_arn }}"}}
      - {name: shop.example.com, type: AAAA, alias: {load_balancer: "{{ alb.load_balancer_arn }}"}}

- name: http:// redirects to https://, TLS 1.2 or better, a certificate for the name, HSTS, a healthy answer
  webops.https_rollout.https_check:
    url: http://shop.example.com/healthz
    min_tls_version: TLSv1.2
    require_hsts: true
    min_days_to_expiry: 14
    body_pattern: '"status":\s*"ok"'
    deadline: 300
    delay: 10
  register: probe

- name: Show what was found
  ansible.builtin.debug:
    msg: "{{ probe.tls.version }} {{ probe.tls.cipher }}, expires in {{ probe.certificate.days_to_expiry }} days"

- name: Before DNS has spread, ask one of the load balancer's addresses directly
  webops.https_rollout.https_check:
    url: http://shop.example.com/
    resolve:
      - shop.example.com:80:203.0.113.10
      - shop.example.com:443:203.0.113.10
    retries: 5
    delay: 10

- name: A private CA
  webops.https_rollout.https_check:
    url: https://intranet.example.com/
    ca_path: /etc/pki/internal-ca.pem
    status_code: [200, 401]

# The app answers JSON that names the host that served it, for example {"app": "shop", "host": "web1"}.
- name: Traffic reaches both web hosts behind the load balancer
  webops.https_rollout.https_check:
    url: http://shop.example.com/
    min_tls_version: TLSv1.2
    require_hsts: true
    spread:
      requests: 20
      pattern: '"host":\s*"([^"]+)"'
      min_distinct: 2
    deadline: 120
    delay: 5
  register: probe

- name: Show how the requests were spread
  ansible.builtin.debug:
    msg: "{{ probe.spread.distinct }} hosts answered: {{ probe.spread.counts }}"
"""

RETURN = r"""
passed:
  description: Whether the check passed. Always true when the task succeeds.
  returned: always
  type: bool
failures:
  description: What was wrong, one message per problem; empty when the check passed.
  returned: always
  type: list
  elements: str
  sample: ["certificate name mismatch: it does not cover shop.example.com; its names are other.example.com"]
attempts:
  description: How many times the check ran.
  returned: always
  type: int
  sample: 1
url:
  description: The URL checked.
  returned: always
  type: str
final_url:
  description: The URL that gave the final answer, after redirects.
  returned: always
  type: str
  sample: https://shop.example.com/healthz
redirects:
  description: Every answer in order, the final one included, with its C(url), C(status) and C(location).
  returned: always
  type: list
  elements: dict
  sample: [{"url": "http://shop.example.com/", "status": 301, "location": "https://shop.example.com/"},
           {"url": "https://shop.example.com/", "status": 200, "location": null}]
status:
  description: Status code of the final answer; None when there was none.
  returned: always
  type: int
  sample: 200
tls:
  description: The TLS session of the last HTTPS answer, with C(version), C(cipher) and C(bits); None without HTTPS.
  returned: always
  type: dict
  sample: {"version": "TLSv1.3", "cipher": "TLS_AES_256_GCM_SHA384", "bits": 256}
certificate:
  description: The server certificate of the last HTTPS answer; None without HTTPS.
  returned: always
  type: dict
  contains:
    subject:
      description: Subject as an RFC 4514 string.
      type: str
      sample: CN=shop.example.com
    common_name:
      description: The subject's common name.
      type: str
    subject_alt_names:
      description: DNS names and IP addresses of the subject alternative name extension.
      type: list
      elements: str
    issuer:
      description: Issuer as an RFC 4514 string.
      type: str
    serial_number:
      description: Serial number in hexadecimal.
      type: str
    not_before:
      description: Start of validity, ISO 8601.
      type: str
    not_after:
      description: End of validity, ISO 8601.
      type: str
    days_to_expiry:
      description: Whole days until the end of validity; negative once expired.
      type: int
    expired:
      description: Whether the certificate has expired.
      type: bool
    not_yet_valid:
      description: Whether the certificate's validity has not started yet.
      type: bool
    covers_host:
      description: Whether the certificate's names cover the host (a wildcard covers one label).
      type: bool
    host:
      description: The host the names were checked against.
      type: str
    trusted:
      description: Whether the chain is trusted by O(ca_path), or by the system bundle.
      type: bool
    trust_error:
      description: Why the chain is not trusted, as OpenSSL says; None when it is.
      type: str
hsts:
  description: The C(Strict-Transport-Security) header of the final HTTPS answer.
  returned: always
  type: dict
  contains:
    present:
      description: Whether the header was sent.
      type: bool
    header:
      description: The header as sent.
      type: str
    max_age:
      description: Its C(max-age) in seconds.
      type: int
    include_subdomains:
      description: Whether it has C(includeSubDomains).
      type: bool
    preload:
      description: Whether it has C(preload).
      type: bool
body_matched:
  description: Whether the body matched O(body_pattern); None without a pattern.
  returned: always
  type: bool
latency_ms:
  description: Milliseconds the last try took, over the whole redirect chain.
  returned: always
  type: float
  sample: 84.2
timings_ms:
  description: Milliseconds of the final answer until connected (TLS included), first byte and end.
  returned: when a final answer came
  type: dict
  sample: {"connect_ms": 31.5, "first_byte_ms": 60.2, "total_ms": 61.0}
spread:
  description:
    - How the O(spread) requests were answered; None without O(spread), or when the rest of the check failed
      (the spread requests are then not sent).
  returned: always
  type: dict
  contains:
    requests:
      description: How many requests were sent.
      type: int
      sample: 10
    counts:
      description: How many answers each backend gave, by the name O(spread.pattern) found.
      type: dict
      sample: {"web1": 6, "web2": 4}
    distinct:
      description: How many distinct backends answered.
      type: int
      sample: 2
    unmatched:
      description: Answers whose body O(spread.pattern) did not match.
      type: int
      sample: 0
    errors:
      description: Requests that failed, or whose status is not in O(status_code).
      type: int
      sample: 0
"""

import re
import time

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.basic import missing_required_lib

from ansible_collections.webops.https_rollout.plugins.module_utils import https
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError


def run_checks(params, clock=time.monotonic, sleep=time.sleep):
    """Check until it passes, or the retries or the deadline run out; returns the last report."""
    start = clock()
    attempts = 0
    while True:
        attempts += 1
        report = https.check_url(params["url"], params)
        if not report["failures"]:
            break
        if params["deadline"] is not None:
            if clock() + params["delay"] - start >= params["deadline"]:
                break
        elif attempts > params["retries"]:
            break
        sleep(params["delay"])
    report["attempts"] = attempts
    report["passed"] = not report["failures"]
    return report


def validate(params):
    """The first problem with the options, or None."""
    try:
        https.parse_url(params["url"])
        https.parse_resolve(params["resolve"])
    except ValueError as exc:
        return str(exc)
    for option in ("retries", "delay", "min_days_to_expiry", "max_redirects"):
        if params[option] < 0:
            return f"{option}={params[option]} must not be negative"
    for option in ("timeout", "deadline"):
        if params[option] is not None and params[option] <= 0:
            return f"{option}={params[option]} must be a positive number of seconds"
    problem = https.spread_problem(params.get("spread"))
    if problem:
        return problem
    if params["body_pattern"]:
        try:
            re.compile(params["body_pattern"])
        except re.error as exc:
            return f"body_pattern={params['body_pattern']!r} is not a valid regular expression: {exc}"
    return None


def run(module):
    """Check the options, then probe until the check passes or the retries run out.

    Returns the report with ``changed=False``; ``main()`` fails the task when it lists failures.
    """
    problem = validate(module.params)
    if problem:
        raise RolloutError(problem)
    report = run_checks(module.params)
    report["changed"] = False
    return report


def main():
    module = AnsibleModule(
        argument_spec=dict(
            url=dict(type="str", required=True),
            resolve=dict(type="list", elements="str", default=[]),
            ca_path=dict(type="path"),
            validate_certs=dict(type="bool", default=True),
            min_tls_version=dict(type="str", choices=["TLSv1.2", "TLSv1.3"]),
            require_hsts=dict(type="bool", default=False),
            status_code=dict(type="list", elements="int", default=[200]),
            body_pattern=dict(type="str"),
            min_days_to_expiry=dict(type="int", default=0),
            timeout=dict(type="int", default=10),
            max_redirects=dict(type="int", default=5),
            retries=dict(type="int", default=0),
            delay=dict(type="int", default=5),
            deadline=dict(type="int"),
            spread=dict(
                type="dict",
                options=dict(
                    requests=dict(type="int", default=10),
                    pattern=dict(type="str", required=True),
                    min_distinct=dict(type="int", default=2),
                ),
            ),
        ),
        supports_check_mode=True,
    )
    if not https.HAS_CRYPTOGRAPHY:
        module.fail_json(msg=missing_required_lib("cryptography"))
    try:
        report = run(module)
    except RolloutError as exc:
        module.fail_json(msg=str(exc))
    if report["failures"]:
        tries = f" after {report['attempts']} tries" if report["attempts"] > 1 else ""
        module.fail_json(
            msg=f"https_check of {module.params['url']} failed{tries}: " + "; ".join(report["failures"]),
            **report,
        )
    module.exit_json(**report)


if __name__ == "__main__":
    main()
