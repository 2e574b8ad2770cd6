"""No network at run time: build and search succeed inside a network namespace with no route out."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import PROJECT, SEED_REPORT

pytestmark = pytest.mark.slow

UNSHARE = shutil.which("unshare")


def _isolated(*args: str, timeout: int = 900, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(PROJECT), PYTHONIOENCODING="utf-8")
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):  # the tool must set these itself
        env.pop(name, None)
    # -r maps us to root inside a new user namespace (works unprivileged too); -n: a network namespace with
    # only a downed loopback, so every connection attempt fails at once.
    return subprocess.run([UNSHARE, "-rn", sys.executable, *args], cwd=PROJECT, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout, input=stdin)


@pytest.fixture(scope="module")
def netns() -> None:
    if UNSHARE is None:
        pytest.skip("unshare(1) is not installed, so no network namespace can be made")
    probe = subprocess.run([UNSHARE, "-rn", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"network namespaces are unavailable here (unshare -rn: {probe.stderr.strip()})")
    proc = _isolated("-c", "import socket\ntry:\n socket.create_connection(('1.1.1.1', 443), timeout=3)\n"
                           " print('CONNECTED')\nexcept OSError as e:\n print('BLOCKED', e)")
    assert proc.stdout.startswith("BLOCKED"), proc.stdout + proc.stderr  # the sandbox really has no network


def test_build_and_search_work_without_network(netns, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED_REPORT, corpus / SEED_REPORT.name)
    index_dir = tmp_path / "index"
    build = _isolated("-m", "index", "build", "--corpus", str(corpus), "--index", str(index_dir))
    assert build.returncode == 0, build.stderr
    assert "报告 / reports: 1" in build.stdout, build.stdout

    search = _isolated("-m", "search", "--index", str(index_dir), "--json", "2023年化解了多少起矛盾纠纷")
    assert search.returncode == 0, search.stderr
    out = json.loads(search.stdout)
    assert out["results"] and "化解矛盾26起" in out["results"][0]["text"]


def test_model_loading_forces_hub_offline(netns) -> None:
    script = (
        "import os, json\n"
        "from index.model import load_model, ModelError\n"
        "load_model()\n"
        "import huggingface_hub.constants as c\n"
        "try:\n"
        "    load_model('intfloat/some-model-that-is-not-cached')\n"
        "    missing = 'loaded?!'\n"
        "except ModelError as e:\n"
        "    missing = str(e)\n"
        "print(json.dumps({'env': os.environ.get('HF_HUB_OFFLINE'), 'hub': c.HF_HUB_OFFLINE, 'missing': missing}))\n")
    proc = _isolated("-c", script)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["env"] == "1" and out["hub"] is True
    assert "不联网下载" in out["missing"] and "never downloads" in out["missing"]


def _fresh_copy(target: Path) -> Path:
    """The project as a clone would have it (tracked and new files; no .venv, no index, no caches)."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=PROJECT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (PROJECT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT / name, target / name)
    return target


@pytest.mark.skipif(shutil.which("git") is None or not (PROJECT / ".git").exists(), reason="needs a git checkout")
def test_a_bundle_installs_and_answers_with_no_network(netns, tmp_path: Path) -> None:
    """The issue's check: bundle.sh here (network), then in a fresh copy inside a namespace with no network:
    setup.sh --from, and `policy-search ask` answers, restoring and exporting nothing."""
    bundle = tmp_path / "bundle"
    made = subprocess.run(["sh", "scripts/bundle.sh", str(bundle)], cwd=PROJECT, capture_output=True, text=True,
                          timeout=1800)
    assert made.returncode == 0, made.stderr[-3000:]
    manifest = json.loads((bundle / "bundle.json").read_text(encoding="utf-8"))
    assert manifest["extras"] == ["run", "milvus", "test"] and manifest["cuda_packages"] == 0 and manifest["glibc"]
    assert (bundle / "model" / manifest["model"] / "onnx-int8-pc-v1" / "model.onnx").is_file()
    assert any(w.name.startswith("jieba-") and w.name.endswith("-none-any.whl") for w in (bundle / "wheels").iterdir())

    project = _fresh_copy(tmp_path / "project")
    cache = tmp_path / "cache"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "POLICY_SEARCH_", "HF_", "TRANSFORMERS_"))}
    env |= {"POLICY_SEARCH_CACHE": str(cache), "HOME": str(tmp_path / "home"), "PYTHONIOENCODING": "utf-8"}
    script = ('python3 -c "import socket; socket.create_connection((\'pypi.org\', 443), timeout=3)" 2>/dev/null '
              '&& { echo NETWORK; exit 9; }; '
              'sh scripts/setup.sh --from ../bundle && .venv/bin/policy-search ask "2023年化解了多少起矛盾纠纷"')
    run = subprocess.run([UNSHARE, "-rn", "sh", "-c", script], cwd=project, env=env, capture_output=True, text=True,
                         encoding="utf-8", timeout=1800)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    assert "化解矛盾26起" in run.stdout.split("[2]")[0], run.stdout[:2000]  # the first result's marked figure
    assert "离线包完好" in run.stderr and "首次使用：正在为 corpus/ 建立索引" in run.stderr
    assert "还原默认模型" not in run.stderr and "导出并量化" not in run.stderr, run.stderr  # nothing restored or exported
    assert (cache / "models" / manifest["model"] / "onnx-int8-pc-v1" / "model.onnx").is_file()

    # The test packages from the same bundle, still with no network.
    tests = subprocess.run([UNSHARE, "-rn", "sh", "-c", "sh scripts/setup.sh test --from ../bundle && .venv/bin/python "
                            "-c 'import pytest, playwright, pymilvus, milvus_lite, hypothesis, reportlab'"],
                           cwd=project, env=env, capture_output=True, text=True, encoding="utf-8", timeout=900)
    assert tests.returncode == 0, tests.stderr[-3000:]

    # A file damaged in copying stops the install before anything is installed, naming the file.
    wheel = next((bundle / "wheels").glob("jieba-*.whl"))
    with wheel.open("ab") as fh:
        fh.write(b"\0")
    again = _fresh_copy(tmp_path / "again")
    refused = subprocess.run([UNSHARE, "-rn", "sh", "scripts/setup.sh", "--from", str(bundle)], cwd=again, env=env,
                             capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert refused.returncode == 2 and f"wheels/{wheel.name}" in refused.stderr, refused.stderr
    assert not (again / ".venv").exists()
