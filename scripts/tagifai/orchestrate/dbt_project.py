"""The dbt project as Dagster sees it: its manifest, the asset keys of its nodes, and the dbt executable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import AssetKey
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject

from tagifai import settings
from tagifai.errors import TagifaiError

ROOT = settings.PROJECT_ROOT
# The venv's dbt, whatever PATH holds: dagster-dbt would otherwise run the first `dbt` on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")
# Dagster's own target folder, apart from the one `make build` and plain dbt commands use.
TARGET = Path("target") / "dagster"
# The selector `make build` uses on DuckDB (selectors.yml): the Dagster build runs exactly the same nodes.
SELECTOR = "every_build"

PROJECT = DbtProject(project_dir=ROOT, profiles_dir=ROOT, target_path=TARGET)


class TagifaiTranslator(DagsterDbtTranslator):
    """Sources are the loader's tables, keyed raw/<table>; models keep dbt-dagster's <schema>/<model>."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return AssetKey(["raw", dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        # One group per layer (staging, intermediate, marts, seeds, snapshots): the graph reads top-down.
        path = dbt_resource_props.get("fqn", [])
        if dbt_resource_props["resource_type"] in ("seed", "snapshot"):
            return f"{dbt_resource_props['resource_type']}s"
        return path[1] if len(path) > 2 else "dbt"


TRANSLATOR = TagifaiTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


PROJECT_FILES = ("dbt_project.yml", "selectors.yml", "profiles.yml")
PROJECT_FOLDERS = ("models", "macros", "tests", "seeds", "snapshots", "analyses")


def _newest_project_file() -> float:
    """When the dbt project last changed: the newest modification time of its files."""
    times = [(ROOT / name).stat().st_mtime for name in PROJECT_FILES if (ROOT / name).exists()]
    for folder in PROJECT_FOLDERS:
        times.extend(path.stat().st_mtime for path in (ROOT / folder).rglob("*") if path.is_file())
    return max(times, default=0.0)


def prepare_manifest(force: bool = False) -> Path:
    """`dbt parse` into target/dagster when the manifest is missing, older than a project file (a model,
    test or YAML edited since), or asked: the definitions (assets, checks, freshness rules) come from it."""
    manifest = PROJECT.manifest_path
    if manifest.exists() and not force and manifest.stat().st_mtime >= _newest_project_file():
        return manifest
    command = [DBT_EXECUTABLE, "parse", "--quiet", "--project-dir", str(ROOT), "--profiles-dir", str(ROOT)]
    command += ["--target-path", str(ROOT / TARGET)]
    result = subprocess.run(command, capture_output=True, text=True, check=False, env={**os.environ})
    if result.returncode != 0 or not manifest.exists():
        raise TagifaiError(f"dbt parse for Dagster failed (exit {result.returncode}): {result.stdout[-2000:]}")
    return manifest


def source_keys(manifest: Path) -> list[AssetKey]:
    """The asset keys of the dbt sources: the tables the load step writes."""
    sources = json.loads(manifest.read_text())["sources"].values()
    return sorted({TRANSLATOR.get_asset_key(source) for source in sources}, key=lambda key: key.path)


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=PROJECT, profiles_dir=str(ROOT), dbt_executable=DBT_EXECUTABLE)
