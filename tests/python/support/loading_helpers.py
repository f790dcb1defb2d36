"""Helpers for the test_loading_* tests: run tagifai-build, write data folders, dump a whole warehouse."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb

from support.commands import BIN, REPO_ROOT

DATA_ROOT = Path(os.environ.get("TAGIFAI_SHARED_DATASETS", REPO_ROOT.parent.parent / "shared" / "datasets"))


def shared_dataset(version: str, real_data_dir: Path) -> Path:
    """The folder of one version of the shared data (madewithml-2021-03 or -05), found beside the 2021-03 one."""
    folder = real_data_dir.parent / f"madewithml-{version}"
    if not folder.is_dir():
        folder = DATA_ROOT / f"madewithml-{version}"
    assert (folder / "projects.json").is_file(), f"{folder}: the shared {version} data is missing"
    return folder


def dbt_env(db_path: Path) -> dict[str, str]:
    """Environment for a command that runs dbt: its own target/ and logs beside the warehouse."""
    return {
        **os.environ,
        "TAGIFAI_DUCKDB_PATH": str(db_path),
        "DBT_PROFILES_DIR": str(REPO_ROOT),
        "DBT_TARGET_PATH": str(db_path.parent / "dbt_target"),
        "DBT_LOG_PATH": str(db_path.parent / "dbt_logs"),
    }


def run_build(db_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `tagifai-build` (load + dbt build on a staged copy, then publish) against `db_path`."""
    return subprocess.run(
        [str(BIN / "tagifai-build"), "--duckdb-path", str(db_path), *args],
        capture_output=True,
        text=True,
        env=env or dbt_env(db_path),
        check=False,
    )


def write_data(folder: Path, projects: object, tags: object | None = None, raw: bytes | None = None) -> Path:
    """Write projects.json (as JSON, or `raw` bytes) and tags.json into `folder`; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "projects.json"
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text(json.dumps(projects, ensure_ascii=False), encoding="utf-8")
    taxonomy = tags if tags is not None else [{"tag": "pytorch", "aliases": [], "parents": []}]
    (folder / "tags.json").write_text(json.dumps(taxonomy), encoding="utf-8")
    return folder


def copy_warehouse(source: Path, folder: Path) -> Path:
    """Copy a warehouse into `folder` under the same file name (DuckDB names the database after it)."""
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / source.name
    shutil.copyfile(source, dest)
    return dest


def dump(db_path: Path, exclude_columns: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every table and view of the warehouse as sorted rows (columns in `exclude_columns` left out)."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        relations = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database() order by all"
        ).fetchall()
        result = {}
        for schema, table in relations:
            columns = [
                name
                for (name,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                    "order by ordinal_position",
                    [schema, table],
                ).fetchall()
                if name not in exclude_columns
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            result[f"{schema}.{table}"] = con.execute(
                f'select {select} from "{schema}"."{table}" order by all'
            ).fetchall()
    return result


def taxonomy_with_a_repeated_alias(real_data_dir: Path, folder: Path) -> Path:
    """The 2021-05 data with an alias listed twice: the loader accepts it, a dbt source test (error) refuses it."""
    newer = shared_dataset("2021-05", real_data_dir)
    tags = json.loads((newer / "tags.json").read_text(encoding="utf-8"))
    tags[0]["aliases"] = ["same-alias", "same-alias"]
    folder.mkdir(parents=True)
    (folder / "tags.json").write_text(json.dumps(tags), encoding="utf-8")
    (folder / "projects.json").write_bytes((newer / "projects.json").read_bytes())
    return folder
