"""`tagifai-release`: release, list, diff."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

from tagifai import settings
from tagifai.errors import TagifaiError
from tagifai.release import gates
from tagifai.release.diff import diff_releases, format_diff
from tagifai.release.publish import make_release
from tagifai.release.store import release_dir, releases


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tagifai-release",
        description="Publish marts.labeled_projects as an immutable, gated dataset release; list or diff releases.",
    )
    parser.add_argument("--release-dir", help="where releases live (default $TAGIFAI_RELEASE_DIR, else releases/)")
    commands = parser.add_subparsers(dest="command", required=True)
    release = commands.add_parser("release", help="release the current labeled_projects")
    release.add_argument("--version", help="the release's name (default v-<first 12 hex of the content hash>)")
    release.add_argument("--duckdb-path", help="the warehouse (default $TAGIFAI_DUCKDB_PATH)")
    gates.add_arguments(release)
    commands.add_parser("list", help="list the releases, oldest first")
    diff = commands.add_parser("diff", help="what changed from release A to release B")
    diff.add_argument("before")
    diff.add_argument("after")
    diff.add_argument("--json", action="store_true", help="print the diff as JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = release_dir(args.release_dir)
    try:
        if args.command == "list":
            for found in releases(root):
                manifest = found.manifest
                print(
                    f"{found.version}\t{manifest['released_at']}\t{manifest['row_count']} projects\t"
                    f"{len(manifest['tag_counts'])} tags\tmin_tag_freq={manifest['labeling']['min_tag_freq']}\t"
                    f"{manifest['content_hash'][:12]}"
                )
        elif args.command == "diff":
            result = diff_releases(root, args.before, args.after)
            print(json.dumps(result, indent=2) if args.json else format_diff(result))
        else:
            db_path = Path(args.duckdb_path).expanduser().resolve() if args.duckdb_path else settings.duckdb_path()
            outcome = make_release(db_path, root, args.version, gates.bounds(args))
            print(f"tagifai-release: {outcome.message}")
    except (TagifaiError, duckdb.Error) as exc:
        print(f"tagifai-release: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
