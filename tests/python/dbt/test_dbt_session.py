"""tagifai-build runs dbt in its own process and parses the project while the load runs: which `dbt build`
options the parse must see, and what a failed parse or build says."""

from pathlib import Path

from support.loading_helpers import copy_warehouse, dump, run_build
from tagifai.pipeline.dbt_session import parse_args


def test_parse_gets_the_options_that_shape_the_manifest_and_not_the_selection() -> None:
    build_args = [
        "--selector",
        "labeled_dataset",
        "--vars",
        '{"min_tag_freq": 60}',
        "--target-path=/tmp/target",
        "-t",
        "duckdb",
        "--select",
        "labeled_projects+",
        "--no-partial-parse",
        "--log-path",
        "/tmp/logs",
        "--fail-fast",
    ]
    assert parse_args(build_args) == [
        "--vars",
        '{"min_tag_freq": 60}',
        "--target-path=/tmp/target",
        "-t",
        "duckdb",
        "--no-partial-parse",
        "--log-path",
        "/tmp/logs",
    ]


def test_no_options_means_a_plain_parse() -> None:
    assert parse_args([]) == []
    assert parse_args(["--select", "tag_frequencies", "--exclude", "lf_votes"]) == []


def test_an_option_missing_its_value_is_passed_on_for_dbt_to_report() -> None:
    assert parse_args(["--vars"]) == ["--vars"]


def test_a_wrong_dbt_option_is_named_and_the_published_warehouse_stays(
    real_warehouse: Path, real_data_dir: Path, tmp_path: Path
) -> None:
    db_path = copy_warehouse(real_warehouse, tmp_path / "w")
    before = dump(db_path)
    result = run_build(db_path, "--data-dir", str(real_data_dir), "--", "--no-such-dbt-option")
    assert result.returncode == 1
    assert "dbt build failed (No such option '--no-such-dbt-option'.): nothing published" in result.stderr
    assert "the published warehouse is unchanged" in result.stderr
    assert dump(db_path) == before
