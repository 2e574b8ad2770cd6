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
    """Every listed file present with its checksum, and no file missing from the list; the count checked."""
    sums = bundle / SUMS
    if not sums.is_file():
        raise BundleError(f"{bundle} 不是离线包（缺少 {SUMS}） / {bundle} is not an offline bundle (no {SUMS})")
    listed: dict[str, str] = {}
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    for done, (name, digest) in enumerate(listed.items(), 1):
        path = bundle / name
        if not path.is_file():
            raise BundleError(f"离线包不完整，缺少文件：{name}（请重新复制离线包） / The bundle is incomplete; missing: {name}")
        if sha256(path) != digest:
            raise BundleError(f"文件校验失败（复制时损坏或被改动）：{name}；请重新复制离线包 / Checksum mismatch (damaged "
                              f"or altered in copying): {name}; copy the bundle again")
        print(f"\r核对 / verifying {done}/{len(listed)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    unlisted = [p.relative_to(bundle).as_posix() for p in bundle_files(bundle)
                if p.relative_to(bundle).as_posix() not in listed and p.parts[len(bundle.parts)] in ("wheels", "model")]
    if unlisted:
        raise BundleError(f"离线包里有未登记的文件：{unlisted[0]}（不会安装未经校验的软件） / The bundle holds a file its "
                          f"checksum list does not: {unlisted[0]} (unchecked software is not installed)")
    return len(listed)


def venv_python(project: Path) -> Path:
    return project / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def install(bundle: Path, extra: str, project: Path = PROJECT) -> None:
    checked = verify(bundle)
    print(f"离线包完好（{checked} 个文件） / bundle intact ({checked} files)", file=sys.stderr)
    manifest = json.loads((bundle / MANIFEST).read_text(encoding="utf-8"))
    _check_target(manifest)
    python = venv_python(project)
    if not python.is_file():
        print("创建虚拟环境 / creating .venv ...", file=sys.stderr, flush=True)
        venv.create(project / ".venv", with_pip=True)
    wheels = bundle / "wheels"
    want = "." if extra == "run" else f".[{extra}]"
    if extra not in manifest["extras"]:
        raise BundleError(f"离线包不含“{extra}”所需的软件包（含：{', '.join(manifest['extras'])}） / The bundle has no "
                          f"packages for {extra!r} (it has: {', '.join(manifest['extras'])})")
    print(f"从离线包安装依赖 / installing from the bundle ({extra}) ...", file=sys.stderr, flush=True)
    pip = [str(python), "-m", "pip", "install", "-q", "--no-index", "--find-links", str(wheels)]
    # The user's pip settings may name an index or constraints; a bundle install reads the bundle and nothing else.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")} | {"PIP_CONFIG_FILE": os.devnull}
    _run([*pip, "--upgrade", "pip"], env)
    _run([*pip, f"torch=={manifest['torch']}", "-e", want], env, cwd=project)
    model = bundle / "model" / manifest["model"]
    print("放置模型 / placing the model ...", file=sys.stderr, flush=True)
    _run([str(python), "-c", "import sys; from pathlib import Path; from index.embed import place_model; "
          "print(place_model(Path(sys.argv[1])))", str(model)], env, cwd=project)


def _check_target(manifest: dict) -> None:
    import platform

    machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.machine().lower(), platform.machine().lower())
    system = platform.system().lower()
    here = f"{system}-{machine}"
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    if manifest["target"] != here or manifest["python"] != python:
        raise BundleError(f"此离线包用于 {manifest['target']}、Python {manifest['python']}，本机为 {here}、Python {python}；"
                          f"请用 bundle.sh --target/--python 为本机另做离线包 / This bundle is for {manifest['target']} "
                          f"with Python {manifest['python']}; this machine is {here} with Python {python}: make one "
                          f"for it with bundle.sh --target/--python")


def _run(command: list[str], env: dict[str, str], cwd: Path | None = None) -> None:
    done = subprocess.run(command, env=env, cwd=cwd)
    if done.returncode:
        raise BundleError(f"安装失败（见上方 pip 的输出） / Installation failed (see pip's output above): {' '.join(command[:4])} …")


def main(argv: list[str] | None = None) -> int:
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
    except (BundleError, OSError, ValueError, KeyError) as problem:
        print(f"\n错误 / Error: {problem}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
