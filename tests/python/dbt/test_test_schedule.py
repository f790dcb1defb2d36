"""Which dbt tests run when (selectors.yml): a plain `dbt build` runs the cheap data tests; the scheduled
set (unit tests and full-scan structural tests) runs in CI, here, and must pass on the real data."""

import json
from pathlib import Path

from support.commands import run_dbt
from support.loading_helpers import copy_warehouse


def _ls(db_path: Path, *args: str) -> set[str]:
    result = run_dbt(db_path, "ls", "--quiet", "--resource-type", "test", "--resource-type", "unit_test", *args)
    return {line.strip() for line in result.stdout.splitlines() if line.strip()}


def test_default_build_leaves_scheduled_tests_out(real_warehouse: Path) -> None:
    every_build = _ls(real_warehouse)
    scheduled = _ls(real_warehouse, "--selector", "scheduled")
    everything = _ls(real_warehouse, "--select", "fqn:*")
    assert every_build and scheduled
    assert every_build.isdisjoint(scheduled)
    assert every_build | scheduled == everything
    # Scheduled: unit tests, the structural tests on intermediate models, the full list-uniqueness scan,
    # and the tests on the staging view that only renames raw.projects (the source's tests cover it).
    assert all(
        "intermediate" in name
        or name.startswith("unit_test:")
        or "list_items_unique" in name
        or "stg_madewithml__projects" in name
        for name in scheduled
    )
    assert any("source_primary_key_madewithml_projects_id" in name for name in every_build)
    assert any(name.startswith("unit_test:") for name in scheduled)
    assert any("primary_key_labeled_projects_id" in name for name in every_build)


def test_scheduled_tests_pass_on_the_real_data(real_warehouse: Path, tmp_path: Path) -> None:
    warehouse = copy_warehouse(real_warehouse, tmp_path / "w")  # dbt test records its results: not in the shared one
    scheduled = _ls(warehouse, "--selector", "scheduled")
    run_dbt(warehouse, "test", "--selector", "scheduled")  # also fails on a non-zero exit
    run_results = json.loads((warehouse.parent / "dbt_target" / "run_results.json").read_text())
    statuses = [
        result["status"] for result in run_results["results"] if result["unique_id"].startswith(("test.", "unit_test."))
    ]
    # Every scheduled test and unit test ran, and each passed: no warning, no failure, no skip.
    assert len(statuses) == len(scheduled)
    assert set(statuses) == {"pass"}
