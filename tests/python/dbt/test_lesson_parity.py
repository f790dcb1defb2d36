"""The final table equals the lesson's pandas algorithm: on the real data and on generated data."""

from pathlib import Path

import duckdb
import pytest

from oracles.lesson_reference import labeled_projects as lesson_labeled_projects
from support.commands import run_dbt, run_loader
from support.synthetic import write_dataset


def _warehouse_rows(db_path: Path) -> dict[int, tuple[str, list[str]]]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute("select id, text, tags from marts.labeled_projects").fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def _lesson_rows(data_dir: Path, min_tag_freq: int) -> dict[int, tuple[str, list[str]]]:
    df, _ = lesson_labeled_projects(data_dir, min_tag_freq)
    return {int(row.id): (row.text, list(row.tags)) for row in df.itertuples()}


def test_real_data_gives_the_lessons_counts(query) -> None:
    assert query("select count(*) from marts.labeled_projects") == [(1444,)]
    assert query("select count(*) from marts.tag_frequencies where is_kept") == [(35,)]


def test_real_data_top_five_tags(query) -> None:
    top = query("select tag, frequency from marts.tag_frequencies order by frequency desc, tag limit 5")
    assert top == [
        ("natural-language-processing", 424),
        ("computer-vision", 388),
        ("pytorch", 258),
        ("tensorflow", 213),
        ("transformers", 196),
    ]


@pytest.mark.parametrize(
    ("tag", "frequency", "is_kept"),
    [
        ("time-series", 34, True),
        ("flask", 34, True),
        ("node-classification", 33, True),
        ("question-answering", 32, True),
        ("pretraining", 30, True),
        ("model-compression", 29, False),
        ("fastai", 29, False),
        ("graph-classification", 29, False),
        ("recurrent-neural-networks", 28, False),
        ("adversarial-learning", 28, False),
    ],
)
def test_real_data_tags_at_the_edge_of_the_cut(query, tag: str, frequency: int, is_kept: bool) -> None:
    assert query("select frequency, is_kept from marts.tag_frequencies where tag = ?", [tag]) == [(frequency, is_kept)]


def test_real_data_matches_the_lesson_row_by_row(real_warehouse: Path, real_data_dir: Path) -> None:
    expected = _lesson_rows(real_data_dir, 30)
    actual = _warehouse_rows(real_warehouse)
    assert actual.keys() == expected.keys()
    mismatches = [project_id for project_id in expected if actual[project_id] != expected[project_id]]
    assert mismatches == []


def test_text_is_built_without_trimming(query) -> None:
    padded = query("select count(*) from marts.labeled_projects where title <> trim(title)")[0][0]
    assert padded > 0  # the real data has padded titles; they must reach `text` untouched
    assert query("select count(*) from marts.labeled_projects where text <> title || ' ' || description") == [(0,)]


@pytest.fixture(scope="module")
def synthetic_warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = write_dataset(tmp_path_factory.mktemp("synthetic-data"), n_projects=3000, seed=7)
    db_path = tmp_path_factory.mktemp("synthetic") / "tagifai.duckdb"
    result = run_loader(db_path, "--data-dir", str(folder))
    assert result.returncode == 0, result.stderr
    run_dbt(db_path, "seed")
    return folder, db_path


@pytest.mark.parametrize("min_tag_freq", [1, 30, 150, 400])
def test_generated_data_matches_the_lesson_at_several_thresholds(
    synthetic_warehouse: tuple[Path, Path], min_tag_freq: int
) -> None:
    folder, db_path = synthetic_warehouse
    run_dbt(db_path, "build", "--vars", f"{{min_tag_freq: {min_tag_freq}}}", "--exclude", "resource_type:seed")
    expected = _lesson_rows(folder, min_tag_freq)
    actual = _warehouse_rows(db_path)
    assert len(expected) > 0
    assert actual == expected
