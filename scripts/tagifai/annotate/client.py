"""A small REST client for Label Studio: only https or loopback URLs, a token that never reaches a log.

The token comes from $TAGIFAI_LABEL_STUDIO_TOKEN, else from a file only its owner can read
($TAGIFAI_LABEL_STUDIO_TOKEN_FILE, else <warehouse folder>/label-studio/token, which `make label-studio`
writes). Errors say what failed and where (the URL, never the headers).
"""

from __future__ import annotations

import ipaddress
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from tagifai import settings
from tagifai.errors import TagifaiError

URL_ENV = "TAGIFAI_LABEL_STUDIO_URL"
TOKEN_ENV = "TAGIFAI_LABEL_STUDIO_TOKEN"
TOKEN_FILE_ENV = "TAGIFAI_LABEL_STUDIO_TOKEN_FILE"
DEFAULT_URL = "http://127.0.0.1:8089"
TIMEOUT_S = 60.0
PAGE_SIZE = 500


class LabelStudioError(TagifaiError):
    """Label Studio could not be reached, refused the token, or answered with an error."""


def default_token_file() -> Path:
    return settings.duckdb_path().parent / "label-studio" / "token"


_HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?")


def _is_loopback(host: str) -> bool:
    """True for `localhost` and for an IP address (v4 or v6) of the loopback range; never for a name that
    merely starts like one (127.0.0.1.evil.example, localhost.evil.example)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def checked_url(url: str) -> str:
    """The base URL without a trailing slash, if it is https, or http on a loopback address.

    The whole URL is parsed, not matched by prefix: no user info (`http://127.0.0.1@evil.example` goes to
    evil.example), no query or fragment, no whitespace, control character or backslash, a valid port, and a
    host that is a DNS name or an IP address."""
    refusal = (
        f"{_redacted(url)!r}: only https URLs or http on a loopback address (127.0.0.1, ::1, localhost) are accepted, "
        f"without user info, query or fragment; set {URL_ENV} to one"
    )
    if not isinstance(url, str) or any(c.isspace() or ord(c) < 32 or c == "\\" for c in url):
        raise LabelStudioError(refusal)
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise LabelStudioError(refusal) from None
    host = (parts.hostname or "").lower()
    well_formed = (
        parts.scheme in ("http", "https")
        and "@" not in parts.netloc
        and not parts.query
        and not parts.fragment
        and "?" not in url
        and "#" not in url
        and host != ""
        and (port is None or 0 < port < 65536)
        and (_HOST_NAME.fullmatch(host) is not None or _is_ip(host))
    )
    if well_formed and (parts.scheme == "https" or _is_loopback(host)):
        return url.rstrip("/")
    raise LabelStudioError(refusal)


def _redacted(url: object) -> str:
    """The URL as an error may show it: user info (it may hold a password) replaced."""
    text = str(url)
    scheme, sep, rest = text.partition("://")
    if not sep:
        return text
    netloc, slash, path = rest.partition("/")
    if "@" in netloc:
        netloc = "<user info>@" + netloc.rsplit("@", 1)[1]
    return f"{scheme}{sep}{netloc}{slash}{path}"


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def read_token(token_file: Path | None = None) -> str:
    """The API token, from $TAGIFAI_LABEL_STUDIO_TOKEN, else from the token file (mode 0600 or stricter)."""
    value = os.environ.get(TOKEN_ENV, "").strip()
    if value:
        return value
    path = token_file or Path(os.environ.get(TOKEN_FILE_ENV) or default_token_file())
    if not path.is_file():
        raise LabelStudioError(
            f"{path}: no Label Studio token; set {TOKEN_ENV}, or {TOKEN_FILE_ENV} to a file holding it "
            "(make label-studio writes one)"
        )
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise LabelStudioError(f"{path}: the token file is readable by others (mode {mode:o}); run chmod 600 {path}")
    content = path.read_text(encoding="utf-8").strip()
    if not content:
        raise LabelStudioError(f"{path}: the token file is empty; write the Label Studio API token into it")
    return content


@dataclass
class LabelStudio:
    """Calls to one Label Studio server with one token."""

    url: str
    token: str = field(repr=False)

    def __post_init__(self) -> None:
        self.url = checked_url(self.url)
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"Token {self.token}"

    def __repr__(self) -> str:  # never show the token
        return f"LabelStudio(url={self.url!r})"

    __str__ = __repr__

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        where = f"{method} {self.url}{path}"
        try:
            response = self._session.request(method, f"{self.url}{path}", timeout=TIMEOUT_S, **kwargs)
        except requests.ConnectionError as exc:
            raise LabelStudioError(
                f"{self.url}: Label Studio is not reachable ({type(exc).__name__}); start it with "
                f"make label-studio or set {URL_ENV}"
            ) from None
        except requests.Timeout:
            raise LabelStudioError(f"{where}: no answer within {TIMEOUT_S:.0f} s; check the server") from None
        if response.status_code in (401, 403):
            raise LabelStudioError(
                f"{where}: the token was refused (HTTP {response.status_code}); check {TOKEN_ENV} or the token "
                "file, and that the server runs with LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN=true"
            )
        if response.status_code >= 400:
            detail = " ".join(response.text.split())[:300]
            raise LabelStudioError(f"{where}: HTTP {response.status_code}: {detail}")
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def check(self) -> dict[str, Any]:
        """The current user: fails early, before anything changes, on a server down or a wrong token."""
        return self.request("GET", "/api/current-user/whoami")

    def projects(self) -> list[dict[str, Any]]:
        found, page = [], 1
        while True:
            body = self.request("GET", "/api/projects", params={"page": page, "page_size": PAGE_SIZE})
            results = body.get("results", []) if isinstance(body, dict) else body
            found.extend(results)
            if not isinstance(body, dict) or not body.get("next"):
                return found
            page += 1

    def project_by_title(self, title: str) -> dict[str, Any] | None:
        """The project with this title (the oldest if several), with every field (the list leaves some out)."""
        matches = [p for p in self.projects() if p.get("title") == title]
        if not matches:
            return None
        return self.request("GET", f"/api/projects/{min(p['id'] for p in matches)}")

    def tasks(self, project_id: int) -> list[dict[str, Any]]:
        found, page = [], 1
        while True:
            body = self.request(
                "GET", "/api/tasks", params={"project": project_id, "page": page, "page_size": PAGE_SIZE}
            )
            batch = body.get("tasks", []) if isinstance(body, dict) else body
            found.extend(batch)
            total = body.get("total", len(found)) if isinstance(body, dict) else len(found)
            if not batch or len(found) >= total:
                return found
            page += 1

    def users(self) -> dict[int, str]:
        body = self.request("GET", "/api/users/")
        users = body.get("results", []) if isinstance(body, dict) else body
        return {u["id"]: u["email"] for u in users if u.get("email")}

    def export(self, project_id: int) -> Any:
        return self.request(
            "GET", f"/api/projects/{project_id}/export", params={"exportType": "JSON", "download_all_tasks": "true"}
        )
