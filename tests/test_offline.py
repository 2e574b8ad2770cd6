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
