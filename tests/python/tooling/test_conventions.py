"""The conventions check (dbt-score with scripts/tagifai/conventions.py) fails a project that breaks
DBT_STYLE.md: a model without a grain description or a primary-key test, or a mart reading a source."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.commands import REPO_ROOT

BIN = Path(sys.executable).parent


def _score(project: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TAGIFAI_DUCKDB_PATH": str(project / "score.duckdb"),
        "DBT_PROFILES_DIR": str(project),
        "DBT_PROJECT_DIR": str(project),  # dbt-score reads the manifest from here (the Makefile exports it)
    }
    parse = subprocess.run(
        [str(BIN / "dbt"), "parse", "--quiet", "--project-dir", str(project)],
        capture_output=True,
        text=True,
        env=env,
        cwd=project,
        check=False,
    )
    assert parse.returncode == 0, parse.stdout + parse.stderr
    return subprocess.run(
        [str(BIN / "dbt-score"), "lint", "--show", "all"],
        capture_output=True,
        text=True,
        env=env,
        cwd=project,
        check=False,
    )


def _copy_project(dest: Path) -> Path:
    for name in ("dbt_project.yml", "profiles.yml", "pyproject.toml"):
        shutil.copy(REPO_ROOT / name, dest / name)
    for folder in ("models", "macros", "seeds", "tests", "snapshots", "analyses"):
        if (REPO_ROOT / folder).is_dir():
            shutil.copytree(REPO_ROOT / folder, dest / folder, ignore=shutil.ignore_patterns("python"))
    return dest


@pytest.mark.dbt
def test_the_project_passes_its_conventions(tmp_path: Path) -> None:
    result = _score(_copy_project(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.dbt
def test_a_mart_that_breaks_the_conventions_fails_the_check(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    (project / "models" / "marts" / "sneaky_mart.sql").write_text(
        "select id from {{ source('madewithml', 'projects') }}\n"
    )
    result = _score(project)
    assert result.returncode != 0
    output = result.stdout
    assert "sneaky_mart" in output
    assert "Model lacks a description" in output
    assert "No primary-key test" in output
    assert "Non-staging model reads sources" in output
