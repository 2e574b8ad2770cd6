"""Login for the web page: parsing POLICY_SEARCH_AUTH / --auth-file, the open-host warning, and a real
app.py started with a login, driven over HTTP and gradio_client."""
from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from page.auth import AUTH_ENV, AuthError, exposure_warning, is_local_host, load_logins
from helpers import PROJECT, app_command, free_port, serve_app

pytestmark = pytest.mark.slow

STARTUP_LIMIT = 600  # seconds; only bounds a hung start (model restore + embedding corpus/)
QUESTION = "2023年化解了多少起矛盾纠纷"
USER, PASSWORD = "reader", "s3cret:with#colon"


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != AUTH_ENV}
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


# ------------------------------------------------------------------------------------- parsing (no server)


def test_env_value_several_logins() -> None:
    assert load_logins(f"{USER}:{PASSWORD}, admin:pw ,", None) == [(USER, PASSWORD), ("admin", "pw")]


def test_unset_or_blank_means_no_login() -> None:
    assert load_logins(None, None) == []
    assert load_logins("   ", None) == []


def test_file_with_comments_and_blank_lines(tmp_path: Path) -> None:
    file = tmp_path / "logins.txt"
    file.write_text("\ufeff# 登录名单\n\nreader:s3cret:with#colon\n   # indented comment\nadmin : pw \n",
                    encoding="utf-8")
    assert load_logins(None, file) == [(USER, PASSWORD), ("admin", "pw")]


def test_env_and_file_combine(tmp_path: Path) -> None:
    file = tmp_path / "logins.txt"
    file.write_text("admin:pw\n", encoding="utf-8")
    assert load_logins(f"{USER}:{PASSWORD}", file) == [(USER, PASSWORD), ("admin", "pw")]


@pytest.mark.parametrize("line", ["just-a-name", "nobody:", ":orphan-password", "   :   "])
def test_bad_file_line_names_the_line_and_hides_the_text(tmp_path: Path, line: str) -> None:
    file = tmp_path / "logins.txt"
    file.write_text(f"# ok\nadmin:pw\n{line}\n", encoding="utf-8")
    with pytest.raises(AuthError, match="第 3 行 / line 3") as caught:
        load_logins(None, file)
    assert "用户名:密码" in str(caught.value) and "expected user:password" in str(caught.value)
    assert "orphan-password" not in str(caught.value)


def test_bad_env_item_is_an_error() -> None:
    with pytest.raises(AuthError, match="第 2 项 / item 2"):
        load_logins("admin:pw,oops", None)


def test_duplicate_user_is_an_error() -> None:
    with pytest.raises(AuthError, match="重复"):
        load_logins("admin:one,admin:two", None)


def test_file_without_logins_is_an_error(tmp_path: Path) -> None:
    file = tmp_path / "logins.txt"
    file.write_text("# nothing yet\n\n", encoding="utf-8")
    with pytest.raises(AuthError, match="没有“用户名:密码”行"):
        load_logins(None, file)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(AuthError, match="无法读取登录文件"):
        load_logins(None, tmp_path / "absent.txt")


# ------------------------------------------------------------------------------------- the open-host warning


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "[::1]", "LOCALHOST"])
def test_local_hosts(host: str) -> None:
    assert is_local_host(host)
    assert exposure_warning(host, []) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "policy.example.org"])
def test_other_hosts_warn_without_login(host: str) -> None:
    assert not is_local_host(host)
    warning = exposure_warning(host, [])
    assert warning is not None
    assert warning.index("警告") < warning.index("WARNING")  # Chinese first
    assert AUTH_ENV in warning and "--auth-file" in warning
    assert exposure_warning(host, [(USER, PASSWORD)]) is None


def _stderr_until(process: subprocess.Popen, wanted: str, limit: float = 120) -> str:
    """Lines of a starting app.py up to the one containing `wanted` (or its exit)."""
    seen: list[str] = []
    deadline = time.monotonic() + limit
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if wanted in line:
            break
    return "".join(seen)


def test_startup_on_open_host_without_login_prints_the_warning(tmp_path: Path) -> None:
    # The warning comes before the model loads; the process is stopped right then, long before it would listen.
    process = subprocess.Popen(app_command(tmp_path, free_port(), "--host", "0.0.0.0"), cwd=PROJECT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=clean_env())
    try:
        output = _stderr_until(process, "WARNING")
    finally:
        process.kill()
        process.wait(30)
    assert "警告：网页监听 0.0.0.0" in output and "WARNING: listening on 0.0.0.0 with no login" in output


def test_startup_with_a_bad_login_setting_stops_at_once(tmp_path: Path) -> None:
    result = subprocess.run(app_command(tmp_path, free_port()), cwd=PROJECT, capture_output=True, text=True,
                            env=clean_env(**{AUTH_ENV: "admin"}), timeout=120)
    assert result.returncode == 2
    assert "登录设置格式不对" in result.stderr and "Loading the embedding model" not in result.stderr


# ------------------------------------------------------------------------------------- a served app with a login


@pytest.fixture(scope="module")
def login_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("auth")
    auth_file = workdir / "logins.txt"
    auth_file.write_text("# second login from a file\nadmin:other-pw\n", encoding="utf-8")
    with serve_app(workdir, "--host", "127.0.0.1", "--auth-file", str(auth_file),
                   env=clean_env(**{AUTH_ENV: f"{USER}:{PASSWORD}"})) as url:
        assert "Login required (2 user(s))" in (workdir / "app.log").read_text(errors="replace")
        yield url

def _status(request: urllib.request.Request | str) -> int:
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_unauthenticated_http_is_refused(login_url: str) -> None:
    assert _status(login_url + "config") == 401
    assert _status(login_url + "gradio_api/info") == 401
    call = urllib.request.Request(login_url + "gradio_api/call/search", method="POST",
                                  data=json.dumps({"data": [QUESTION]}).encode(),
                                  headers={"Content-Type": "application/json"})
    assert _status(call) == 401
    upload = urllib.request.Request(login_url + "gradio_api/upload", method="POST", data=b"",
                                    headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert _status(upload) == 401


def test_unauthenticated_client_is_refused(login_url: str) -> None:
    from gradio_client import Client

    with pytest.raises(Exception):  # noqa: B017 - gradio_client reports a missing login in its own ways
        Client(login_url, verbose=False).predict(QUESTION, api_name="/search")
    with pytest.raises(Exception):  # noqa: B017
        Client(login_url, auth=(USER, "wrong"), verbose=False)


def test_authenticated_client_gets_results(login_url: str) -> None:
    from gradio_client import Client

    result = Client(login_url, auth=(USER, PASSWORD), verbose=False).predict(QUESTION, api_name="/search")
    assert result["confident"] is True
    assert any("化解矛盾26起" in r["text"] for r in result["results"])
    other = Client(login_url, auth=("admin", "other-pw"), verbose=False).predict(QUESTION, 2, api_name="/search")
    assert 0 < len(other["results"]) <= 2


def test_upload_api_keeps_the_type_limit(login_url: str, tmp_path: Path) -> None:
    from gradio_client import Client, handle_file

    program = tmp_path / "程序.exe"
    program.write_bytes(b"MZ\x90\x00")
    client = Client(login_url, auth=(USER, PASSWORD), verbose=False)
    outcome = client.predict([handle_file(str(program))], api_name="/upload")
    assert outcome["kept"] == []
    assert [r["name"] for r in outcome["rejected"]] == ["程序.exe"]
    assert "不支持的文件类型" in outcome["rejected"][0]["reason"]
    assert outcome["reports"] == 1


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_an_open_host_prints_addresses_a_colleague_can_open(host: str) -> None:
    from app import open_addresses

    addresses = open_addresses(host)
    assert addresses[0] == "127.0.0.1" and host not in addresses and "0.0.0.0" not in addresses
    assert open_addresses("192.168.1.20") == ["192.168.1.20"]


def test_repeated_wrong_passwords_are_braked_and_logged(login_url: str) -> None:
    # Last in this module: it leaves 127.0.0.1 braked for a few seconds.
    def login(password: str) -> urllib.request.Request:
        return urllib.request.Request(login_url + "login", method="POST",
                                      data=f"username={USER}&password={password}".encode(),
                                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert [_status(login("wrong")) for _ in range(5)] == [400] * 5
    try:  # now even the right password waits
        urllib.request.urlopen(login(PASSWORD), timeout=30)
        pytest.fail("a braked client logged in")
    except urllib.error.HTTPError as error:
        assert error.code == 429 and int(error.headers["Retry-After"]) >= 1
        assert "登录失败次数过多" in error.read().decode("utf-8")


def test_the_brake_doubles_per_failure_and_a_right_login_releases_it(caplog) -> None:
    from page.auth import BRAKE_SECONDS, FREE_TRIES, LoginBrake

    now = [100.0]
    brake = LoginBrake(app=None, clock=lambda: now[0])
    for _ in range(FREE_TRIES - 1):
        brake.record("10.0.0.7", ok=False)
    assert brake.wait("10.0.0.7") == 0 and not caplog.records
    brake.record("10.0.0.7", ok=False)
    assert brake.wait("10.0.0.7") == BRAKE_SECONDS and brake.wait("10.0.0.8") == 0  # per client
    brake.record("10.0.0.7", ok=False)
    assert brake.wait("10.0.0.7") == 2 * BRAKE_SECONDS
    now[0] += 2 * BRAKE_SECONDS
    assert brake.wait("10.0.0.7") == 0
    assert "10.0.0.7" in caplog.text and "连续 6 次" in caplog.text
    brake.record("10.0.0.7", ok=True)
    brake.record("10.0.0.7", ok=False)
    assert brake.wait("10.0.0.7") == 0
