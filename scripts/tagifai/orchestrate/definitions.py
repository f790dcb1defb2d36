"""The Dagster code location of tagifai (pyproject.toml [tool.dagster] points here).

`dagster asset list` and `dagster dev` work from the repository root with no flags; `make orchestrate`
starts the UI and the daemon on 127.0.0.1.
"""

from dagster import AssetSelection, Definitions, define_asset_job

from tagifai.orchestrate.assets import dbt_build, load, projects_file, tags_file
from tagifai.orchestrate.config import WorkflowConfig
from tagifai.orchestrate.dbt_project import dbt_resource
from tagifai.orchestrate.sensors import (
    build_schedule,
    source_files_sensor,
)

CONFIG = WorkflowConfig.from_env()

build_job = define_asset_job(
    "build",
    selection=AssetSelection.assets(load, dbt_build),
    description="Load the source files and run dbt build on a staged copy, published when every node succeeded.",
)

defs = Definitions(
    assets=[projects_file, tags_file, load, dbt_build],
    jobs=[build_job],
    schedules=[build_schedule(build_job, CONFIG)],
    sensors=[source_files_sensor(build_job)],
    resources={"dbt": dbt_resource()},
)
