# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Certificates: validate, read, pick the current one, wait, ensure present, ensure absent.

The one reconciliation of an ACM certificate, called by ``webops.https_rollout.acm_certificate`` and by the stack
engine. Functions of a boto3 ``acm`` client (wrapped with ``common.aws_retry``) and explicit arguments: ``params``
is a dict of the module's options, ``parsed`` the checked import (:func:`validate_certificate`), ``elbv2_client`` a
callable that returns an ELBv2 client (made only when a certificate's users must be read), ``warn`` a callable that
reports a warning.

The caller reads first (:func:`read_owned_certificates`, :func:`current_certificate` or
:func:`certificates_to_delete`); ``before`` is :func:`certificate_before` of what it read. Each ``ensure_*`` returns
``(changed, state)``: ``state`` is the after-state (``{}`` once deleted) with extras under these keys:

- ``waited``: ``{seconds, polls}`` when it waited for ISSUED;
- ``retired_arns``: the superseded certificates deleted (with ``retire_superseded`` only);
- ``deleted_arns``: the certificates deleted by ``ensure_certificate_absent``.
"""

from __future__ import annotations

from ansible_collections.webops.https_rollout.plugins.module_utils._acm import certificates as acm
from ansible_collections.webops.https_rollout.plugins.module_utils.common import READY_FIRST_POLL
from ansible_collections.webops.https_rollout.plugins.module_utils.common import RolloutError
from ansible_collections.webops.https_rollout.plugins.module_utils.common import WaitFailed
from ansible_collections.webops.https_rollout.plugins.module_utils.common import apply_tag_changes
from ansible_collections.webops.https_rollout.plugins.module_utils.common import dependency_problem
from ansible_collections.webops.https_rollout.plugins.module_utils.common import desired_tags
from ansible_collections.webops.https_rollout.plugins.module_utils.common import is_predicted
from ansible_collections.webops.https_rollout.plugins.module_utils.common import missing_reference
from ansible_collections.webops.https_rollout.plugins.module_utils.common import predicted_ref
from ansible_collections.webops.https_rollout.plugins.module_utils.common import tag_changes
from ansible_collections.webops.https_rollout.plugins.module_utils.common import wait_for

#: The keys of ``state`` that are extras, not the certificate's state.
EXTRA_KEYS = ("waited", "retired_arns", "deleted_arns")


def validate_certificate(params):
    """Problems found before any call to AWS. Returns ``(problem, parsed import or None)``."""
    if params["state"] == "absent":
        if params["domain_name"]:
            problem = acm.validate_request(params["domain_name"], params["subject_alternative_names"], True)
            if problem:
                return problem, None
        return None, None
    if params["arn"]:
        return "arn only applies to state=absent: with state=present the certificate is found by name and names", None
    if params["certificate"]:
        for option in ("subject_alternative_names", "key_algorithm"):
            if params[option]:
                return f"{option} applies to a requested certificate, not to an import (certificate is set): remove it", None
        try:
            return None, acm.parse_import(params["certificate"], params["private_key"], params["certificate_chain"])
        except acm.CertificateInputError as exc:
            return str(exc), None
    if not params["domain_name"]:
        return "state=present needs domain_name (to request a certificate) or certificate and private_key (to import one)", None
    return acm.validate_request(params["domain_name"], params["subject_alternative_names"], params["allow_more_names"]), None


def certificate_wanted_tags(params):
    """The tags to converge to and whether to purge others: the Name tag, the stack's tag and the user's tags."""
    wanted = desired_tags(params["tags"], params["stack"]) or {}
    wanted["Name"] = params["name"]
    return wanted, params["purge_tags"] and params["tags"] is not None


def describe_records(certificate):
    records = acm.validation_records(certificate.get("DomainValidationOptions"))
    return "; ".join(f"{r['name']} {r['type']} {r['value']}" for r in records) or "none published yet"


def wait_until_issued(client, certificate, timeout, progress=None):
    """Poll until ISSUED; fail at once on a failed status. Returns the description and the wait.

    ``progress``, when given, is called with a one-line description after each poll.
    """
    arn = certificate["CertificateArn"]

    def poll():
        current = acm.describe_certificate(client, arn)
        if current is None:
            raise WaitFailed(f"certificate {arn} was deleted while waiting for it")
        if current.get("Status") in acm.FAILED_STATUSES:
            raise WaitFailed(
                f"certificate {arn} is {current['Status']}: {current.get('FailureReason') or 'ACM gave no reason'}"
            )
        if progress:
            progress(describe(current))
        return current.get("Status") == "ISSUED", current

    def describe(current):
        options = current.get("DomainValidationOptions")
        return (
            f"status {current.get('Status')}; names still pending validation: {', '.join(acm.pending_domains(options))}; "
            f"expected DNS records: {describe_records(current)}"
        )

    if certificate.get("Status") == "ISSUED":
        return certificate, None
    if certificate.get("Status") in acm.FAILED_STATUSES:
        raise WaitFailed(
            f"certificate {arn} is {certificate['Status']}: {certificate.get('FailureReason') or 'ACM gave no reason'}"
        )
    what = f"certificate {arn} ({', '.join(acm.certificate_domains(certificate))}) to be issued"
    # At most 5 s between polls: the HTTPS listener, the rules and the aliases all wait for this one, and
    # DescribeCertificate is a cheap read.
    current, seconds, polls = wait_for(poll, what, timeout, delay=READY_FIRST_POLL, max_delay=5, describe=describe)
    return current, {"seconds": seconds, "polls": polls}


def wait_for_records(client, arn, timeout):
    """A new request's description once ACM has published its validation records."""

    def poll():
        current = acm.describe_certificate(client, arn)
        return current is not None and acm.records_published(current), current

    current, _seconds, _polls = wait_for(
        poll, f"ACM to publish the validation records of {arn}", timeout, delay=1, max_delay=5, describe=lambda c: "not yet"
    )
    return current


def read_owned(client, params, near_names):
    """``[(description, tags)]`` of this task's certificates, oldest first."""
    owned = []
    for summary, tags in acm.find_owned(client, params["name"], params["stack"], near_names):
        certificate = acm.describe_certificate(client, summary["CertificateArn"])
        if certificate is not None:
            owned.append((certificate, tags))
    return owned


def read_owned_certificates(client, params, parsed):
    """``[(description, tags)]`` of the task's certificates near the names it asks for (state=present)."""
    near = parsed["names"] if parsed else acm.requested_domains(params["domain_name"], params["subject_alternative_names"])
    return read_owned(client, params, near)


def pick_current(owned, domains, key_algorithm):
    """The live certificate with exactly these names (newest issued first), and the rest."""
    matching = [
        (c, t)
        for c, t in owned
        if c.get("Type") == "AMAZON_ISSUED"
        and sorted(acm.certificate_domains(c)) == sorted(domains)
        and c.get("Status") in acm.LIVE_STATUSES + ("FAILED", "VALIDATION_TIMED_OUT")
        and (not key_algorithm or acm.normalise_key_algorithm(c.get("KeyAlgorithm")) == key_algorithm)
    ]
    matching.sort(key=lambda item: (item[0].get("Status") == "ISSUED", str(item[0].get("CreatedAt"))))
    current = matching[-1] if matching else None
    rest = [(c, t) for c, t in owned if current is None or c["CertificateArn"] != current[0]["CertificateArn"]]
    return current, rest


def current_certificate(owned, params, parsed):
    """``(current (description, tags) or None, superseded [(description, tags)])`` among the owned certificates:
    the imported one in import mode, the one with exactly the requested names otherwise."""
    if parsed:
        imported = [(c, t) for c, t in owned if c.get("Type") == "IMPORTED"]
        current = imported[-1] if imported else None
        rest = [(c, t) for c, t in owned if current is None or c["CertificateArn"] != current[0]["CertificateArn"]]
        return current, rest
    domains = acm.requested_domains(params["domain_name"], params["subject_alternative_names"])
    return pick_current(owned, domains, params["key_algorithm"])


def certificate_before(current, others):
    """The snake_case state of ``current`` ((description, tags) or None: ``{}``), ``others`` its superseded ones."""
    if current is None:
        return {}
    return acm.certificate_state(current[0], current[1], [c["CertificateArn"] for c, _t in others])


def converge_tags(client, certificate, tags, params, check_mode):
    """Apply tag changes to an existing certificate. Returns ``(changed, tags after)``."""
    wanted, purge = certificate_wanted_tags(params)
    to_set, to_remove = tag_changes(tags, wanted, purge)
    if (to_set or to_remove) and not check_mode:
        acm.update_tags(client, certificate["CertificateArn"], to_set, to_remove)
    return bool(to_set or to_remove), apply_tag_changes(tags, to_set, to_remove)


def retire(client, elbv2_client, superseded, check_mode, warn):
    """Delete superseded certificates that nothing serves. Returns ``(retired, kept)`` ARNs.

    A real run keeps a certificate that is still in use, with a warning. Check mode warns and predicts its
    retirement, since an earlier check-mode task may switch its listeners to the new certificate.
    """
    retired, kept = [], []
    for certificate, _tags in superseded:
        arn = certificate["CertificateArn"]
        users = acm.certificate_users(elbv2_client, certificate)
        if users:
            problem = f"retire_superseded: superseded certificate {arn} is still in use by {'; '.join(users)}"
            if not check_mode:
                warn(f"{problem}; kept it. Point those listeners at the current certificate, then run again.")
                kept.append(arn)
                continue
            dependency_problem(problem, check_mode, warn)
        if not check_mode:
            acm.delete_certificate(client, arn)
        retired.append(arn)
    return retired, kept


def ensure_requested(client, params, current, check_mode):
    """Request mode. Returns ``(changed, current description or None, tags)``."""
    if current is not None:
        certificate, tags = current
        changed, tags = converge_tags(client, certificate, tags, params, check_mode)
        return changed, certificate, tags

    tags, _purge = certificate_wanted_tags(params)
    if check_mode:
        return True, None, tags
    domains = acm.requested_domains(params["domain_name"], params["subject_alternative_names"])
    token = acm.idempotency_token(params["stack"], params["name"], domains, params["key_algorithm"])
    arn = acm.request_certificate(client, domains, params["key_algorithm"], token, tags)
    certificate = wait_for_records(client, arn, params["wait_timeout"])
    return True, certificate, tags


def ensure_imported(client, params, current, parsed, check_mode):
    """Import mode. Returns ``(changed, current description or None, tags)``."""
    if current is None:
        tags, _purge = certificate_wanted_tags(params)
        if check_mode:
            return True, None, tags
        arn = acm.import_certificate(
            client, params["certificate"], params["private_key"], params["certificate_chain"], tags=tags
        )
        return True, acm.describe_certificate(client, arn), tags

    certificate, tags = current
    body, chain = acm.get_certificate_pem(client, certificate["CertificateArn"])
    # Without certificate_chain the chain is not compared: some ACM implementations answer with a chain of their own.
    same = acm.pem_ders(body) == [parsed["certificate"]] and (
        not params["certificate_chain"] or acm.pem_ders(chain) == parsed["chain"]
    )
    changed = not same
    if changed and not check_mode:
        acm.import_certificate(
            client, params["certificate"], params["private_key"], params["certificate_chain"], arn=certificate["CertificateArn"]
        )
        certificate = acm.describe_certificate(client, certificate["CertificateArn"])
        # AWS keeps the tags over a re-import, but not every implementation of ACM does: read them again.
        tags = acm.get_tags(client, certificate["CertificateArn"])
    tags_changed, tags = converge_tags(client, certificate, tags, params, check_mode)
    return changed or tags_changed, certificate, tags


def predicted_certificate_state(params, parsed, tags, superseded):
    """The state of a certificate that check mode would request or import."""
    if parsed:
        domains, kind, status, not_after = parsed["names"], "IMPORTED", "ISSUED", parsed["not_after"]
    else:
        domains = acm.requested_domains(params["domain_name"], params["subject_alternative_names"])
        kind, status, not_after = "AMAZON_ISSUED", "PENDING_VALIDATION", None
    return {
        # AWS gives the ARN on request or import: later check-mode tasks take this placeholder for it.
        "arn": predicted_ref("certificate", params["name"]),
        "name": params["name"],
        "type": kind,
        "status": status,
        "domains": domains,
        "key_algorithm": params["key_algorithm"],
        "created_at": None,
        "not_before": None,
        "not_after": not_after,
        "in_use_by": [],
        "renewal_eligibility": None,
        "failure_reason": None,
        "validation_records": [],
        "pending_domains": domains if not parsed else [],
        "tags": tags,
        "superseded_arns": sorted(c["CertificateArn"] for c, _t in superseded),
    }


def ensure_certificate_present(client, elbv2_client, params, parsed, current, superseded, check_mode, warn, wait=None):
    """Request or import, converge tags, wait, retire. Returns ``(changed, state)``.

    ``current`` and ``superseded`` come from :func:`current_certificate`. ``wait`` overrides ``params["wait"]`` (the
    engine waits in its own threads: it passes False). ``state`` is the certificate's state with the extras
    ``waited`` (when it waited) and ``retired_arns`` (with ``retire_superseded``).
    """
    wait = params["wait"] if wait is None else wait
    if parsed:
        changed, certificate, tags = ensure_imported(client, params, current, parsed, check_mode)
    else:
        changed, certificate, tags = ensure_requested(client, params, current, check_mode)

    extras = {}
    if certificate is not None and wait and not check_mode:
        certificate, waited = wait_until_issued(client, certificate, params["wait_timeout"])
        if waited:
            extras["waited"] = waited

    if params["retire_superseded"]:
        retired = []
        if certificate is not None:
            status = certificate.get("Status")
        else:  # check mode: a certificate that would be imported is issued at once, a request is pending
            status = "ISSUED" if parsed else "PENDING_VALIDATION"
        # With wait=true, a real run waits for ISSUED first: check mode predicts that it gets there.
        issued = status == "ISSUED" or (check_mode and wait and status not in acm.FAILED_STATUSES)
        if superseded and issued:
            retired, _kept = retire(client, elbv2_client(), superseded, check_mode, warn)
        elif superseded:
            warn("superseded certificates are kept until the current certificate is issued: run again with wait=true")
        superseded = [(c, t) for c, t in superseded if c["CertificateArn"] not in retired]
        extras["retired_arns"] = retired
        changed = changed or bool(retired)

    superseded_arns = [c["CertificateArn"] for c, _t in superseded]
    if certificate is None:
        state = predicted_certificate_state(params, parsed, tags, superseded)
    else:
        state = acm.certificate_state(certificate, tags, superseded_arns)
    state.update(extras)
    return changed, state


def certificates_to_delete(client, params):
    """``[(description, tags)]`` that state=absent deletes: the task's certificates (or only ``arn``), oldest first.

    A check-mode placeholder ``arn`` is never sent to AWS: ``[]``. An ``arn`` the task does not own is refused.
    """
    if params["arn"] and is_predicted(params["arn"]):
        return []
    if params["arn"]:
        certificate = acm.describe_certificate(client, params["arn"])
        if certificate is None:
            return []
        tags = acm.get_tags(client, params["arn"])
        if not acm.owned_by(tags, params["name"], params["stack"]):
            raise RolloutError(
                f"arn: certificate {params['arn']} does not carry the tags Name={params['name']}"
                + (f" and https-rollout:stack={params['stack']}" if params["stack"] else "")
                + "; refusing to delete a certificate this task does not own"
            )
        return [(certificate, tags)]
    near = None
    if params["domain_name"]:
        near = acm.requested_domains(params["domain_name"], params["subject_alternative_names"])
    return read_owned(client, params, near)


def deleted_before(targets):
    """``before`` of a delete: the newest of ``targets`` with the others as its superseded ones (``{}``: none)."""
    return certificate_before(targets[-1], targets[:-1]) if targets else {}


def ensure_certificate_absent(client, elbv2_client, params, targets, check_mode, warn):
    """Delete ``targets`` (from :func:`certificates_to_delete`), none while any is in use.

    Returns ``(changed, state)``: ``state`` is ``{"deleted_arns": [...]}``.

    Nothing to delete is no change, with read calls only. A certificate still in use refuses the delete in a real
    run; in check mode it is a warning and the delete is predicted.
    """
    if params["arn"] and is_predicted(params["arn"]):
        # Check mode only (a real run refused it before): an earlier check-mode task would request it, this one
        # would delete it. Nothing of it is in AWS to read.
        missing_reference("arn", f"certificate {params['arn']}", check_mode, warn)
        return True, {"deleted_arns": [params["arn"]]}
    if not targets:
        return False, {"deleted_arns": []}

    client_elb = elbv2_client()
    problems = []
    for certificate, _tags in targets:
        users = acm.certificate_users(client_elb, certificate)
        if users:
            problems.append(f"{certificate['CertificateArn']} is in use by {'; '.join(users)}")
    if problems:
        dependency_problem(
            "state=absent: refusing to delete certificates still in use: " + " | ".join(problems)
            + ". Point those listeners at another certificate (or delete them) first; nothing was deleted.",
            check_mode,
            warn,
        )
    deleted = []
    for certificate, _tags in targets:
        if not check_mode:
            acm.delete_certificate(client, certificate["CertificateArn"])
        deleted.append(certificate["CertificateArn"])
    return True, {"deleted_arns": deleted}


def certificate_argument_spec():
    """The module's options (the ownership options ``tags``, ``purge_tags``, ``stack`` apart): its argument spec,
    and the defaults the stack engine fills in for what it does not set."""
    return dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        arn=dict(type="str"),
        domain_name=dict(type="str"),
        subject_alternative_names=dict(type="list", elements="str", aliases=["sans"], default=[]),
        allow_more_names=dict(type="bool", default=False),
        key_algorithm=dict(type="str", choices=["RSA_2048", "EC_prime256v1", "EC_secp384r1"]),
        certificate=dict(type="str"),
        private_key=dict(type="str", no_log=True),
        certificate_chain=dict(type="str"),
        retire_superseded=dict(type="bool", default=False),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=300),
    )
