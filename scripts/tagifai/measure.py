"""Run a command in its own process and measure its wall time and peak memory.

Peak memory is the largest resident set of the process and every descendant it waited for (the
`ru_maxrss` that `wait4` reports for that one child), so a command that starts others (tagifai-build
starts dbt) is measured as a whole tree. Nothing is polled, so measuring costs nothing.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measurement:
    """One run of one command."""

    wall_s: float
    peak_mib: float
    returncode: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


class CommandFailedError(RuntimeError):
    """A measured command exited with an error; the message holds the end of its output."""


def measure(command: list[str], env: dict[str, str] | None = None, log: Path | None = None) -> Measurement:
    """Run `command` to completion; its stdout and stderr go to `log` (or are discarded)."""
    with open(log, "w") if log else open(os.devnull, "w") as out:  # noqa: SIM115
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    result = Measurement(wall_s=wall, peak_mib=usage.ru_maxrss / 1024, returncode=process.returncode)
    if result.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:] if log else ""
        raise CommandFailedError(f"{' '.join(command)} exited with {result.returncode}; see {log}\n{tail}")
    return result
