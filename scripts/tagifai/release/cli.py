"""`tagifai-release`: release, list, diff."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from tagifai import cli_support
from tagifai.release import gates
from tagifai.release.diff import diff_releases, format_diff
from tagifai.release.publish import make_release
from tagifai.release.store import release_dir, releases

log = logging.getLogger("tagifai.release")


def _parser() -> argparse.ArgumentParser:
    parser = cli_support.parser(
        "tagifai-release",
        "Publish marts.labeled_projects as an immutable, gated dataset release; list or diff releases.",
        warehouse=False,
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


def _run(args: argparse.Namespace) -> None:
    root = release_dir(args.release_dir)
    if args.command == "list":  # the listing and the diff are the command's output, on stdout
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
        outcome = make_release(cli_support.warehouse_path(args.duckdb_path), root, args.version, gates.bounds(args))
        log.info(outcome.message)


def main(argv: list[str] | None = None) -> int:
    """`tagifai-release release|list|diff`."""
    return cli_support.run("tagifai-release", _parser(), _run, argv)


if __name__ == "__main__":
    sys.exit(main())
