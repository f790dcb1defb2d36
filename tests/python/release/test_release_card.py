"""The release's dataset card (README.md), its label-quality record in the manifest, and the optional
classifier gate, on a release of the real 2021-03 build."""

import json
import os
import subprocess
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from oracles.lesson_reference import labeled_projects
from support.commands import BIN
from tagifai.release.card import render_card

pytestmark = pytest.mark.dbt

SECTIONS = [
    "## Dataset summary",
    "## Dataset structure",
    "## Tag counts",
    "## Label quality",
    "## Labeling parameters",
    "## Provenance",
    "## Known limitations",
]


def release(db_path: Path, root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "tagifai-release"), "--release-dir", str(root), "release", "--duckdb-path", str(db_path), *args],
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ),
    )


@pytest.fixture(scope="module")
def released(real_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("card") / "releases"
    result = release(real_warehouse, root, "--version", "2021-03")
    assert result.returncode == 0, result.stderr
    return root / "2021-03"


def test_the_manifest_records_label_quality_as_built(released: Path, real_warehouse: Path) -> None:
    manifest = json.loads((released / "manifest.json").read_text())
    with duckdb.connect(str(real_warehouse), read_only=True) as con:
        relation = con.sql("select * from marts.label_quality")
        columns = relation.columns
        (row,) = relation.fetchall()
        by_tag = con.execute("select tag, classifier_f1 from marts.label_quality_by_tag").fetchall()
    built = dict(zip(columns, row, strict=True))
    quality = manifest["label_quality"]
    for name in ("classifier_micro_f1", "classifier_precision_at_1", "label_model_micro_f1", "n_label_issues_flagged"):
        assert quality[name] == pytest.approx(built[name])
    assert {tag: v["classifier_f1"] for tag, v in quality["by_tag"].items()} == pytest.approx(dict(by_tag))
    assert quality["time_split_n_test"] is None  # 2021-03 has no created_on
    # The gate is off by default: no classifier gate among the results.
    assert "classifier_micro_f1" not in {r["gate"] for r in manifest["gates"]["results"]}


def test_the_card_follows_the_dataset_card_sections_and_matches_the_data(released: Path, real_data_dir: Path) -> None:
    card = (released / "README.md").read_text()
    manifest = json.loads((released / "manifest.json").read_text())
    positions = [card.index(section) for section in SECTIONS]
    assert positions == sorted(positions)
    assert card.startswith("---\n")  # the Hub's YAML metadata block
    df, _ = labeled_projects(real_data_dir)
    counts = Counter(tag for tags in df.tags for tag in tags)
    for tag, count in counts.items():
        assert f"| {tag} | {count} |" in card
    assert f"{len(df)} machine-learning projects" in card
    assert f"{manifest['label_quality']['classifier_micro_f1']:.3f}" in card
    assert manifest["content_hash"] in card
    assert manifest["code"]["git_commit"] in card


def test_the_card_says_when_label_quality_was_not_measured(released: Path) -> None:
    manifest = json.loads((released / "manifest.json").read_text())
    manifest["label_quality"] = None
    card = render_card(manifest)
    assert "Not measured" in card
    assert all(section in card for section in SECTIONS)


def test_the_classifier_floor_gate(real_warehouse: Path, tmp_path: Path) -> None:
    refused = release(real_warehouse, tmp_path / "high", "--min-classifier-micro-f1", "0.99")
    assert refused.returncode == 1
    assert "gate classifier_micro_f1 failed" in refused.stderr
    assert not (tmp_path / "high").exists() or not any((tmp_path / "high").iterdir())
    passed = release(real_warehouse, tmp_path / "low", "--min-classifier-micro-f1", "0.5", "--version", "v1")
    assert passed.returncode == 0, passed.stderr
    results = json.loads((tmp_path / "low" / "v1" / "manifest.json").read_text())["gates"]["results"]
    (gate,) = [r for r in results if r["gate"] == "classifier_micro_f1"]
    assert gate["passed"] is True
