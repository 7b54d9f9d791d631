# -*- coding: utf-8 -*-
# Copyright: (c) 2026, webops.https_rollout contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Wait for several things at once: threads inside the engine's process, one deadline, nothing in the background.

Each wait is a function of ``(timeout, progress)`` (the ``wait_until_*`` of the per-resource reconciliation). They
start together and share one deadline; the first failure stops the others at their next poll. What each one last
reported is kept, for the result and for the progress lines.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.webops.https_rollout.plugins.module_utils.common import WaitFailed
from ansible_collections.webops.https_rollout.plugins.module_utils.common import WaitTimeout


class Stopped(WaitFailed):
    """Another wait failed: this one stops at its next poll."""


def wait_all(waits, timeout, clock=time.monotonic, slice_seconds=None):
    """Run ``waits`` (``{key: fn(timeout, progress)}``) concurrently under one deadline ``timeout`` seconds away.

    Returns ``({key: result}, {key: last progress line}, seconds)``. Raises the first failure (``WaitTimeout`` or
    ``WaitFailed``) once every thread has stopped.

    With ``slice_seconds`` shorter than ``timeout``, each wait stops after that long instead: the ones still
    waiting are missing from the results (not a failure), and the caller comes back for another slice.
    """
    if not waits:
        return {}, {}, 0.0
    start = clock()
    sliced = bool(slice_seconds) and slice_seconds < timeout
    deadline = start + (slice_seconds if sliced else timeout)
    stop = threading.Event()
    status = {key: "waiting" for key in waits}

    def run(key, fn):
        def progress(line):
            status[key] = line
            if stop.is_set():
                raise Stopped(f"{key}: stopped, another wait failed")

        try:
            return fn(max(0.0, deadline - clock()), progress)
        except WaitTimeout:
            # The end of a slice is the end of this turn for every wait, not a failure that stops the others.
            if not sliced:
                stop.set()
            raise
        except Exception:
            stop.set()
            raise

    results, errors = {}, []
    with ThreadPoolExecutor(max_workers=len(waits)) as pool:
        futures = {key: pool.submit(run, key, fn) for key, fn in waits.items()}
        for key, future in futures.items():
            try:
                results[key] = future.result()
            except Exception as exc:  # pylint: disable=broad-except
                errors.append(exc)
    if sliced:
        # The end of a slice is no failure: what timed out is still pending.
        errors = [e for e in errors if not isinstance(e, WaitTimeout)]
    real = [e for e in errors if not isinstance(e, Stopped)]
    if real or errors:
        raise (real or errors)[0]
    return results, status, round(clock() - start, 1)
