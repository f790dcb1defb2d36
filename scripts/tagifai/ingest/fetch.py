"""Resolve a source to a local file: a path in the data folder, or a bounded https download."""

from __future__ import annotations

import tempfile
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path
from typing import IO
from urllib.parse import urlparse

from tagifai.errors import SourceUnavailableError
from tagifai.settings import DATA_DIR_ENV, DownloadLimits

DEFAULT_LIMITS = DownloadLimits()

OFFLINE_HINT = (
    f"to load local copies instead, set {DATA_DIR_ENV}=/path/to/folder (holding projects.json and "
    "tags.json) or pass --data-dir"
)


def local_file(folder: Path, name: str) -> Path:
    """The file `name` inside `folder`, or an error that says which file is missing."""
    if not folder.is_dir():
        raise SourceUnavailableError(f"data folder {folder} does not exist; check {DATA_DIR_ENV}/--data-dir")
    path = folder / name
    if not path.is_file():
        raise SourceUnavailableError(f"{path}: file not found in the data folder {folder}")
    return path


def _require_https(url: str) -> None:
    if urlparse(url).scheme != "https":
        raise SourceUnavailableError(f"{url}: only https:// URLs or local paths are read")


class _HttpsOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to another https:// URL (never down to http:// or file://)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        _require_https(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpsOnlyRedirects)


def _timeout(url: str, limits: DownloadLimits) -> SourceUnavailableError:
    return SourceUnavailableError(f"{url}: timeout hit after {limits.timeout_s:g} s; {OFFLINE_HINT}")


def download(url: str, dest_dir: Path, limits: DownloadLimits = DEFAULT_LIMITS) -> Path:
    """Download `url` (https only) into `dest_dir`, refusing more than `limits.max_bytes` bytes and more
    than `limits.timeout_s` seconds in all (a slow server cannot stretch it by sending a byte at a time)."""
    _require_https(url)
    dest = dest_dir / Path(urlparse(url).path).name
    deadline = time.monotonic() + limits.timeout_s
    try:
        with _OPENER.open(url, timeout=limits.timeout_s) as response, dest.open("wb") as out:
            declared = response.headers.get("Content-Length")
            if declared is not None and int(declared) > limits.max_bytes:
                raise SourceUnavailableError(
                    f"{url}: size limit hit: the server announces {int(declared)} bytes, "
                    f"more than the limit of {limits.max_bytes}"
                )
            copied = 0
            while chunk := response.read1(64 * 1024):  # whatever has arrived, so the deadline is checked often
                copied += len(chunk)
                if copied > limits.max_bytes:
                    raise SourceUnavailableError(
                        f"{url}: size limit hit: more than {limits.max_bytes} bytes downloaded"
                    )
                out.write(chunk)
                if time.monotonic() > deadline:
                    raise _timeout(url, limits)
    except TimeoutError as exc:
        raise _timeout(url, limits) from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise _timeout(url, limits) from exc
        raise SourceUnavailableError(f"{url}: cannot download ({exc.reason}); {OFFLINE_HINT}") from exc
    return dest


class Sources:
    """Local paths for the source files, downloading them to a temporary folder when needed."""

    def __init__(self, folder: Path | None, limits: DownloadLimits = DEFAULT_LIMITS) -> None:
        self.folder = folder
        self.limits = limits
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> Sources:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()

    def resolve(self, name: str, url: str) -> tuple[Path, str]:
        """(local path to read, the URI recorded as the record's source)."""
        if self.folder is not None:
            path = local_file(self.folder, name)
            return path, str(path)
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="tagifai-download-")
        return download(url, Path(self._tmp.name), self.limits), url
