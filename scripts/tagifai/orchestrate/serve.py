"""`tagifai-orchestrate`: the Dagster UI and daemon (`dagster dev`) on 127.0.0.1, stopped cleanly by a signal.

`dagster dev` runs the webserver, the daemon and a code server as child processes. Started detached it
ignored SIGTERM, so this wrapper runs it in its own process group and turns SIGTERM (and Ctrl-C) into
the SIGINT that `dagster dev` handles, then waits for the whole group and kills what is left.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from tagifai import settings

DAGSTER_HOME_ENV = "DAGSTER_HOME"
STOP_GRACE_SECONDS = 30
INSTANCE_YAML = """\
# Written by tagifai-orchestrate. Telemetry off; runs, schedules and sensor state live in this folder.
telemetry:
  enabled: false
"""


def dagster_home() -> Path:
    """$DAGSTER_HOME, else a dagster/ folder beside the warehouse."""
    home = os.environ.get(DAGSTER_HOME_ENV, "").strip()
    return Path(home).expanduser().resolve() if home else settings.duckdb_path().parent / "dagster"


def prepare_home(home: Path) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    instance = home / "dagster.yaml"
    if not instance.exists():
        instance.write_text(INSTANCE_YAML)
    return home


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def stop_group(process: subprocess.Popen[bytes], grace: float = STOP_GRACE_SECONDS) -> None:
    """SIGINT to `dagster dev`'s process group, then SIGKILL to whatever is left after `grace` seconds."""
    pgid = process.pid
    if _group_alive(pgid):
        os.killpg(pgid, signal.SIGINT)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and _group_alive(pgid):
        process.poll()
        time.sleep(0.2)
    if _group_alive(pgid):
        os.killpg(pgid, signal.SIGKILL)
    process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start the Dagster UI and daemon for tagifai on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=3000, help="the UI's port (default 3000)")
    args = parser.parse_args(argv)
    home = prepare_home(dagster_home())
    env = {**os.environ, DAGSTER_HOME_ENV: str(home), "DAGSTER_DISABLE_TELEMETRY": "true"}
    dagster = str(Path(sys.executable).parent / "dagster")
    command = [dagster, "dev", "--host", "127.0.0.1", "--port", str(args.port)]
    print(f"tagifai-orchestrate: Dagster UI on http://127.0.0.1:{args.port} (DAGSTER_HOME={home})", flush=True)
    process = subprocess.Popen(command, cwd=settings.PROJECT_ROOT, env=env, start_new_session=True)

    def _stop(signum: int, _frame: FrameType | None) -> None:
        print(f"tagifai-orchestrate: {signal.Signals(signum).name}: stopping Dagster", flush=True)
        stop_group(process)
        sys.exit(0)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    code = process.wait()
    stop_group(process, grace=5)
    return code


if __name__ == "__main__":
    sys.exit(main())
