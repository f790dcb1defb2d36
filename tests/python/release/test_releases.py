"""Dataset releases end to end: gates, manifest, load() against the lesson, hash stability, tampering, the
2021-03 -> 2021-05 diff, kills mid-release, concurrent releases and hostile names."""

import csv
import hashlib
import json
import os
import shutil
import signal
import subprocess
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from release.helpers import copy_db, independent_content_hash, parquet_rows, release

from oracles.lesson_reference import labeled_projects
from support.commands import BIN, REPO_ROOT, run_dbt
from tagifai.dataset import load, manifest, versions
from tagifai.pause import PAUSE_ENV
from tagifai.release.publish import RELEASE_STAGES
from tagifai.release.store import AUTHOR_TAGS_FILE, DATA_FILE, ReleaseError, content_hash

pytestmark = pytest.mark.dbt

# The tests of the real warehouse's build that warn: the generated annotations disagree on purpose, and the
# shipped data's known problems are reviewed in seeds.
WARNED_2021_03 = ["assert_tag_discrepancy_within_max"]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _data_tests_in_a_default_build(db_path: Path) -> int:
    """How many data tests a plain `dbt build` runs (selector every_build), as dbt lists them."""
    listed = run_dbt(
        db_path, "ls", "--quiet", "--selector", "every_build", "--resource-type", "test", "--output", "name"
    )
    names = listed.stdout.split()
    assert names and len(set(names)) == len(names), listed.stdout[-2000:]
    return len(names)


def test_load_equals_the_lesson_on_2021_03_row_by_row(
    releases_dir: Path, real_data_dir: Path, real_warehouse: Path, tmp_path: Path
) -> None:
    df = load("2021-03", releases_dir)
    expected, counts = labeled_projects(real_data_dir)
    expected = expected.sort_values("id")
    assert list(df.columns) == ["id", "title", "description", "text", "tags"]
    got = [(r.id, r.title, r.description, r.text, r.tags) for r in df.itertuples()]
    want = [(int(r.id), r.title, r.description, r.text, list(r.tags)) for r in expected.itertuples()]
    assert got == want
    assert all(type(tags) is list for tags in df.tags)
    meta = manifest("2021-03", releases_dir)
    assert meta["row_count"] == len(want) == 1444
    assert meta["tag_counts"] == dict(counts)
    assert meta["labeling"]["min_tag_freq"] == 30
    assert sorted(meta["labeling"]["excluded_tags"]) == sorted(
        ["machine-learning", "deep-learning", "data-science", "neural-networks", "python", "r", "visualization"]
    )
    assert [(item["source"], item["uri"], item["sha256"]) for item in meta["inputs"]] == [
        (name, str(real_data_dir / f"{name}.json"), _sha256(real_data_dir / f"{name}.json"))
        for name in ("projects", "tags")
    ]
    assert [w["test"] for w in meta["build"]["warnings"]] == WARNED_2021_03
    n_tests = _data_tests_in_a_default_build(copy_db(real_warehouse, tmp_path / "ls"))
    assert meta["build"]["tests"] == {"pass": n_tests - len(WARNED_2021_03), "warn": len(WARNED_2021_03)}


def test_load_latest_and_created_on_when_present(releases_dir: Path, data_2021_05: Path) -> None:
    assert versions(releases_dir) == ["2021-03", "2021-05"]
    df = load(release_dir_path=releases_dir)
    expected, _ = labeled_projects(data_2021_05)
    created_on = {
        p["id"]: p["created_on"] for p in json.loads((data_2021_05 / "projects.json").read_text(encoding="utf-8"))
    }
    assert sorted(df.id) == sorted(int(i) for i in expected.id)
    assert {row.id: row.created_on.strftime("%Y-%m-%d %H:%M:%S") for row in df.itertuples()} == {
        project_id: created_on[project_id] for project_id in df.id
    }


def test_same_content_is_a_no_op_and_a_rebuild_gives_the_same_hash(
    releases_dir: Path, real_warehouse: Path, warehouse_threshold_20: Path, real_data_dir: Path, tmp_path: Path
) -> None:
    again = release(real_warehouse, releases_dir, "--version", "other-name")
    assert again.returncode == 0, again.stderr
    assert "already released as 2021-03" in again.stdout
    assert versions(releases_dir) == ["2021-03", "2021-05"]

    rebuilt = copy_db(real_warehouse, tmp_path / "rebuilt")
    run_dbt(rebuilt, "build", "--selector", "labeled_dataset", "--full-refresh")
    fresh = tmp_path / "fresh"
    assert release(rebuilt, fresh).returncode == 0
    assert manifest(None, fresh)["content_hash"] == manifest("2021-03", releases_dir)["content_hash"]

    result = release(warehouse_threshold_20, fresh)
    assert result.returncode == 0, result.stderr
    changed = manifest(None, fresh)
    assert changed["labeling"]["min_tag_freq"] == 20
    assert changed["content_hash"] != manifest("2021-03", releases_dir)["content_hash"]
    expected, _ = labeled_projects(real_data_dir, min_tag_freq=20)
    assert changed["row_count"] == len(expected)


def test_a_failing_error_test_blocks_the_release(real_warehouse: Path, tmp_path: Path) -> None:
    broken = copy_db(real_warehouse, tmp_path / "broken")
    with duckdb.connect(str(broken)) as con:
        con.execute("insert into raw.projects select * from raw.projects order by id limit 1")  # duplicate id
    assert run_dbt(broken, "test", "--select", "source:madewithml.projects", check=False).returncode != 0
    root = tmp_path / "releases"
    result = release(broken, root)
    assert result.returncode == 1
    assert "gate no_error_test_failed failed" in result.stderr
    assert "source_primary_key_madewithml_projects_id" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert versions(root) == [] and not any(root.glob("*/"))


@pytest.mark.parametrize(
    ("args", "env", "gate"),
    [
        (["--min-tags-kept", "36"], {}, "tags_kept"),
        ([], {"TAGIFAI_RELEASE_MIN_LABELED_SHARE": "0.8"}, "labeled_share"),
        (["--max-annotator-discrepancy", "0.01"], {}, "annotator_discrepancy"),
    ],
)
def test_a_failing_gate_blocks_the_release(real_warehouse: Path, tmp_path: Path, args, env, gate) -> None:
    root = tmp_path / "releases"
    result = release(real_warehouse, root, *args, env=env)
    assert result.returncode == 1
    assert f"gate {gate} failed" in result.stderr
    assert versions(root) == [] and not any(root.glob("*/"))


def test_a_tampered_or_incomplete_release_is_refused(releases_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(releases_dir / "2021-03", root / "2021-03")
    data = root / "2021-03" / DATA_FILE
    with duckdb.connect() as con:  # one label changed, file rewritten as a valid Parquet
        con.read_parquet(str(data)).create_view("r")
        con.sql(
            "select id, title, description, text, case when id = 445 then ['nlp'] else tags end as tags, "
            "created_on from r order by id"
        ).write_parquet(str(tmp_path / "t.parquet"))
    shutil.copyfile(tmp_path / "t.parquet", data)
    with pytest.raises(ReleaseError, match="sha256"):
        load("2021-03", root)
    # The manifest's file hash updated too: the rows' content hash still catches it.
    meta_path = root / "2021-03" / "manifest.json"
    meta = json.loads(meta_path.read_text())
    meta["files"][DATA_FILE]["sha256"] = hashlib.sha256(data.read_bytes()).hexdigest()
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(ReleaseError, match="content hash"):
        load("2021-03", root)
    shutil.copytree(releases_dir / "2021-03", root / "cut")
    (root / "cut" / "manifest.json").unlink()
    assert "cut" not in versions(root)
    with pytest.raises(ReleaseError, match="no manifest"):
        load("cut", root)


def test_the_diff_2021_03_to_2021_05(releases_dir: Path, real_data_dir: Path, data_2021_05: Path) -> None:
    result = subprocess.run(
        [str(BIN / "tagifai-release"), "--release-dir", str(releases_dir), "diff", "2021-03", "2021-05", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    diff = json.loads(result.stdout)
    # Expected, independently: the lesson's algorithm and the raw JSON files.
    old_df, old_counts = labeled_projects(real_data_dir)
    new_df, new_counts = labeled_projects(data_2021_05)
    old, new = dict(zip(old_df.id, old_df.tags, strict=True)), dict(zip(new_df.id, new_df.tags, strict=True))
    assert diff["projects_added"] == sorted(int(i) for i in new.keys() - old.keys())
    assert diff["projects_removed"] == sorted(int(i) for i in old.keys() - new.keys())
    assert diff["tags_changed"] == [
        {"id": int(i), "before": list(old[i]), "after": list(new[i])}
        for i in sorted(old.keys() & new.keys())
        if list(old[i]) != list(new[i])
    ]
    deltas = {t: new_counts[t] - old_counts[t] for t in set(old_counts) | set(new_counts)}
    assert diff["tag_count_deltas"] == {t: d for t, d in sorted(deltas.items()) if d}
    raw_old = {p["id"]: p["tags"] for p in json.loads((real_data_dir / "projects.json").read_text())}
    raw_new = {p["id"]: p["tags"] for p in json.loads((data_2021_05 / "projects.json").read_text())}
    corrected = sorted(i for i in raw_old if raw_old[i] != raw_new.get(i))
    assert len(corrected) == 4
    assert [(c["id"], c["removed"], c["added"]) for c in diff["author_tags_changed"]] == [
        (i, ["reproducability"], ["reproducibility"]) for i in corrected
    ]
    assert len(diff["created_on_changed"]) == len(new)  # 2021-05 adds created_on to every project


def _kill_at(stage: str, command: list[str]) -> None:
    process = subprocess.Popen(
        command,
        env={**os.environ, PAUSE_ENV: stage},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    line = process.stderr.readline()
    try:
        assert line.strip() == f"tagifai: paused at {stage}", line + process.stderr.read()
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.mark.parametrize("stage", RELEASE_STAGES)
def test_a_release_killed_at_any_stage_leaves_nothing_load_accepts(
    real_warehouse: Path, tmp_path: Path, stage: str
) -> None:
    root = tmp_path / "releases"
    command = [
        str(BIN / "tagifai-release"),
        "--release-dir",
        str(root),
        "release",
        "--duckdb-path",
        str(real_warehouse),
        "--version",
        "v1",
    ]
    _kill_at(stage, command)
    if stage == "release-renamed":  # renamed: complete, and verified as such
        assert load("v1", root).shape[0] == 1444
    else:
        assert versions(root) == []
        with pytest.raises(ReleaseError):
            load(None, root)
        with pytest.raises(ReleaseError):
            load("v1", root)
    assert release(real_warehouse, root, "--version", "v1").returncode == 0
    assert len(load("v1", root)) == 1444
    assert not list(root.glob(".partial-*"))


def test_two_releases_at_once_one_waits_out(real_warehouse: Path, tmp_path: Path) -> None:
    root = tmp_path / "releases"
    first = subprocess.Popen(
        [str(BIN / "tagifai-release"), "--release-dir", str(root), "release", "--duckdb-path", str(real_warehouse)],
        env={**os.environ, PAUSE_ENV: "release-locked"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert "paused at release-locked" in first.stderr.readline()
        second = release(real_warehouse, root)
        assert second.returncode == 1
        assert "another tagifai-release is writing a release here" in second.stderr
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()


@pytest.mark.parametrize("version", ["../escape", "a/b", "..", ".hidden", "x" * 65, "v1\n", "a b", "-rf"])
def test_a_hostile_version_is_refused(real_warehouse: Path, tmp_path: Path, version: str) -> None:
    root = tmp_path / "releases"
    result = release(real_warehouse, root, f"--version={version}")
    assert result.returncode == 1 and "is not allowed" in result.stderr
    assert not (tmp_path / "escape").exists() and versions(root) == []
    with pytest.raises(ReleaseError, match="not allowed"):
        load(version, root)


def test_a_release_folder_that_is_a_link_is_refused(releases_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "releases"
    root.mkdir()
    (root / "linked").symlink_to(releases_dir / "2021-03")
    assert versions(root) == []
    with pytest.raises(ReleaseError, match="not a link"):
        load("linked", root)


def test_a_release_dir_with_quotes_works(real_warehouse: Path, tmp_path: Path) -> None:
    root = tmp_path / 'it\'s a "dir"; drop table x'
    assert release(real_warehouse, root, "--version", "q").returncode == 0
    assert AUTHOR_TAGS_FILE in manifest("q", root)["files"]
    assert Counter(tag for tags in load("q", root).tags for tag in tags) == Counter(manifest("q", root)["tag_counts"])


def _diff_analysis(releases_root: Path, before: str, after: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """The rows of analyses/release_diff.sql for (before, after), compiled by dbt and run on DuckDB."""
    monkeypatch.setenv("TAGIFAI_RELEASE_DIR", str(releases_root))
    db_path = tmp_path / "compile" / "tagifai.duckdb"
    db_path.parent.mkdir(parents=True, exist_ok=True)
    run_dbt(db_path, "compile", "--select", "release_diff", "--vars", json.dumps({"before": before, "after": after}))
    compiled = db_path.parent / "dbt_target" / "compiled" / "tagifai" / "analyses" / "release_diff.sql"
    with duckdb.connect() as con:
        relation = con.sql(compiled.read_text())
        columns = relation.columns
        return [dict(zip(columns, row, strict=True)) for row in relation.fetchall()]


def _cli_diff(releases_root: Path, before: str, after: str) -> dict:
    result = subprocess.run(
        [str(BIN / "tagifai-release"), "--release-dir", str(releases_root), "diff", before, after, "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def _as_cli_diff(rows: list[dict], before: str, after: str) -> dict:
    """The analysis' rows in the shape of `tagifai-release diff --json`."""

    def ids(change: str) -> list[int]:
        return [row["project_id"] for row in rows if row["change"] == change]

    return {
        "before": before,
        "after": after,
        "projects_added": ids("project_added"),
        "projects_removed": ids("project_removed"),
        "tags_changed": [
            {"id": row["project_id"], "before": row["before_tags"], "after": row["after_tags"]}
            for row in rows
            if row["change"] == "tags_changed"
        ],
        "text_changed": ids("text_changed"),
        "created_on_changed": ids("created_on_changed"),
        "author_tags_changed": [
            {
                "id": row["project_id"],
                "removed": row["tags_removed"],
                "added": row["tags_added"],
                "labels_changed": row["labels_changed"],
            }
            for row in rows
            if row["change"] == "author_tags_changed"
        ],
        "tags_added": [row["tag"] for row in rows if row["change"] == "tag_added"],
        "tags_dropped": [row["tag"] for row in rows if row["change"] == "tag_dropped"],
        "tag_count_deltas": {
            row["tag"]: row["count_delta"]
            for row in sorted(rows, key=lambda row: row["tag"] or "")
            if row["change"] in ("tag_added", "tag_dropped", "tag_count_changed")
        },
    }


def _edited_release(source: Path, root: Path, version: str) -> None:
    """A valid release `version` under `root`: release `source` with projects removed, added and relabeled,
    a tag dropped and a new one, text and author tags changed; its manifest rewritten to match."""
    folder = root / version
    shutil.copytree(source, folder)
    data, authored = folder / DATA_FILE, folder / AUTHOR_TAGS_FILE
    with duckdb.connect() as con:
        con.read_parquet(str(data)).create_view("r")
        con.read_parquet(str(authored)).create_view("a")
        edited = con.sql(
            """
            select id, title, description,
                case when id = (select max(id) from r) then text || ' (edited)' else text end as text,
                case
                    when list_contains(tags, 'natural-language-processing')
                        then list_filter(tags, lambda t: t <> 'natural-language-processing') || ['brand-new']
                    when id = (select max(id) from r) then list_reverse(tags)
                    else tags
                end as tags,
                created_on
            from r
            where id not in (select id from r order by id limit 3)
            union all
            select id + 1000000, title, description, text, tags, created_on from r where id = (select max(id) from r)
            """
        )
        edited = edited.filter("len(tags) > 0").order("id")
        edited.write_parquet(str(tmp := folder / "edited.parquet"))
        con.sql(
            "select id, case when id % 7 = 0 then tags || ['extra'] else tags end as tags from a order by id"
        ).write_parquet(str(tmp_authored := folder / "edited_authored.parquet"))
        os.replace(tmp, data)
        os.replace(tmp_authored, authored)
        con.read_parquet(str(data)).create_view("n")
        digest, n_rows = content_hash(con, "n")
        counts = dict(con.sql("select tag, count(*) from n, unnest(tags) as t(tag) group by tag").fetchall())
    meta = json.loads((folder / "manifest.json").read_text())
    meta.update(version=version, content_hash=digest, row_count=n_rows, tag_counts=counts)
    for name in (DATA_FILE, AUTHOR_TAGS_FILE):
        meta["files"][name]["sha256"] = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(meta))


def _pandas_diff(root: Path, before: str, after: str) -> dict:
    """The diff of two releases computed with pandas straight from their Parquet files, in the shape of
    `tagifai-release diff --json` (docs/releases.md, "The diff")."""

    def frame(version: str, name: str) -> pd.DataFrame:
        return pd.DataFrame(parquet_rows(root / version / name)).set_index("id").sort_index()

    old, new = frame(before, DATA_FILE), frame(after, DATA_FILE)
    old_authored, new_authored = frame(before, AUTHOR_TAGS_FILE), frame(after, AUTHOR_TAGS_FILE)
    common = old.index.intersection(new.index).sort_values()
    both = old.loc[common].merge(new.loc[common], left_index=True, right_index=True, suffixes=("_old", "_new"))

    def changed(column: str) -> list[int]:
        differs = [
            not (pd.isna(a) and pd.isna(b)) and (pd.isna(a) or pd.isna(b) or a != b)
            for a, b in zip(both[f"{column}_old"], both[f"{column}_new"], strict=True)
        ]
        return [int(i) for i in both.index[differs]]

    labels_differ = {int(i) for i in both.index if list(both.at[i, "tags_old"]) != list(both.at[i, "tags_new"])}
    old_counts = old.explode("tags")["tags"].dropna().value_counts()
    new_counts = new.explode("tags")["tags"].dropna().value_counts()
    counts = pd.concat([old_counts.rename("old"), new_counts.rename("new")], axis=1).fillna(0).astype(int)
    counts = counts[counts["old"] != counts["new"]].sort_index()
    authored = old_authored.merge(new_authored, left_index=True, right_index=True, suffixes=("_old", "_new"))
    return {
        "before": before,
        "after": after,
        "projects_added": [int(i) for i in new.index.difference(old.index)],
        "projects_removed": [int(i) for i in old.index.difference(new.index)],
        "tags_changed": [
            {"id": i, "before": list(both.at[i, "tags_old"]), "after": list(both.at[i, "tags_new"])}
            for i in sorted(labels_differ)
        ],
        "text_changed": changed("text"),
        "created_on_changed": changed("created_on"),
        "author_tags_changed": [
            {
                "id": int(i),
                "removed": [t for t in row.tags_old if t not in list(row.tags_new)],
                "added": [t for t in row.tags_new if t not in list(row.tags_old)],
                "labels_changed": int(i) in labels_differ,
            }
            for i, row in authored.iterrows()
            if list(row.tags_old) != list(row.tags_new)
        ],
        "tags_added": sorted(set(new_counts.index) - set(old_counts.index)),
        "tags_dropped": sorted(set(old_counts.index) - set(new_counts.index)),
        "tag_count_deltas": {tag: int(row.new - row.old) for tag, row in counts.iterrows()},
    }


def test_the_release_diff_analysis_equals_the_cli(
    releases_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = tmp_path / "releases"
    for version in ("2021-03", "2021-05"):
        shutil.copytree(releases_dir / version, root / version)
    _edited_release(releases_dir / "2021-03", root, "edited")
    pairs = [("2021-03", "2021-05"), ("2021-03", "edited"), ("edited", "2021-03")]
    for before, after in pairs:
        expected = _pandas_diff(root, before, after)
        assert _as_cli_diff(_diff_analysis(root, before, after, monkeypatch, tmp_path), before, after) == expected
        assert _cli_diff(root, before, after) == expected
    # The 2021-03 -> 2021-05 diff is the 4 source corrections and created_on; the edited release
    # exercises every other kind of change, each in the amount the edit made.
    real = _pandas_diff(root, "2021-03", "2021-05")
    assert len(real["author_tags_changed"]) == 4 and real["tags_changed"] == []
    edited = _pandas_diff(root, "2021-03", "edited")
    source = parquet_rows(root / "2021-03" / DATA_FILE)
    ids = sorted(row["id"] for row in source)
    nlp = sum(row["tags"].count("natural-language-processing") for row in source)
    assert edited["projects_removed"] == ids[:3]  # an edited list is never empty: 'brand-new' replaces nlp
    assert edited["projects_added"] == [ids[-1] + 1_000_000]
    assert edited["text_changed"] == [ids[-1]]
    assert edited["tags_added"] == ["brand-new"] and edited["tags_dropped"] == ["natural-language-processing"]
    assert edited["tag_count_deltas"]["natural-language-processing"] == -nlp
    authored = [row["id"] for row in parquet_rows(root / "2021-03" / AUTHOR_TAGS_FILE) if row["id"] % 7 == 0]
    assert [change["id"] for change in edited["author_tags_changed"]] == authored


@pytest.mark.parametrize("version", ["../2021-03", "a'b", "x/../y"])
def test_the_release_diff_analysis_refuses_a_hostile_version(tmp_path: Path, version: str) -> None:
    db_path = tmp_path / "tagifai.duckdb"
    result = run_dbt(
        db_path, "compile", "--select", "release_diff", "--vars", json.dumps({"before": version}), check=False
    )
    assert result.returncode != 0
    assert "var 'before' must be text matching" in result.stdout


def _excluded_tags_hash() -> str:
    """md5 of the excluded_tags seed's tags, sorted, joined by newlines (the documented definition)."""
    with (REPO_ROOT / "seeds" / "excluded_tags.csv").open(encoding="utf-8", newline="") as handle:
        tags = sorted(row["tag"] for row in csv.DictReader(handle))
    return hashlib.md5("\n".join(tags).encode()).hexdigest()


def _latest_build(db_path: Path) -> str:
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute("select invocation_id from marts.build_history order by built_at").fetchall()
    assert len(rows) == 1, rows  # each warehouse of the fixtures is built once
    return rows[0][0]


def test_dataset_releases_lists_the_release_folder_when_queried(
    releases_dir: Path,
    real_warehouse: Path,
    warehouse_2021_05: Path,
    real_data_dir: Path,
    data_2021_05: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    root = tmp_path / "releases"  # not there yet: the build must pass and the mart be empty
    monkeypatch.setenv("TAGIFAI_RELEASE_DIR", str(root))
    db_path = copy_db(real_warehouse, tmp_path / "wh")
    result = run_dbt(db_path, "build", "--select", "stg_releases__manifests+")
    assert "WARN=0 ERROR=0" in result.stdout

    def listed() -> list[tuple]:
        with duckdb.connect(str(db_path), read_only=True) as con:
            return con.execute(
                """
                select release_version, release_number, previous_version, is_latest, content_hash, row_count,
                    tag_count, min_tag_freq, excluded_tags_hash, git_commit, build_invocation_id,
                    n_tests_failed, warned_tests, n_gates, n_gates_passed
                from marts.dataset_releases order by release_number
                """
            ).fetchall()

    assert listed() == []
    for version in ("2021-03", "2021-05"):
        shutil.copytree(releases_dir / version, root / version)
    # What `tagifai-release list` skips, the mart skips: an interrupted release and a broken manifest.
    shutil.copytree(releases_dir / "2021-03", root / ".partial-x-1")
    (root / "broken").mkdir()
    (root / "broken" / "manifest.json").write_text("{not json")
    # Expected, independently of the manifests: the fixture released 2021-03 and then 2021-05 from this
    # checkout; the rows and tags are the lesson's on each data folder, the hash is computed here from the
    # Parquet, the builds are those the two warehouses recorded.
    commit = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    expected = []
    made = [
        ("2021-03", real_data_dir, real_warehouse, WARNED_2021_03),
        ("2021-05", data_2021_05, warehouse_2021_05, []),  # labeled_dataset: no annotations, no warning
    ]
    for number, (version, data_dir, warehouse, warned) in enumerate(made, start=1):
        rows, counts = labeled_projects(data_dir)
        digest, _ = independent_content_hash(root / version / DATA_FILE)
        expected.append(
            (
                version,
                number,
                None if number == 1 else made[number - 2][0],
                number == len(made),
                digest,
                len(rows),
                len(counts),
                30,
                _excluded_tags_hash(),
                commit,
                _latest_build(warehouse),
                0,
                warned,
                4,
                4,
            )
        )
    assert listed() == expected
    # Without an order by the rows come in no guaranteed order: the docs say to order by release_number.
    with duckdb.connect(str(db_path), read_only=True) as con:
        by_time = con.execute(
            "select release_version from marts.dataset_releases order by released_at, release_version"
        ).fetchall()
        latest = con.execute("select release_version from marts.dataset_releases where is_latest").fetchall()
    assert by_time == [("2021-03",), ("2021-05",)] and latest == [("2021-05",)]
