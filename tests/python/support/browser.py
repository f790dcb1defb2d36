"""Serve a folder on localhost and look at pages with headless Chromium (Debian's `chromium`)."""

import functools
import http.server
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1400,1000",
    # Let the page's JavaScript (angular, cytoscape) run before the DOM or screenshot is taken.
    "--virtual-time-budget=15000",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (a free port) for the duration; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "headless Chromium not found: install Debian's package (apt-get install -y chromium); .ci/run does"
    return path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="tagifai-chromium-") as profile:
        return subprocess.run(
            [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def rendered_dom(url: str) -> str:
    """The DOM after the page's scripts ran, without <script> blocks (so templates do not count)."""
    result = _run("--dump-dom", url)
    assert result.returncode == 0 and result.stdout, f"chromium --dump-dom {url} failed:\n{result.stderr[-3000:]}"
    return re.sub(r"<script\b.*?</script>", "", result.stdout, flags=re.S | re.I)


def screenshot(url: str, path: Path) -> Path:
    result = _run(f"--screenshot={path}", url)
    assert result.returncode == 0 and path.is_file(), f"chromium --screenshot {url} failed:\n{result.stderr[-3000:]}"
    return path
