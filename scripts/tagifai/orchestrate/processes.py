"""The processes of the machine as /proc shows them: who runs, under whom, in which group (Linux only)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Proc:
    """A process as /proc shows it; `start` (clock ticks after boot) tells a reused pid from the first one."""

    pid: int
    ppid: int
    pgid: int
    start: int
    state: str

    @property
    def running(self) -> bool:
        return self.state not in ("Z", "X")


def read_proc(pid: int) -> Proc | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return Proc(pid=pid, ppid=int(fields[1]), pgid=int(fields[2]), start=int(fields[19]), state=fields[0])


def process_table() -> list[Proc]:
    """Every process of the machine (those that end while it is read left out)."""
    table = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (proc := read_proc(int(entry.name))) is not None:
            table.append(proc)
    return table


def cmdline(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    return ""


def describe(pid: int) -> str:
    """A process's command line, short: programs by their file name, cut at 60 characters."""
    words = [Path(word).name if word.startswith("/") else word for word in cmdline(pid).split()]
    text = " ".join(words)
    return text if len(text) <= 60 else text[:57] + "..."


def still_running(proc: Proc) -> bool:
    """Whether `proc` (the same process, not a later one with its pid) runs (a zombie has ended)."""
    now = read_proc(proc.pid)
    return now is not None and now.start == proc.start and now.running


def descendants(root: int, table: list[Proc]) -> dict[int, int]:
    """The running descendants of `root` with their depth below it (children 1, grandchildren 2, ...)."""
    children: dict[int, list[Proc]] = {}
    for proc in table:
        children.setdefault(proc.ppid, []).append(proc)
    found: dict[int, int] = {}
    frontier = [(root, 0)]
    while frontier:
        pid, depth = frontier.pop()
        for child in children.get(pid, []):
            if child.running and child.pid not in found:
                found[child.pid] = depth + 1
                frontier.append((child.pid, depth + 1))
    return found


def signal_all(procs: Iterable[Proc], signum: int) -> None:
    """Send `signum` to each process that still runs (never to a later process that took its pid)."""
    for proc in procs:
        if still_running(proc):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(proc.pid, signum)
