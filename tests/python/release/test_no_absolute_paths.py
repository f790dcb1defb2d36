"""No file of the repository names a place on one machine: the data comes from TAGIFAI_DATA_DIR or a path
relative to the checkout, so a clone anywhere (CI's, a user's) behaves the same."""

import re
import subprocess

from support.commands import REPO_ROOT

# A path rooted in a home or a machine's work folder (work, home, Users or root right under the file system's
# root), not inside a URL or a relative path: the character before the slash is not a letter, digit, '.', '~'.
MACHINE_PATH = re.compile(r"(?<![\w.~$/-])/(?:work|home|Users|root)/")


def _tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "ls-files", "-z"], capture_output=True, text=True, check=True
    ).stdout
    return [name for name in listed.split("\0") if name]


def test_no_tracked_file_holds_an_absolute_machine_path() -> None:
    files = _tracked_files()
    assert ".ci/run" in files and "tests/python/release/test_releases.py" in files
    found = []
    for name in files:
        path = REPO_ROOT / name
        if not path.is_file():  # listed but deleted in the work tree
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:  # binary (images)
            continue
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
            if MACHINE_PATH.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    assert found == [], "absolute paths of one machine (use TAGIFAI_DATA_DIR or a relative path):\n" + "\n".join(found)


def test_the_pattern_finds_what_it_is_for() -> None:
    # Written with {} for the first slash, so that this file does not hold what it looks for.
    hits = ["{}work/shared/datasets", 'Path("{}home/me/x")', "for d in ../shared {}Users/x/shared; do", "{}root/.c/"]
    misses = ["../shared/datasets", "https://example.com/home/x", "~/work/x", "$HOME/work/x", "docs/work/x"]
    hits = [text.format("/") for text in hits]
    assert [bool(MACHINE_PATH.search(text)) for text in hits] == [True] * len(hits)
    assert [bool(MACHINE_PATH.search(text)) for text in misses] == [False] * len(misses)
