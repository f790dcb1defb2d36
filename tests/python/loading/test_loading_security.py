"""Security: only https:// URLs (and only https redirects) are read, downloads stop at a size limit and
a timeout and say which was hit; hostile values through paths, seeds, file contents (and, in
test_loading_concurrent_readers.py, dbt vars) reach SQL only as data; no credentials live in the repo."""

import contextlib
import http.server
import inspect
import json
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from support.commands import BIN, REPO_ROOT, run_loader
from support.loading_helpers import dbt_env
from tagifai.errors import SourceUnavailableError
from tagifai.ingest.fetch import DEFAULT_LIMITS, Sources, download
from tagifai.settings import DownloadLimits

HOSTILE = "'; drop table raw.projects; --"
LIMITS = DownloadLimits(max_bytes=1000, timeout_s=1.0)


@pytest.mark.parametrize(
    "url", ["http://example.com/projects.json", "file:///etc/passwd", "ftp://example.com/p.json", "/etc/passwd"]
)
def test_only_https_urls_are_downloaded(url: str, tmp_path: Path) -> None:
    with pytest.raises(SourceUnavailableError, match="only https:// URLs or local paths are read"):
        download(url, tmp_path, LIMITS)


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/projects.json":
            self._send(200, b"[]", length=True)
        elif self.path == "/announced-too-big.json":
            self.send_response(200)
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
            self.wfile.write(b"[")
        elif self.path == "/streamed-too-big.json":
            self._send(200, b"[" + b" " * 5000 + b"]", length=False)
        elif self.path == "/slow.json":
            time.sleep(3)
            self._send(200, b"[]", length=True)
        elif self.path == "/drip.json":  # a byte every 0.2 s: each read is quick, the whole is not
            self.send_response(200)
            self.end_headers()
            for _ in range(25):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.2)
        elif self.path == "/drip-headers.json":  # the status line and headers a byte every 0.05 s
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n":
                self.wfile.write(bytes([byte]))
                time.sleep(0.05)
            self.wfile.write(b"[]")
            self.close_connection = True
        elif self.path == "/to-http.json":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_port}/projects.json")
            self.end_headers()
        else:
            self._send(404, b"not found", length=True)

    def _send(self, code: int, body: bytes, length: bool) -> None:
        self.send_response(code)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def https_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A local https server (self-signed certificate for 127.0.0.1) on a free loopback port."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_port}", cert
    server.shutdown()
    server.server_close()


@pytest.fixture()
def trusted(https_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> str:
    base, cert = https_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    return base


def test_a_download_within_the_limits_succeeds(trusted: str, tmp_path: Path) -> None:
    path = download(f"{trusted}/projects.json", tmp_path, LIMITS)
    assert path.read_bytes() == b"[]"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/announced-too-big.json", "size limit hit: the server announces 1000000000 bytes"),
        ("/streamed-too-big.json", "size limit hit: more than 1000 bytes downloaded"),
        ("/slow.json", "timeout hit after 1 s"),
        ("/drip.json", "timeout hit after 1 s"),
        ("/drip-headers.json", "timeout hit after 1 s"),
        ("/to-http.json", "only https:// URLs or local paths are read"),
    ],
)
def test_a_download_stops_and_says_which_limit_was_hit(trusted: str, tmp_path: Path, path: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(SourceUnavailableError, match=re.escape(message)):
        download(f"{trusted}{path}", tmp_path, LIMITS)
    assert time.monotonic() - started < 2.5


def _relay(upstream_port: int, per_byte_s: float) -> tuple[socket.socket, threading.Event]:
    """A TCP relay on a free loopback port to the https server: it passes the server's bytes on one every
    `per_byte_s`; the client's bytes pass unchanged."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def pump(source: socket.socket, sink: socket.socket, delay: float) -> None:
        try:
            while not stop.is_set() and (data := source.recv(1 if delay else 65536)):
                sink.sendall(data)
                time.sleep(delay)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                sock.close()

    def serve() -> None:
        with contextlib.suppress(OSError):
            client, _ = listener.accept()
            upstream = socket.create_connection(("127.0.0.1", upstream_port))
            threading.Thread(target=pump, args=(client, upstream, 0.0), daemon=True).start()
            threading.Thread(target=pump, args=(upstream, client, per_byte_s), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return listener, stop


def test_the_time_limit_covers_the_tls_handshake(trusted: str, tmp_path: Path) -> None:
    # The server's side of the handshake a byte every 0.05 s: every read is quick, the handshake is not.
    listener, stop = _relay(int(trusted.rsplit(":", 1)[1]), per_byte_s=0.05)
    started = time.monotonic()
    try:
        with pytest.raises(SourceUnavailableError, match=re.escape("timeout hit after 1 s")):
            download(f"https://127.0.0.1:{listener.getsockname()[1]}/projects.json", tmp_path, LIMITS)
    finally:
        stop.set()
        listener.close()
    assert time.monotonic() - started < 2.5


def test_the_default_limits_are_the_documented_ones() -> None:
    # docs/loading.md promises "512 MiB or 30 s in all"; the loader and the annotations generator use
    # Sources' default limits.
    documented = re.search(
        r"A download stops at (\d+) MiB or (\d+) s in all", (REPO_ROOT / "docs" / "loading.md").read_text()
    )
    assert documented is not None
    assert (DEFAULT_LIMITS.max_bytes, DEFAULT_LIMITS.timeout_s) == (int(documented[1]) * 2**20, int(documented[2]))
    assert Sources(None).limits == DEFAULT_LIMITS == DownloadLimits()
    assert inspect.signature(download).parameters["limits"].default is DEFAULT_LIMITS


def _copy_project(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("python", "__pycache__")
    for name in ("models", "macros", "seeds", "snapshots", "tests"):
        shutil.copytree(REPO_ROOT / name, dest / name, ignore=ignore)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(REPO_ROOT / name, dest / name)
    return dest


@pytest.mark.dbt
def test_hostile_paths_seeds_and_file_contents_are_data_not_sql(real_data_dir: Path, tmp_path: Path) -> None:
    # A project folder, a data folder and a warehouse folder whose names are SQL.
    project = _copy_project(tmp_path / f"project{HOSTILE}")
    with (project / "seeds" / "excluded_tags.csv").open("a", encoding="utf-8") as seed:
        seed.write(f'"{HOSTILE}","a tag name that is SQL, excluded"\n')
    data = tmp_path / f"data{HOSTILE}"
    data.mkdir()
    projects = json.loads((real_data_dir / "projects.json").read_text(encoding="utf-8"))
    projects[0]["tags"].append(HOSTILE)
    projects[1]["title"] = HOSTILE
    (data / "projects.json").write_text(json.dumps(projects), encoding="utf-8")
    tags = json.loads((real_data_dir / "tags.json").read_text(encoding="utf-8"))
    tags.append({"tag": HOSTILE, "aliases": [HOSTILE + " alias"], "parents": []})
    (data / "tags.json").write_text(json.dumps(tags), encoding="utf-8")
    db_path = tmp_path / f"warehouse{HOSTILE}" / "tagifai.duckdb"

    loaded = run_loader(db_path, "--data-dir", str(data))
    assert loaded.returncode == 0, loaded.stderr
    built = subprocess.run(
        [str(BIN / "dbt"), "build", "--project-dir", str(project), "--profiles-dir", str(project)],
        capture_output=True,
        text=True,
        env=dbt_env(db_path),
        check=False,
    )
    assert built.returncode == 0, built.stdout[-4000:]
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("select count(*) from raw.projects").fetchone() == (2032,)
        assert con.execute("select distinct _source_uri from raw.projects").fetchall() == [
            (str(data / "projects.json"),)
        ]
        assert con.execute("select title from raw.projects where id = ?", [projects[1]["id"]]).fetchone() == (HOSTILE,)
        assert con.execute("select count(*) from seeds.excluded_tags where tag = ?", [HOSTILE]).fetchone() == (1,)
        assert con.execute("select count(*) from staging.stg_madewithml__tags where tag = ?", [HOSTILE]).fetchone() == (
            1,
        )
        # The hostile tag is a taxonomy tag but excluded by the seed, so the lesson's numbers stand.
        assert con.execute(
            "select count(*) from intermediate.int_project_tags_filtered where tag = ?", [HOSTILE]
        ).fetchone() == (0,)
        assert con.execute("select count(*) from marts.labeled_projects").fetchone() == (1444,)


SECRET_PATTERNS = [
    # A literal value: quoted, or bare as in YAML and .env files. A bare value that is code (a call, a
    # parenthesised expression) reads a secret from somewhere else and is not one.
    re.compile(
        r"(password|passwd|secret|token|api[_-]?key|access[_-]?key)\s*[:=]\s*"
        r"(?:['\"][^\s'\"{]{6,}|(?![(\[])[^\s'\"{(\[]{6,}(?![\w.]*\())",
        re.I,
    ),
    re.compile(r"AKIA[0-9A-Z]{16}"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"\b(ghp|gho|github_pat|xox[bp]|sk-[A-Za-z0-9]{20})[A-Za-z0-9_]{10,}"),
]


def _secrets_in(text: str) -> list[str]:
    return [m.group(0) for pattern in SECRET_PATTERNS for m in pattern.finditer(text)]


def test_the_credential_scan_tells_secrets_from_code_that_reads_them() -> None:
    for secret in (
        "password: hunter2hunter2",
        'TOKEN="tok-0123456789abcdef"',
        "api_key = 'abcdef123456'",
        "LABEL_STUDIO_PASSWORD=correct-horse",
        "AKIA" + "ABCDEFGHIJKLMNOP",
    ):
        assert _secrets_in(secret), secret
    for code in (
        "token = token_file.read_text().strip()",
        "password = (data_dir / 'password').read_text()",
        "token = secrets.token_hex(20)",
        "password: \"{{ env_var('X') }}\"",
    ):
        assert not _secrets_in(code), code


def test_no_credentials_live_in_the_repo() -> None:
    files = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
    hits = []
    for name in files.split():
        path = REPO_ROOT / name
        if not path.is_file() or name.startswith("tests/python/loading/test_loading_security"):
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        hits += [f"{name}: {found}" for found in _secrets_in(text)]
    assert hits == []


def test_profiles_take_every_variable_value_from_the_environment() -> None:
    profiles = (REPO_ROOT / "profiles.yml").read_text(encoding="utf-8")
    for match in re.finditer(r"^\s*(password|user|token|host|port)\s*:(.*)$", profiles, re.M | re.I):
        assert "env_var(" in match.group(2), f"profiles.yml sets {match.group(0).strip()!r} without env_var"
    assert "env_var('TAGIFAI_DUCKDB_PATH'" in profiles
