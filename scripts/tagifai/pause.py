"""A test aid for crash safety: stop the process at a named stage so a test can SIGKILL it there.

With TAGIFAI_PAUSE_AT=<stage> set, `pause_point(<stage>)` prints `tagifai: paused at <stage>` to stderr and
sleeps; the test reads that line and kills the process. Unset (always, outside tests) it does nothing.
The stages are listed in STAGES so a test can go through all of them.
"""

from __future__ import annotations

import os
import sys
import time

PAUSE_ENV = "TAGIFAI_PAUSE_AT"

STAGES = (
    "staged-copy",  # the warehouse was copied to the staging folder; nothing loaded yet
    "landed",  # a file was read into a temp table, inside the load transaction
    "mid-write",  # old rows deleted from the raw table, new ones not yet inserted
    "before-commit",  # every file written, the transaction not yet committed
    "loaded",  # the load committed (in the staged copy), dbt and the publish not yet run
    "before-publish",  # the staged copy is complete, not yet renamed over the warehouse
)


def pause_point(stage: str) -> None:
    """Sleep at `stage` when $TAGIFAI_PAUSE_AT names it (tests only)."""
    if os.environ.get(PAUSE_ENV) == stage:
        print(f"tagifai: paused at {stage}", file=sys.stderr, flush=True)
        time.sleep(3600)
