"""Make a release: read the build, check the gates, write the folder whole or not at all."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb

from tagifai import settings
from tagifai.pause import pause_point
from tagifai.release import card, gates, warehouse
from tagifai.release.store import (
    AUTHOR_TAGS_FILE,
    COLUMNS,
    DATA_FILE,
    MANIFEST_FILE,
    MANIFEST_FORMAT,
    PARTIAL_PREFIX,
    ReleaseError,
    check_version,
    content_hash,
    file_sha256,
    release_lock,
    releases,
    remove_partials,
    version_folder,
)
from tagifai.warehouse.staging import fsync_path

# Where a test may SIGKILL a release (tagifai/pause.py): the lock taken, the Parquet written, the manifest
# written (the folder still hidden), the folder renamed (not yet flushed).
RELEASE_STAGES = ("release-locked", "release-parquet-written", "release-manifest-written", "release-renamed")


class GateFailedError(ReleaseError):
    """A release gate failed; nothing was written."""


@dataclass(frozen=True)
class Outcome:
    version: str
    folder: Path
    created: bool  # False: the same content was already released
    message: str


def _git() -> dict[str, Any]:
    def run(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(settings.PROJECT_ROOT), *args], capture_output=True, text=True, check=False
            )
        except OSError:
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = run("rev-parse", "HEAD")
    status = run("status", "--porcelain", "--untracked-files=no")
    return {"git_commit": commit, "git_dirty": None if status is None else bool(status)}


def _code(params: dict[str, Any]) -> dict[str, Any]:
    try:
        tagifai_version = metadata.version("tagifai")
    except metadata.PackageNotFoundError:
        tagifai_version = None
    return {
        **_git(),
        "dbt_version": params["dbt_version"],
        "duckdb_version": duckdb.__version__,
        "tagifai_version": tagifai_version,
    }


def _labeling(params: dict[str, Any]) -> dict[str, Any]:
    return {
        "min_tag_freq": params["min_tag_freq"],
        "excluded_tags": list(params["excluded_tags"]),
        "excluded_tags_hash": params["excluded_tags_hash"],
        "resolve_aliases": params["resolve_aliases"],
        "expand_parents": params["expand_parents"],
        "max_parent_depth": params["max_parent_depth"],
        "labeling_functions_version": params["labeling_functions_version"],
        "vars": params["vars"],
    }


def make_release(db_path: Path, root: Path, version: str | None, limits: dict[str, float]) -> Outcome:
    """Release marts.labeled_projects of `db_path` under `root`; GateFailedError or ReleaseError changes nothing."""
    if version is not None:
        check_version(version)
    if not db_path.is_file():
        raise ReleaseError(f"{db_path}: no warehouse; run `make build` first (or set TAGIFAI_DUCKDB_PATH)")
    # Read-only: a release never writes the warehouse, and a build publishing meanwhile swaps the file
    # without disturbing this connection (tagifai/build/publish.py).
    with duckdb.connect(str(db_path), read_only=True) as con:
        build = warehouse.build_record(con, db_path)
        warehouse.check_parameters_agree(con, db_path)
        params = warehouse.build_parameters(con, db_path, build.invocation_id)
        results = gates.evaluate(build.errors, warehouse.metrics(con), limits)
        label_quality = card.read_label_quality(con)
        results += gates.evaluate_label_quality(label_quality, limits)
        failed = [result for result in results if not result.passed]
        if failed:
            raise GateFailedError(
                "release refused, nothing written: gate "
                + "; gate ".join(f"{result.name} failed ({result.detail})" for result in failed)
                + ". Fix the data or the build, or change the bound (docs/releases.md)"
            )
        digest, n_rows = content_hash(con, "marts.labeled_projects")
        chosen = version or f"v-{digest[:12]}"
        with release_lock(root):
            pause_point("release-locked")
            remove_partials(root)
            for existing in releases(root):
                if existing.manifest.get("content_hash") == digest:
                    return Outcome(
                        existing.version,
                        existing.folder,
                        False,
                        f"{existing.folder}: this content (hash {digest[:12]}...) is already released as "
                        f"{existing.version}; nothing written",
                    )
            final = version_folder(root, chosen)
            if final.exists():
                raise ReleaseError(
                    f"{final}: release {chosen} already exists with other content; releases are immutable, "
                    "choose another --version"
                )
            partial = root / f"{PARTIAL_PREFIX}{chosen}-{os.getpid()}"
            partial.mkdir()
            data = partial / DATA_FILE
            con.sql(f"select {', '.join(COLUMNS)} from marts.labeled_projects order by id").write_parquet(
                str(data), compression="zstd"
            )
            fsync_path(data)
            author_tags = partial / AUTHOR_TAGS_FILE
            con.sql("select project_id as id, tags from staging.stg_madewithml__projects order by id").write_parquet(
                str(author_tags), compression="zstd"
            )
            fsync_path(author_tags)
            pause_point("release-parquet-written")
            manifest = {
                "format": MANIFEST_FORMAT,
                "version": chosen,
                "released_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "content_hash": digest,
                "row_count": n_rows,
                "tag_counts": warehouse.tag_counts(con),
                "files": {
                    name: {"sha256": file_sha256(path), "bytes": path.stat().st_size}
                    for name, path in ((DATA_FILE, data), (AUTHOR_TAGS_FILE, author_tags))
                },
                "labeling": _labeling(params),
                "inputs": warehouse.inputs(con, build.built_at),
                "code": _code(params),
                "build": {
                    "invocation_id": build.invocation_id,
                    "built_at": params["built_at"],
                    "warehouse": str(db_path),
                    "load_ids": list(params["load_ids"]),
                    "tests": build.tests,
                    "warnings": build.warnings,
                },
                "gates": {"bounds": limits, "results": [result.as_dict() for result in results]},
                "label_quality": label_quality,
            }
            (partial / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
            fsync_path(partial / MANIFEST_FILE)
            fsync_path(card.write_card(partial, manifest))
            fsync_path(partial)
            pause_point("release-manifest-written")
            os.rename(partial, final)
            pause_point("release-renamed")
            fsync_path(root)
    return Outcome(chosen, final, True, f"released {chosen} to {final} ({n_rows} projects, hash {digest[:12]}...)")
