"""Start a local Label Studio from its own virtual environment (`make label-studio`, and the tests).

Bound to 127.0.0.1, data under the warehouse folder, no Sentry, analytics or version check. The first
start creates the admin's password and API token in files only their owner can read, next to the data.
They reach Label Studio through its environment (LABEL_STUDIO_USERNAME, LABEL_STUDIO_PASSWORD,
LABEL_STUDIO_USER_TOKEN, which Label Studio 1.23 reads when it creates the user), never through its
command line: any local user can read a process's command line (`ps -ef`, /proc/<pid>/cmdline), only its
owner can read its environment (/proc/<pid>/environ).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

from tagifai import settings

DEFAULT_VENV = settings.PROJECT_ROOT / ".venv-label-studio"
DEFAULT_PORT = 8089
DEFAULT_USERNAME = "admin@tagifai.local"
PASSWORD_FILE = "password"
TOKEN_FILE = "token"


def secret_file(path: Path, nbytes: int = 20) -> str:
    """The secret in `path`, created (mode 0600) with a random hex value when missing."""
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_hex(nbytes))
    return path.read_text(encoding="utf-8").strip()


def environment(data_dir: Path, username: str = DEFAULT_USERNAME) -> dict[str, str]:
    """Label Studio's environment: its data folder, telemetry off, and the admin's credentials (read from
    their 0600 files, created on the first start)."""
    return {
        **os.environ,
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        "SENTRY_DSN": "",
        "FRONTEND_SENTRY_DSN": "",
        "COLLECT_ANALYTICS": "false",
        "LATEST_VERSION_CHECK": "false",
        # Without it Label Studio 1.23 answers 401 to the `Token` header.
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
        "LABEL_STUDIO_USERNAME": username,
        "LABEL_STUDIO_PASSWORD": secret_file(data_dir / PASSWORD_FILE, 12),
        "LABEL_STUDIO_USER_TOKEN": secret_file(data_dir / TOKEN_FILE),
    }


def command(venv: Path, port: int) -> list[str]:
    """The `label-studio start` command line: no credential on it (they are in `environment`)."""
    return [
        str(venv / "bin" / "label-studio"),
        "start",
        "--internal-host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-browser",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start Label Studio on 127.0.0.1 (Ctrl-C to stop).")
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV)
    parser.add_argument("--data-dir", type=Path, default=settings.duckdb_path().parent / "label-studio")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--username", default=DEFAULT_USERNAME)
    args = parser.parse_args(argv)
    data_dir = args.data_dir.expanduser().resolve()
    if not (args.venv / "bin" / "label-studio").is_file():
        print(
            f"tagifai: error: {args.venv}: Label Studio is not installed there; run make label-studio", file=sys.stderr
        )
        return 1
    argv_ls = command(args.venv, args.port)
    env = environment(data_dir, args.username)
    print(f"Label Studio: http://127.0.0.1:{args.port}  (data in {data_dir})")
    print(f"  login: {args.username}, password in {data_dir / PASSWORD_FILE}")
    print(f"  API token: in {data_dir / TOKEN_FILE} (tagifai-annotate reads it there)")
    sys.stdout.flush()
    os.execve(argv_ls[0], argv_ls, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
