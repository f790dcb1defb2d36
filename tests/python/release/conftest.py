"""Fixtures of the release tests: the 2021-03 and 2021-05 warehouses and their releases (session-wide: the
release test modules share them)."""

from pathlib import Path

import pytest
from release.helpers import copy_db, release

from support.commands import run_dbt, run_loader
from support.loading_helpers import shared_dataset


@pytest.fixture(scope="session")
def data_2021_05(real_data_dir: Path) -> Path:
    """The 2021-05 data, beside the 2021-03 data ($TAGIFAI_DATA_DIR) or in the shared datasets folder."""
    return shared_dataset("2021-05", real_data_dir)


@pytest.fixture(scope="session")
def warehouse_2021_05(data_2021_05: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db_path = tmp_path_factory.mktemp("wh0505") / "tagifai.duckdb"
    assert run_loader(db_path, "--data-dir", str(data_2021_05)).returncode == 0
    run_dbt(db_path, "build", "--selector", "labeled_dataset")
    return db_path


@pytest.fixture(scope="session")
def releases_dir(real_warehouse: Path, warehouse_2021_05: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2021-03 (the real warehouse, full build with generated annotations), then 2021-05 (labeled_dataset)."""
    root = tmp_path_factory.mktemp("releases") / "releases"
    for db_path, version in ((real_warehouse, "2021-03"), (warehouse_2021_05, "2021-05")):
        result = release(db_path, root, "--version", version)
        assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="session")
def warehouse_threshold_20(real_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the real warehouse rebuilt (labeled_dataset) with min_tag_freq 20: other rows."""
    db_path = copy_db(real_warehouse, tmp_path_factory.mktemp("threshold20"))
    run_dbt(db_path, "build", "--selector", "labeled_dataset", "--vars", "{min_tag_freq: 20}")
    return db_path
