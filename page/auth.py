"""Who may use the page: logins from POLICY_SEARCH_AUTH or a file, and a warning when the page is open to the
network without one. Gradio's login travels unencrypted: for a trusted office network only."""
from __future__ import annotations

import ipaddress
import json
import logging
import math
import time
from pathlib import Path

from index.errors import UserError

AUTH_ENV = "POLICY_SEARCH_AUTH"
log = logging.getLogger(__name__)

Login = tuple[str, str]


class AuthError(UserError):
    """A login setting that cannot be used (message: Chinese first, then English; never echoes a password)."""


def load_logins(env_value: str | None, auth_file: Path | None) -> list[Login]:
    """(user, password) pairs from POLICY_SEARCH_AUTH ("user:pw,user2:pw2") and/or an --auth-file
    (one user:password a line; blank lines and lines starting with # are skipped). Empty list: no login.

    Only the first ":" separates, so a password may contain ":" (and, in the file, "," and "#");
    spaces around user names and passwords are dropped.
    """
    entries: list[tuple[str, str]] = []
    if env_value and env_value.strip():
        entries += [(item, f"{AUTH_ENV} 第 {n} 项 / item {n}")
                    for n, item in enumerate(env_value.split(","), 1) if item.strip()]
    if auth_file is not None:
        try:
            lines = auth_file.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as problem:
            raise AuthError(f"无法读取登录文件 {auth_file}：{problem} / Cannot read the auth file") from None
        from_file = [(line, f"{auth_file} 第 {n} 行 / line {n}") for n, line in enumerate(lines, 1)
                     if line.strip() and not line.strip().startswith("#")]
        if not from_file:
            raise AuthError(f"登录文件 {auth_file} 中没有“用户名:密码”行 / The auth file has no user:password lines")
        entries += from_file
    logins: dict[str, str] = {}
    for text, where in entries:
        user, colon, password = text.strip().partition(":")
        user, password = user.strip(), password.strip()
        if not colon or not user or not password:
            raise AuthError(f"登录设置格式不对（{where}），应为“用户名:密码” / Bad login entry ({where}): "
                            "expected user:password")
        if user in logins:
            raise AuthError(f"用户名 {user} 重复出现（{where}） / User {user} is listed twice ({where})")
        logins[user] = password
    return list(logins.items())


def is_local_host(host: str) -> bool:
    """True when only this computer can reach the address (127.0.0.1, localhost, ::1 …)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:  # a host name or a LAN address
        return False


def exposure_warning(host: str, logins: list[Login]) -> str | None:
    """The warning to print when the page is reachable from other computers without a login."""
    if logins or is_local_host(host):
        return None
    return (f"警告：网页监听 {host}，其他电脑也能打开，但没有设置登录密码——任何能访问本机的人都能查询、上传和删除报告。"
            f"请设置环境变量 {AUTH_ENV}=用户名:密码，或使用 --auth-file 文件；只在本机使用请去掉 --host。\n"
            f"WARNING: listening on {host} with no login: anyone who can reach this computer can search, "
            f"upload and delete reports. Set {AUTH_ENV}=user:password or pass --auth-file FILE; "
            "drop --host to stay on this computer only.")


# Wrong passwords from one client: after FREE_TRIES in a row, each further try waits BRAKE_SECONDS, doubling, up to
# MAX_BRAKE_SECONDS (30 tries used to take 0.07 s). A right password resets the count; every braked try is logged.
FREE_TRIES = 5
BRAKE_SECONDS = 5.0
MAX_BRAKE_SECONDS = 300.0


class LoginBrake:
    """ASGI middleware in front of Gradio's /login: counts failed logins per client address and answers 429 with
    Retry-After (and a Chinese message) while that client is braked."""

    def __init__(self, app, clock=time.monotonic) -> None:
        self.app = app
        self.clock = clock
        self.failures: dict[str, tuple[int, float]] = {}  # client → (failures in a row, when the last one was)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].rstrip("/").endswith("/login"):
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("?",))[0]
        wait = self.wait(client)
        if wait > 0:
            await _too_many(send, wait)
            return
        status: list[int] = []

        async def noting(message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        await self.app(scope, receive, noting)
        self.record(client, ok=bool(status) and status[0] < 400)

    def wait(self, client: str) -> float:
        """Seconds the client must still wait before trying again (0: it may try)."""
        count, last = self.failures.get(client, (0, 0.0))
        if count < FREE_TRIES:
            return 0.0
        brake = min(BRAKE_SECONDS * 2 ** (count - FREE_TRIES), MAX_BRAKE_SECONDS)
        return max(0.0, last + brake - self.clock())

    def record(self, client: str, ok: bool) -> None:
        if ok:
            self.failures.pop(client, None)
            return
        count = self.failures.get(client, (0, 0.0))[0] + 1
        self.failures[client] = (count, self.clock())
        if count >= FREE_TRIES:
            log.warning("登录失败：%s 已连续 %d 次用户名或密码错误 / %d failed logins in a row from %s",
                        client, count, count, client)


async def _too_many(send, wait: float) -> None:
    body = json.dumps({"detail": f"登录失败次数过多，请 {math.ceil(wait)} 秒后再试 / Too many failed logins; "
                                 f"try again in {math.ceil(wait)} s"}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": 429,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"retry-after", str(math.ceil(wait)).encode())]})
    await send({"type": "http.response.body", "body": body})
