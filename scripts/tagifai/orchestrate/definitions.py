"""The Dagster code location of tagifai (pyproject.toml [tool.dagster] points here).

`dagster dev` finds it from the repository root with no flags; `make orchestrate` (serve.py) starts a code
server on it, and the UI and the daemon on 127.0.0.1.
"""

from dagster import AssetSelection, Definitions, define_asset_job

from tagifai.orchestrate.assets import (
    dataset_release,
    dbt_build,
    label_studio_pull,
    label_studio_push,
    load,
    projects_file,
    tags_file,
)
from tagifai.orchestrate.config import WorkflowConfig
from tagifai.orchestrate.dbt_project import dbt_resource, prepare_manifest
from tagifai.orchestrate.sensors import (
    build_schedule,
    ready_for_modeling_sensor,
    ready_to_annotate_sensor,
    source_files_sensor,
    sources_fresh_sensor,
)

CONFIG = WorkflowConfig.from_env()

build_job = define_asset_job(
    "build",
    selection=AssetSelection.assets(label_studio_pull, load, dbt_build),
    description="Pull annotations (when Label Studio is configured), load, and dbt build on a staged copy, "
    "published only when every node succeeded.",
)
daily_job = define_asset_job(
    "daily",
    selection=AssetSelection.assets(label_studio_pull, load, dbt_build, dataset_release),
    description="The build, then a release of the dataset when its gates pass.",
)
release_job = define_asset_job(
    "release", selection=AssetSelection.assets(dataset_release), description="Release the published dataset."
)
annotate_job = define_asset_job(
    "annotate",
    selection=AssetSelection.assets(label_studio_push),
    description="Push new projects, tag suggestions and disagreements to Label Studio as tasks.",
)

defs = Definitions(
    assets=[projects_file, tags_file, label_studio_pull, load, dbt_build, dataset_release, label_studio_push],
    jobs=[build_job, daily_job, release_job, annotate_job],
    schedules=[build_schedule(daily_job, CONFIG)],
    sensors=[
        source_files_sensor(build_job),
        ready_to_annotate_sensor(annotate_job),
        ready_for_modeling_sensor(release_job),
        # The freshness rules of the sources YAML, as the manifest the dbt assets load resolves them.
        sources_fresh_sensor(prepare_manifest()),
    ],
    resources={"dbt": dbt_resource()},
)
