"""Route 53 changes are PENDING, then INSYNC ``route53_delay`` seconds later (GetChange).

moto answers INSYNC at once, with one fixed change ID for every change.
"""

from __future__ import annotations

import itertools
import time

from moto.route53 import responses as route53_responses

from .settings import Settings

_SUBMITTED: dict[str, float] = {}  # change ID -> monotonic time of the change
_COUNTER = itertools.count(1)


def _status(change_id: str, delay: float) -> str:
    submitted = _SUBMITTED.get(change_id.rsplit("/", 1)[-1])
    return "PENDING" if submitted is not None and time.monotonic() - submitted < delay else "INSYNC"


def install(settings: Settings) -> None:
    """Patch the response handlers of ChangeResourceRecordSets and GetChange."""
    original_change = route53_responses.Route53.change_resource_record_sets
    original_get = route53_responses.Route53.get_change

    def change_resource_record_sets(self):
        result = original_change(self)
        change_id = f"C{int(time.time()):X}{next(_COUNTER):06X}SBX"
        _SUBMITTED[change_id] = time.monotonic()
        info = result.result["ChangeInfo"]
        info["Id"] = f"/change/{change_id}"
        info["Status"] = _status(change_id, settings.route53_delay)
        return result

    def get_change(self):
        result = original_get(self)
        info = result.result["ChangeInfo"]
        info["Status"] = _status(info["Id"], settings.route53_delay)
        return result

    route53_responses.Route53.change_resource_record_sets = change_resource_record_sets
    route53_responses.Route53.get_change = get_change
