"""Resolve a source to a local file: a path in the data folder, or a bounded https download."""

from __future__ import annotations

import contextlib
import http.client
import socket
import tempfile
import threading
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


class _Deadline:
    """One deadline for a whole download: connect, TLS handshake, status line, headers and body.

    A socket timeout bounds each read alone, so a server sending a byte at a time could stretch a download
    without end. Every socket the download opens is registered here, and when the deadline passes a timer
    shuts it down: whatever read is blocked (inside the TLS handshake, http.client's header parsing or the
    body) returns at once, and the download reports the timeout."""

    def __init__(self, timeout_s: float) -> None:
        self.at = time.monotonic() + timeout_s
        self.expired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(timeout_s, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def connect(
        self, address: tuple[str, int], timeout: float | None = None, source_address: tuple[str, int] | None = None
    ) -> socket.socket:
        """socket.create_connection bounded by the time left, the socket registered for the deadline."""
        remaining = self.remaining()
        if remaining <= 0:
            raise TimeoutError("download deadline passed before connecting")
        sock = socket.create_connection(address, min(timeout or remaining, remaining), source_address)
        # A duplicate of the socket: shutdown acts on the connection, not the descriptor, so it still
        # reaches the connection once the TLS layer has taken over the original socket object.
        watched = sock.dup()
        with self._lock:
            self._sockets.append(watched)
            if self.expired:
                _shut(watched)
        return sock

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the other side
        sock.shutdown(socket.SHUT_RDWR)


class _DeadlineHTTPSHandler(urllib.request.HTTPSHandler):
    """https connections that open their sockets through a `_Deadline`."""

    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connection, req, context=self._context)

    def _connection(self, host: str, **kwargs: object) -> http.client.HTTPSConnection:
        conn = http.client.HTTPSConnection(host, **kwargs)  # type: ignore[arg-type]
        # http.client opens its socket through this attribute (a proxy's CONNECT tunnel too).
        conn._create_connection = self._deadline.connect  # type: ignore[attr-defined]
        return conn


def _timeout(url: str, limits: DownloadLimits) -> SourceUnavailableError:
    return SourceUnavailableError(f"{url}: timeout hit after {limits.timeout_s:g} s; {OFFLINE_HINT}")


def download(url: str, dest_dir: Path, limits: DownloadLimits = DEFAULT_LIMITS) -> Path:
    """Download `url` (https only) into `dest_dir`, refusing more than `limits.max_bytes` bytes and more
    than `limits.timeout_s` seconds in all, from connecting to the last byte (a slow server cannot stretch
    it by sending its handshake, headers or body a byte at a time)."""
    _require_https(url)
    dest = dest_dir / Path(urlparse(url).path).name
    deadline = _Deadline(limits.timeout_s)
    opener = urllib.request.build_opener(_HttpsOnlyRedirects, _DeadlineHTTPSHandler(deadline))
    try:
        with opener.open(url, timeout=limits.timeout_s) as response, dest.open("wb") as out:
            declared = response.headers.get("Content-Length")
            if declared is not None and int(declared) > limits.max_bytes:
                raise SourceUnavailableError(
                    f"{url}: size limit hit: the server announces {int(declared)} bytes, "
                    f"more than the limit of {limits.max_bytes}"
                )
            copied = 0
            while chunk := response.read1(64 * 1024):
                copied += len(chunk)
                if copied > limits.max_bytes:
                    raise SourceUnavailableError(
                        f"{url}: size limit hit: more than {limits.max_bytes} bytes downloaded"
                    )
                out.write(chunk)
        # A shut-down socket reads as the end of the body: only the flag tells a cut from a complete file.
        if deadline.expired:
            raise _timeout(url, limits)
    except SourceUnavailableError:
        raise
    except (OSError, http.client.HTTPException, urllib.error.URLError) as exc:
        if deadline.expired or isinstance(exc, TimeoutError) or isinstance(getattr(exc, "reason", None), TimeoutError):
            raise _timeout(url, limits) from exc
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise SourceUnavailableError(f"{url}: cannot download ({reason}); {OFFLINE_HINT}") from exc
    finally:
        deadline.close()
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
