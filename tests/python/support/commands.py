"""Run the project's commands as a user would, each in its own process, against a given warehouse."""

import os
import subprocess
import sys
from pathlib import Path

from tagifai import settings

REPO_ROOT = settings.PROJECT_ROOT
BIN = Path(sys.executable).parent


def run_loader(db_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `tagifai-load` in its own process (as a user would) against `db_path`."""
    return subprocess.run(
        [str(BIN / "tagifai-load"), "--duckdb-path", str(db_path), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def run_generator(output: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `tagifai-generate-annotations` in its own process, writing `output`."""
    return subprocess.run(
        [str(BIN / "tagifai-generate-annotations"), "--output", str(output), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def run_dbt(db_path: Path, command: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a dbt command (e.g. "build", "docs generate") against `db_path`, with its own target/ and logs."""
    target = db_path.parent / "dbt_target"
    # A writing command takes the staged publish (the dbt plugin), as on a user's warehouse.
    env = {
        **os.environ,
        settings.DUCKDB_PATH_ENV: str(db_path),
        "DBT_PROFILES_DIR": str(REPO_ROOT),
    }
    result = subprocess.run(
        [
            str(BIN / "dbt"),
            *command.split(),
            "--project-dir",
            str(REPO_ROOT),
            "--target-path",
            str(target),
            "--log-path",
            str(db_path.parent / "dbt_logs"),
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"dbt {command} failed:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}")
    return result
