"""Run a command in its own process and measure its wall time and peak memory.

Peak memory is the largest resident set of the process and every descendant it waited for (the
`ru_maxrss` that `wait4` reports for that one child), so a command that starts others (tagifai-build
starts dbt) is measured as a whole tree. Nothing is polled, so measuring costs nothing.

Linux carries the exec-ing process's peak over into the child's `ru_maxrss`, so the command is started
through GNU time (`/usr/bin/time`, a process of a few MiB) when it exists; otherwise the figure cannot be
below this (Python) process's own peak.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measurement:
    """One run of one command."""

    wall_s: float
    peak_mib: float
    returncode: int
    cpu_s: float = 0.0  # user + system CPU seconds of the process tree (2 cores: up to 2x wall)

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


class CommandFailedError(RuntimeError):
    """A measured command exited with an error; the message holds the end of its output."""


GNU_TIME = Path("/usr/bin/time")


def measure(command: list[str], env: dict[str, str] | None = None, log: Path | None = None) -> Measurement:
    """Run `command` to completion; its stdout and stderr go to `log` (or are discarded)."""
    with tempfile.TemporaryDirectory(prefix="tagifai-measure-") as scratch:
        peak_file = Path(scratch) / "peak_kib"
        wrapped = [str(GNU_TIME), "-f", "%M %U %S", "-o", str(peak_file), *command] if GNU_TIME.exists() else command
        with open(log, "w") if log else open(os.devnull, "w") as out:  # noqa: SIM115
            started = time.perf_counter()
            process = subprocess.Popen(wrapped, stdout=out, stderr=subprocess.STDOUT, env=env)
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        peak_kib = usage.ru_maxrss
        cpu = usage.ru_utime + usage.ru_stime
        if GNU_TIME.exists() and peak_file.exists():
            fields = peak_file.read_text().split()
            if len(fields) >= 3 and fields[-3].isdigit():
                peak_kib = int(fields[-3])
    result = Measurement(wall_s=wall, peak_mib=peak_kib / 1024, returncode=process.returncode, cpu_s=cpu)
    if result.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:] if log else ""
        raise CommandFailedError(f"{' '.join(command)} exited with {result.returncode}; see {log}\n{tail}")
    return result
