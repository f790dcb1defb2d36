"""Alias resolution and parent expansion (dbt vars, off by default) equal an independent Python reading
of them on the real data, and leave labeled_projects exactly the lesson's when off."""

import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from oracles.lesson_reference import EXCLUDE
from oracles.lesson_reference import labeled_projects as lesson_labeled_projects
from oracles.taxonomy_reference import labeled_projects as reference_labeled_projects
from support.commands import BIN, REPO_ROOT, run_dbt
from support.loading_helpers import dbt_env

# Everything that reads the two vars, and what depends on it.
OPTION_MODELS = ["int_tag_ancestors_expanded+", "int_project_tags_resolved+"]


def _labels(db_path: Path) -> dict[int, list[str]]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return dict(con.execute("select id, tags from marts.labeled_projects").fetchall())


def test_defaults_are_the_lesson(real_warehouse: Path, real_data_dir: Path) -> None:
    df, _ = lesson_labeled_projects(real_data_dir, 30)
    lesson = {int(row.id): list(row.tags) for row in df.itertuples()}
    assert reference_labeled_projects(real_data_dir) == lesson
    assert _labels(real_warehouse) == lesson


def test_options_are_off_by_default(query) -> None:
    rows = query(
        "select tag_source, count(*) from intermediate.int_project_tags_expanded group by tag_source order by 1"
    )
    assert [source for source, _ in rows] == ["author"]


@pytest.mark.parametrize(
    ("resolve_aliases", "expand_parents"),
    [(True, False), (False, True), (True, True)],
    ids=["resolve_aliases", "expand_parents", "both"],
)
def test_options_match_the_reference_on_real_data(
    real_warehouse: Path,
    real_data_dir: Path,
    tmp_path: Path,
    resolve_aliases: bool,
    expand_parents: bool,
) -> None:
    db_path = tmp_path / "options.duckdb"
    shutil.copyfile(real_warehouse, db_path)
    flags = f"{{resolve_aliases: {str(resolve_aliases).lower()}, expand_parents: {str(expand_parents).lower()}}}"
    run_dbt(db_path, "build", "--select", *OPTION_MODELS, "--exclude", "test_type:unit", "--vars", flags)
    expected = reference_labeled_projects(real_data_dir, resolve_aliases=resolve_aliases, expand_parents=expand_parents)
    actual = _labels(db_path)
    baseline = _labels(real_warehouse)
    assert actual == expected
    assert len(actual) > len(baseline)  # each option labels projects the lesson drops
    assert sum(map(len, actual.values())) > sum(map(len, baseline.values()))


def test_editing_the_excluded_tags_seed_changes_the_labels(
    real_warehouse: Path, real_data_dir: Path, tmp_path: Path
) -> None:
    """README: the generic tags live in seeds/excluded_tags.csv, which people edit. Here python is no longer
    excluded (it is used far more than 30 times) and pytorch is; a build gives the lesson's labels with
    that list."""
    project = tmp_path / "project"
    for name in ("models", "macros", "seeds", "snapshots", "tests"):
        shutil.copytree(REPO_ROOT / name, project / name, ignore=shutil.ignore_patterns("python", "__pycache__"))
    for name in ("dbt_project.yml", "profiles.yml", "selectors.yml"):
        shutil.copy(REPO_ROOT / name, project / name)
    seed = project / "seeds" / "excluded_tags.csv"
    lines = [line for line in seed.read_text(encoding="utf-8").splitlines() if not line.startswith("python,")]
    seed.write_text("\n".join([*lines, "pytorch,a framework rather than a topic", ""]), encoding="utf-8")
    exclude = [tag for tag in EXCLUDE if tag != "python"] + ["pytorch"]

    db_path = tmp_path / "tagifai.duckdb"
    shutil.copy(real_warehouse, db_path)
    built = subprocess.run(
        [str(BIN / "dbt"), "build", "--selector", "labeled_dataset", "--project-dir", str(project)],
        capture_output=True,
        text=True,
        env={**dbt_env(db_path), "DBT_PROFILES_DIR": str(project)},
        cwd=project,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-4000:]
    df, kept = lesson_labeled_projects(real_data_dir, 30, exclude=exclude)
    expected = {int(row.id): list(row.tags) for row in df.itertuples()}
    assert "python" in kept and "pytorch" not in kept
    assert _labels(db_path) == expected
    assert _labels(db_path) != _labels(real_warehouse)
