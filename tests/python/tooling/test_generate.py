"""The generator writes valid JSON of any size with the real data's shape: unique ids that tell the
record's position, the real tag lists (so tag frequencies scale exactly), and optional created_on."""

import json
from collections import Counter
from pathlib import Path

import pytest

from generate import generate, read_shape, records, scaled_min_tag_freq


def _tag_counts(projects: list[dict]) -> Counter:
    return Counter(tag for project in projects for tag in project["tags"])


@pytest.fixture(scope="module")
def real_projects(real_data_dir: Path) -> list[dict]:
    return json.loads((real_data_dir / "projects.json").read_text(encoding="utf-8"))


def test_whole_blocks_scale_every_tag_frequency_exactly(real_data_dir: Path, real_projects, tmp_path: Path) -> None:
    n_real = len(real_projects)
    out = generate(real_data_dir, tmp_path, 3 * n_real, seed=1)
    projects = json.loads(out.read_text(encoding="utf-8"))
    assert len(projects) == 3 * n_real
    assert [p["id"] for p in projects] == list(range(1, 3 * n_real + 1))
    real = _tag_counts(real_projects)
    assert _tag_counts(projects) == Counter({tag: 3 * n for tag, n in real.items()})
    assert Counter(len(p["tags"]) for p in projects) == Counter(
        {k: 3 * v for k, v in Counter(len(p["tags"]) for p in real_projects).items()}
    )
    real_titles = {p["title"] for p in real_projects}
    assert all(p["title"] in real_titles for p in projects)
    assert (tmp_path / "tags.json").read_bytes() == (real_data_dir / "tags.json").read_bytes()


def test_scaled_threshold_keeps_the_real_tags(real_data_dir: Path, real_projects) -> None:
    n_real = len(real_projects)
    n_projects = 40 * n_real + 777  # a partial last block
    shape = read_shape(real_data_dir)
    counts: Counter = Counter()
    for block in records(shape, n_projects, seed=3, id_start=1, created_on=False):
        assert len(block) <= n_real  # memory holds one block at a time
        counts.update(tag for record in block for tag in json.loads(record)["tags"])
    threshold = scaled_min_tag_freq(n_projects, n_real)
    real = _tag_counts(real_projects)
    assert {t for t, n in counts.items() if n >= threshold} == {t for t, n in real.items() if n >= 30}


def test_json_lines_and_created_on(real_data_dir: Path, tmp_path: Path) -> None:
    out = generate(real_data_dir, tmp_path, 500, created_on=True, json_lines=True)
    assert out.name == "projects.jsonl"
    projects = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(projects) == 500
    stamps = [p["created_on"] for p in projects]
    assert stamps == sorted(stamps) and stamps[0].startswith("2020-02-17")
    assert all(len(s) == 19 and s[4] == "-" and s[13] == ":" for s in stamps)
