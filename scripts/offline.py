"""The offline bundle's checksums and its installation; the standard library only, so it runs before anything is
installed (scripts/bundle.sh writes bundles, scripts/setup.sh --from installs them).

    python3 scripts/offline.py sums DIR                 write DIR/SHA256SUMS for every file in the bundle
    python3 scripts/offline.py verify DIR               check every file against it
    python3 scripts/offline.py install DIR [--extra X]  verify, then install into .venv with no network, place the model
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

SUMS = "SHA256SUMS"
MANIFEST = "bundle.json"
PROJECT = Path(__file__).resolve().parent.parent


class BundleError(Exception):
    """A bundle that cannot be installed (message: Chinese first, then English)."""


def sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def bundle_files(bundle: Path) -> list[Path]:
    return sorted(p for p in bundle.rglob("*") if p.is_file() and p.name != SUMS)


def write_sums(bundle: Path) -> int:
    files = bundle_files(bundle)
    lines = [f"{sha256(p)}  {p.relative_to(bundle).as_posix()}\n" for p in files]
    (bundle / SUMS).write_text("".join(lines), encoding="utf-8")
    return len(lines)


def verify(bundle: Path) -> int:
    """Every listed file present with its checksum, and no program file missing from the list; the count checked.
    The list lives in the bundle, so this finds damage in copying; a deliberate change is found only by comparing
    the list's own hash (bundle.sh prints it) through another channel."""
    sums = bundle / SUMS
    if not sums.is_file():
        raise BundleError(f"{bundle} 不是离线包（缺少 {SUMS}） / {bundle} is not an offline bundle (no {SUMS})")
    listed: dict[str, str] = {}
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    progress = _Progress(len(listed))
    for name, digest in listed.items():
        path = bundle / name
        if not path.is_file():
            raise BundleError(f"离线包不完整，缺少文件：{name}（请重新复制离线包） / The bundle is incomplete; missing: {name}")
        if sha256(path) != digest:
            raise BundleError(f"文件校验失败（复制时损坏）：{name}；请重新复制离线包 / Checksum mismatch (damaged in "
                              f"copying): {name}; copy the bundle again")
        progress.step()
    unlisted = [name for name in (p.relative_to(bundle).as_posix() for p in bundle_files(bundle))
                if name not in listed and not _made_here(name)]
    if unlisted:
        raise BundleError(f"离线包里有未登记的文件：{unlisted[0]}（不会安装未经校验的软件） / The bundle holds a file its "
                          f"checksum list does not: {unlisted[0]} (unchecked software is not installed)")
    return len(listed)


def _made_here(name: str) -> bool:
    """What installing and using the bundled program adds to it: its .venv, index, caches, and reports put into
    its corpus folder."""
    parts = name.split("/")
    if parts[0] != "policy-search":
        return False
    return (parts[1] in (".venv", "data", "corpus") or any(p in ("__pycache__", ".pytest_cache", ".ruff_cache")
            or p.endswith(".egg-info") for p in parts))


class _Progress:
    """"核对 120/334" on one line at a terminal; every 100 files and the last in a log."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.live = total, 0, sys.stderr.isatty()

    def step(self) -> None:
        self.done += 1
        if self.live:
            print(f"\r核对 / verifying {self.done}/{self.total}", end="", file=sys.stderr, flush=True)
            if self.done == self.total:
                print(file=sys.stderr)
        elif self.done % 100 == 0 or self.done == self.total:
            print(f"核对 / verifying {self.done}/{self.total}", file=sys.stderr, flush=True)


def install(bundle: Path, extra: str, project: Path = PROJECT) -> None:
    checked = verify(bundle)
    print(f"离线包完好（{checked} 个文件） / bundle intact ({checked} files)", file=sys.stderr)
    manifest = json.loads((bundle / MANIFEST).read_text(encoding="utf-8"))
    _check_target(manifest)
    if extra not in manifest["extras"]:
        raise BundleError(f"离线包不含“{extra}”所需的软件包（含：{', '.join(manifest['extras'])}） / The bundle has no "
                          f"packages for {extra!r} (it has: {', '.join(manifest['extras'])})")
    python = _usable_venv(project)
    want = "." if extra == "run" else f".[{extra}]"
    print(f"从离线包安装依赖 / installing from the bundle ({extra}) ...", file=sys.stderr, flush=True)
    pip = [str(python), "-m", "pip", "install", "-q", "--no-index", "--find-links", str(bundle / "wheels")]
    # The user's pip settings may name an index or constraints; a bundle install reads the bundle and nothing else.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    _run([*pip, "--upgrade", "pip"], env, "pip")
    _run([*pip, f"torch=={manifest['torch']}", "-e", want], env, "pip", cwd=project)
    print("放置模型 / placing the model ...", file=sys.stderr, flush=True)
    _run([str(python), "-c", _PLACE_MODEL, str(bundle / "model" / manifest["model"])], env, "place_model", cwd=project)


# Run by the new environment's Python: the model's code is the installed program's. Its failures are one line.
_PLACE_MODEL = """import sys
from pathlib import Path
from index.embed import place_model
from index.errors import UserError
try:
    print(place_model(Path(sys.argv[1])))
except UserError as problem:
    sys.exit(f"错误 / Error: {problem}")
"""


def venv_python(project: Path) -> Path:
    return project / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _usable_venv(project: Path) -> Path:
    """.venv's Python, made when missing, made again when an earlier attempt left one without pip."""
    python, folder = venv_python(project), project / ".venv"
    if python.is_file() and subprocess.run([str(python), "-m", "pip", "--version"], capture_output=True).returncode == 0:
        return python
    if folder.exists():
        print("上次创建的虚拟环境不完整，重新创建 / .venv is incomplete (an earlier attempt failed); making it again",
              file=sys.stderr)
        shutil.rmtree(folder)
    print("创建虚拟环境 / creating .venv ...", file=sys.stderr, flush=True)
    try:
        venv.create(folder, with_pip=True)
    except (subprocess.CalledProcessError, OSError) as problem:
        shutil.rmtree(folder, ignore_errors=True)
        raise BundleError("无法创建虚拟环境：本机 Python 缺少 venv/ensurepip（Debian、统信、麒麟请安装 python3-venv 等对应软件包）"
                          f" / Cannot create .venv: this Python lacks venv/ensurepip (Debian/UOS/Kylin: the "
                          f"python3-venv package for this Python) ({problem})") from None
    return python


def _check_target(manifest: dict) -> None:
    import platform

    machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.machine().lower(), platform.machine().lower())
    here = f"{platform.system().lower()}-{machine}"
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    if manifest["target"] != here or manifest["python"] != python:
        raise BundleError(f"此离线包用于 {manifest['target']}、Python {manifest['python']}，本机为 {here}、Python {python}"
                          f"（可用 PYTHON=/路径/python{manifest['python']} sh scripts/setup.sh --from … 指定 Python，或用 "
                          f"bundle.sh --target/--python 为本机另做离线包） / This bundle is for {manifest['target']} with "
                          f"Python {manifest['python']}; this machine is {here} with Python {python} (name another "
                          f"Python with PYTHON=…, or make a bundle for this machine with bundle.sh --target/--python)")
    glibc = _glibc()
    if glibc and _version(glibc) < _version(manifest["glibc"]):
        raise BundleError(f"本机 glibc {glibc} 低于离线包所需的 {manifest['glibc']}（如 CentOS 7）；请换用较新的系统 / This "
                          f"machine's glibc {glibc} is older than the bundle's floor {manifest['glibc']} (e.g. CentOS 7)")


def _glibc() -> str | None:
    try:
        found = os.confstr("CS_GNU_LIBC_VERSION") or ""
    except (AttributeError, ValueError, OSError):  # not Linux, or not glibc
        return None
    return found.split()[-1] if found.startswith("glibc") else None


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".") if part.isdigit())


def _run(command: list[str], env: dict[str, str], step: str, cwd: Path | None = None) -> None:
    if subprocess.run(command, env=env, cwd=cwd).returncode:
        said = {"pip": "安装软件包失败（见上方 pip 的输出） / Installing the packages failed (see pip's output above)",
                "place_model": "放置模型失败（见上一行） / Placing the model failed (see the line above)"}[step]
        raise BundleError(said)


def main(argv: list[str] | None = None) -> int:
    if sys.version_info < (3, 11):
        print(f"错误 / Error: 需要 Python 3.11 或更高版本（本机 {sys.version.split()[0]}）；可用 PYTHON=/路径/python3.11 "
              f"sh scripts/setup.sh --from … 指定 / Python 3.11 or newer is needed (this is {sys.version.split()[0]}); "
              f"name it with PYTHON=/path/to/python3.11", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="offline.py", description="离线包 / offline bundle")
    parser.add_argument("command", choices=["sums", "verify", "install"])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--extra", default="run", choices=["run", "milvus", "test"])
    args = parser.parse_args(argv)
    bundle = args.bundle.resolve()
    try:
        if args.command == "sums":
            print(f"{write_sums(bundle)} 个文件已登记 / files listed in {bundle / SUMS}")
        elif args.command == "verify":
            print(f"离线包完好 / bundle intact: {verify(bundle)} 个文件 / files")
        else:
            install(bundle, args.extra)
    except KeyboardInterrupt:
        print("\n已中断；再次运行即可继续 / Interrupted; run the same command again to finish", file=sys.stderr)
        return 130
    except (BundleError, OSError, ValueError, KeyError) as problem:
        print(f"\n错误 / Error: {problem}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
