"""Shared fixtures (the real data folder, throwaway warehouses built by the loader and dbt) and markers."""

import os
from pathlib import Path

import duckdb
import pytest
from hypothesis import settings as hypothesis_settings

from support.commands import run_dbt, run_generator, run_loader
from tagifai import settings
from tagifai.ingest.fetch import Sources

# Property tests draw the same examples on every run (CI, make test): a failure is reproduced by running the
# test again, and is then kept as an explicit @example beside the test. HYPOTHESIS_PROFILE=explore draws new
# examples each run, to search further by hand.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("explore", derandomize=False, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def real_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2021-03 data: $TAGIFAI_DATA_DIR (as .ci/run sets it), else downloaded from the public URLs."""
    folder = settings.data_dir(None)
    if folder is not None:
        return folder
    dest = tmp_path_factory.mktemp("downloaded")
    with Sources(None) as sources:
        for name, file_name in settings.FILE_NAMES.items():
            path, _ = sources.resolve(file_name, settings.PUBLIC_URLS[name])
            (dest / file_name).write_bytes(path.read_bytes())
    return dest


@pytest.fixture(scope="session")
def generated_annotations(real_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An example annotations file generated from the real projects (default annotators, seed 42)."""
    path = tmp_path_factory.mktemp("annotations") / "annotations.json"
    result = run_generator(path, "--data-dir", str(real_data_dir))
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope="session")
def real_warehouse(real_data_dir: Path, generated_annotations: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real data plus generated annotations, loaded and built with `dbt build` (all dbt tests must pass)."""
    db_path = tmp_path_factory.mktemp("real") / "tagifai.duckdb"
    result = run_loader(db_path, "--data-dir", str(real_data_dir), "--annotations", str(generated_annotations))
    assert result.returncode == 0, result.stderr
    run_dbt(db_path, "build")
    return db_path


@pytest.fixture()
def query(real_warehouse: Path):  # noqa: ANN201
    """Run SQL read-only against the real warehouse and return all rows."""
    connections = []

    def _query(sql: str, params: list[object] | None = None) -> list[tuple]:
        con = duckdb.connect(str(real_warehouse), read_only=True)
        connections.append(con)
        return con.execute(sql, params or []).fetchall()

    yield _query
    for con in connections:
        con.close()


AREAS = ("loading", "dbt", "spark", "tooling", "labelstudio", "release", "orchestrate")
# Fixtures that build a warehouse with dbt: a test using one runs dbt, whatever its folder.
DBT_FIXTURES = {"real_warehouse", "query"}


# `make test` runs the tests on two workers (pytest-xdist, --dist loadfile): a module's tests stay on one
# worker, so its module fixtures are built once (a session fixture is built once per worker that needs it).
# The longest modules are handed out first, so that both workers end at about the same time.
LONGEST_FIRST = (
    "dbt/test_readme_examples.py",
    "spark/test_spark.py",
    "tooling/test_bench_smoke.py",
    "labelstudio/test_annotation_loop_end_to_end.py",
    "dbt/test_incremental_equals_fresh.py",
    "dbt/test_loading_growth.py",
    "dbt/test_make_build.py",
    "dbt/test_label_models.py",
    "dbt/test_tag_model_refit.py",
    "release/test_release_guards.py",
    "release/test_releases.py",
    "orchestrate/test_workflow.py",
    "orchestrate/test_ui.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its folder's area and with `dbt` when it runs dbt (see pyproject's markers); the
    longest modules go first (a stable sort keeps each module's own order)."""
    for item in items:
        area = item.path.parent.name
        if area in AREAS:
            item.add_marker(area)
        if area != "dbt" and DBT_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker("dbt")
    rank = {module: position for position, module in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(f"{item.path.parent.name}/{item.path.name}", len(rank)))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config: pytest.Config, specs: list) -> None:
    """Before the workers start: Dagster's dbt manifest, which the orchestrate tests and the Label Studio
    loop test read, is written once here, not by two workers at once (each would find it missing)."""
    try:
        from tagifai.orchestrate.dbt_project import prepare_manifest
    except ImportError:  # Dagster not installed (make test-fast's packages): no orchestrate test can run
        return
    prepare_manifest()
