"""tagifai-build parses the project while the load runs: which `dbt build` options the parse must see."""

from tagifai.dbt_session import parse_args


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
