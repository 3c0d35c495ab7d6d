"""Selection runs, by sub-domain: starting one and retrying its job (`runs`), computing it (`computation`),
publishing it (`publication`), verifying it (`verification`, with the set-based reads of `comparison`).

A run's whole input is frozen into the run row before anything is computed; computing, publishing and verifying
all go through `computation.recompute`, which needs nothing but those frozen bytes. The names other code uses
are importable from here.
"""

from bawaba.selection.services.computation import Computation, compute_run, read_inputs, recompute
from bawaba.selection.services.promotion import decline_place, promoted_in_round, run_promotion_round
from bawaba.selection.services.publication import publish_requested_run, publish_run, request_publication
from bawaba.selection.services.runs import (
    COMPUTATION,
    PUBLICATION,
    PUBLICATION_QUEUED,
    PUBLICATION_RUNNING,
    SelectionError,
    create_run,
    launch_obstacles,
    retry_run,
    stale_runs,
    start_run,
)
from bawaba.selection.services.verification import Verification, VerificationLine, verify_run

__all__ = [
    "COMPUTATION",
    "PUBLICATION",
    "PUBLICATION_QUEUED",
    "PUBLICATION_RUNNING",
    "Computation",
    "SelectionError",
    "Verification",
    "VerificationLine",
    "compute_run",
    "create_run",
    "launch_obstacles",
    "decline_place",
    "promoted_in_round",
    "publish_requested_run",
    "publish_run",
    "read_inputs",
    "recompute",
    "request_publication",
    "retry_run",
    "run_promotion_round",
    "stale_runs",
    "start_run",
    "verify_run",
]
