"""The main job's Python API: `build(warehouse, dbt_args, load=LoadOptions())`.

Load the sources, then `dbt build`, on one staged copy of the warehouse, published atomically only when
both succeed: readers never see new raw rows beside old marts. `make build` (tagifai-build) and Dagster's
dbt step call it; a plain `dbt build` takes the same staged publish through the dbt plugin.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from tagifai import settings
from tagifai.ingest.api import LoadOptions, load_into
from tagifai.pipeline.dbt_session import DbtBuild, environment
from tagifai.pipeline.labeling_check import check_labeling_functions
from tagifai.warehouse.staging import staged_write

log = logging.getLogger("tagifai.build")


def build(warehouse: Path, dbt_args: Sequence[str] = (), load: LoadOptions | None = None) -> None:
    """Load (`load`, None: nothing) and `dbt build` (with `dbt_args`) a staged copy of `warehouse`, then
    publish it. dbt parses the project while the load runs (dbt_session.py).

    Raises a TagifaiError (the warehouse unchanged) when the labeling functions, the load or dbt fail."""
    check_labeling_functions()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    # dbt must see this warehouse in its profile, from the parse on (the database is named after the file);
    # the profile is left as it is when it names it already, which keeps the saved partial parse valid.
    profile = {} if warehouse == settings.duckdb_path() else {settings.DUCKDB_PATH_ENV: str(warehouse)}
    with environment(**profile):
        dbt = DbtBuild(warehouse, list(dbt_args))
        dbt.start()
        with staged_write(warehouse) as stage:
            if load is not None:
                load_into(stage, load)
            dbt.db_path = stage
            dbt.run()
    log.info(f"published {warehouse}")
