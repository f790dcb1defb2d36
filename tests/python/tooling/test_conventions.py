"""The conventions check (dbt-score with scripts/tagifai/conventions.py) fails a project that breaks
DBT_STYLE.md: a model without a grain description or a primary-key test, or a mart reading a source."""

import json
import os
import re
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


# One model per rule, each breaking that rule and no other, and models that pass: (sql, yaml entry).
GRAIN = "One row per probe."
PROBES = {
    "probe_no_description": ("select 1 as probe_id", {"columns": [{"name": "probe_id", "description": "Key.",
                                                                  "data_tests": ["primary_key"]}]}),
    "probe_no_grain": ("select 1 as probe_id", {"description": "A probe.", "columns": [
        {"name": "probe_id", "description": "Key.", "data_tests": ["primary_key"]}]}),
    "probe_undocumented_column": ("select 1 as probe_id, 2 as label", {"description": GRAIN, "columns": [
        {"name": "probe_id", "description": "Key.", "data_tests": ["primary_key"]}, {"name": "label"}]}),
    "probe_no_key_test": ("select 1 as probe_id", {"description": GRAIN, "columns": [
        {"name": "probe_id", "description": "Key.", "data_tests": ["not_null"]}]}),
    "probe_combination_ignoring_null_keys": ("select 1 as a, 2 as b", {"description": GRAIN, "data_tests": [
        {"unique_combination_of_columns": {"arguments": {"combination_of_columns": ["a", "b"]}}},
        {"not_null_columns": {"arguments": {"column_names": ["a"]}}}], "columns": [
        {"name": "a", "description": "A."}, {"name": "b", "description": "B."}]}),
    "probe_unique_without_not_null": ("select 1 as probe_id", {"description": GRAIN, "columns": [
        {"name": "probe_id", "description": "Key.", "data_tests": ["unique"]}]}),
    "probe_reads_a_source": ("select id from {{ source('madewithml', 'projects') }}", {"description": GRAIN,
        "columns": [{"name": "id", "description": "Key.", "data_tests": ["primary_key"]}]}),
    "probe_combination_null_checked": ("select 1 as a, 2 as b", {"description": GRAIN, "data_tests": [
        {"unique_combination_of_columns": {"arguments": {"combination_of_columns": ["a", "b"]}}},
        {"not_null_columns": {"arguments": {"column_names": ["a", "b"]}}}], "columns": [
        {"name": "a", "description": "A."}, {"name": "b", "description": "B."}]}),
    "probe_combination_nullable_declared": ("select 1 as a, 2 as b", {"description": GRAIN, "data_tests": [
        {"unique_combination_of_columns": {"arguments": {"combination_of_columns": ["a", "b"],
                                                         "nullable_columns": ["b"]}}}], "columns": [
        {"name": "a", "description": "A.", "data_tests": ["not_null"]}, {"name": "b", "description": "B."}]}),
}  # fmt: skip
EXPECTED_RULES = {
    "probe_no_description": {"model_has_description"},
    "probe_no_grain": {"model_has_description"},
    "probe_undocumented_column": {"every_column_has_description"},
    "probe_no_key_test": {"model_has_primary_key_test"},
    "probe_combination_ignoring_null_keys": {"model_has_primary_key_test"},
    "probe_unique_without_not_null": {"model_has_primary_key_test"},
    "probe_reads_a_source": {"only_staging_reads_sources"},
    "probe_combination_null_checked": set(),
    "probe_combination_nullable_declared": set(),
}


@pytest.mark.dbt
def test_each_conventions_rule_fires_alone(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    folder = project / "models" / "marts" / "probes"
    folder.mkdir()
    models = []
    for name, (sql, entry) in PROBES.items():
        (folder / f"{name}.sql").write_text(sql + "\n")
        models.append({"name": name, **entry})
    (folder / "_probes__models.yml").write_text(json.dumps({"version": 2, "models": models}))
    result = _score(project)
    assert result.returncode != 0
    # dbt-score prints each model ("Model: name") followed by one line per rule it breaks.
    fired: dict[str, set[str]] = {}
    current = None
    for line in re.sub(r"\x1b\[[0-9;]*m", "", result.stdout).splitlines():
        if model := re.search(r"Model: (\w+)", line):
            current = model.group(1)
            fired.setdefault(current, set())
        elif rule := re.search(r"tagifai\.conventions\.(\w+):", line):
            assert current is not None
            fired[current].add(rule.group(1))
    assert {name: fired.get(name) for name in PROBES} == EXPECTED_RULES
    assert all(not rules for name, rules in fired.items() if name not in PROBES)  # the project's own models
    # The grain rule says which half failed.
    assert "does not state its grain" in result.stdout and "Model lacks a description" in result.stdout
