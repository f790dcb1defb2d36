"""Which tables a dataset parameter reaches. The on-run-end hook finds them from each model's code (macro
nodes_reading_dataset_parameters: a `_var('<name>'` call or a reading macro, then everything downstream),
and marts.build_parameters marks a table stale from that. Checked here against what dbt itself renders: a
model whose compiled SQL changes when the parameters change must be one the build records as reading them."""

import shutil
from pathlib import Path

import duckdb

from support.commands import run_dbt

# Every dataset parameter (macro dataset_parameters) away from its default.
OTHER_PARAMETERS = "{min_tag_freq: 20, resolve_aliases: true, expand_parents: true, max_parent_depth: 2}"


def _compiled_models(warehouse: Path, *args: str) -> dict[str, str]:
    """{node name: compiled code} of the models and snapshots (not the tests) after `dbt compile`."""
    run_dbt(warehouse, "compile", *args)
    root = warehouse.parent / "dbt_target" / "compiled" / "tagifai"
    found = {}
    for path in root.rglob("*"):
        parts = path.relative_to(root).parts
        is_test = any(part.endswith(".yml") for part in parts) or parts[0] == "tests"
        if path.is_file() and path.suffix in (".sql", ".py") and parts[0] in ("models", "snapshots") and not is_test:
            found[path.stem] = path.read_text(encoding="utf-8")
    return found


def test_every_model_the_parameters_change_is_recorded_as_reading_them(real_warehouse: Path, tmp_path: Path) -> None:
    copies = []
    for name in ("defaults", "other"):
        (tmp_path / name).mkdir()
        copies.append(Path(shutil.copy(real_warehouse, tmp_path / name / real_warehouse.name)))
    at_defaults = _compiled_models(copies[0])
    at_other = _compiled_models(copies[1], "--vars", OTHER_PARAMETERS)
    assert at_defaults.keys() == at_other.keys()
    changed = {name for name in at_defaults if at_defaults[name] != at_other[name]}
    with duckdb.connect(str(real_warehouse), read_only=True) as con:
        readers = {
            name
            for (name,) in con.execute(
                "select node_name from build_log.model_parameters where reads_dataset_parameters"
            ).fetchall()
        }
    assert {"labeled_projects", "tag_frequencies", "tag_threshold_sweep"} <= changed
    assert changed <= readers, f"the parameters change these models, not recorded as reading them: {changed - readers}"
