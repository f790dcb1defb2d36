"""Label Studio's password and token never reach a command line, a log or a repr: the real server started
as `make label-studio` starts it, its process table and log, the client's logs and errors, and the
launcher's own output."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tagifai.annotate import server
from tagifai.annotate.client import LabelStudio, LabelStudioError


def _command_lines() -> dict[int, str]:
    """Every process's command line that this user can read, as ps shows it."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:  # the process ended meanwhile
                continue
    return found


def test_the_running_server_shows_no_credential_in_any_command_line_or_its_log(label_studio) -> None:
    url, token_file = label_studio
    data_dir = token_file.parent
    token, password = token_file.read_text().strip(), (data_dir / "password").read_text().strip()
    assert len(token) == 40 and len(password) == 24
    for secret in (token_file, data_dir / "password"):
        assert secret.stat().st_mode & 0o777 == 0o600
    lines = _command_lines()
    # The scan sees the server (and its children): the check below is not vacuous.
    pid = int((data_dir / "server.pid").read_text())
    assert "label-studio start" in lines[pid] and url.rsplit(":", 1)[1] in lines[pid]
    leaks = [line.split(" ")[0] for line in lines.values() if token in line or password in line]
    assert leaks == [], "these programs hold a credential on their command line"
    # The token works, so it is the one the server was given (through its environment).
    assert LabelStudio(url, token).check()["email"] == server.DEFAULT_USERNAME
    log = (data_dir / "server.log").read_text(errors="replace")
    assert token not in log and password not in log


def test_the_client_logs_no_token_on_success_or_refusal(label_studio, caplog: pytest.LogCaptureFixture) -> None:
    url, token_file = label_studio
    token = token_file.read_text().strip()
    wrong = "wrong-" + token[::-1]
    caplog.set_level(logging.DEBUG)  # urllib3 and requests log every request at DEBUG
    client = LabelStudio(url, token)
    client.check()
    client.projects()
    with pytest.raises(LabelStudioError, match="refused") as refused:
        LabelStudio(url, wrong).check()
    assert caplog.records, "the request logs were not captured"
    for shown in (caplog.text, str(refused.value), repr(client), str(client), repr(refused.value)):
        assert token not in shown and wrong not in shown


def test_the_launcher_passes_the_credentials_in_the_environment_and_prints_neither(tmp_path: Path) -> None:
    """`make label-studio` runs `python -m tagifai.annotate.server`; a stand-in label-studio records what
    it was given."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    seen = tmp_path / "seen"
    stand_in = venv / "bin" / "label-studio"
    stand_in.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > {seen}.argv\n'
        'printf "%s\\n%s\\n%s\\n" "$LABEL_STUDIO_USERNAME" "$LABEL_STUDIO_PASSWORD" "$LABEL_STUDIO_USER_TOKEN"'
        f" > {seen}.env\n"
    )
    stand_in.chmod(0o700)
    data_dir = tmp_path / "label-studio"
    result = subprocess.run(
        [sys.executable, "-m", "tagifai.annotate.server", "--venv", str(venv), "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env={**os.environ, "LABEL_STUDIO_PASSWORD": "", "LABEL_STUDIO_USER_TOKEN": ""},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    token, password = (data_dir / "token").read_text().strip(), (data_dir / "password").read_text().strip()
    assert Path(f"{seen}.env").read_text().split("\n")[:3] == [server.DEFAULT_USERNAME, password, token]
    argv = Path(f"{seen}.argv").read_text()
    assert argv.split("\n")[0] == "start" and "--no-browser" in argv
    for shown in (argv, result.stdout, result.stderr):
        assert token not in shown and password not in shown
    assert str(data_dir / "password") in result.stdout  # it says where the password is
