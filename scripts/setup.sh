#!/usr/bin/env sh
# Set up (or bring up to date) the project's virtual environment in .venv.
#   sh scripts/setup.sh         what the page and the command line need
#   sh scripts/setup.sh milvus  plus pymilvus and milvus-lite, for --store (README: Milvus)
#   sh scripts/setup.sh test    plus what the tests need (pytest, Playwright, Debian's Chromium, CJK fonts, LibreOffice)
#   sh scripts/setup.sh [test|milvus] --from DIR   the same from an offline bundle (scripts/bundle.sh), no network
# Safe to run again: it only installs what is missing or changed.
set -eu
here=$(pwd)
cd "$(dirname "$0")/.."
want=run
bundle=""
while [ $# -gt 0 ]; do
    case "$1" in
        --from) [ $# -ge 2 ] || { echo "错误 / Error: --from 需要离线包目录 / --from needs the bundle folder" >&2; exit 2; }
                case "$2" in /*) bundle=$2 ;; *) bundle="$here/$2" ;; esac  # relative to where it was typed
                shift 2 ;;
        run|milvus|test) want=$1; shift ;;
        *) echo "错误 / Error: 未知参数 / unknown argument: $1 (run | milvus | test, --from DIR)" >&2; exit 2 ;;
    esac
done
py=${PYTHON:-python3}

if [ -n "$bundle" ]; then
    # Checksums first, then pip with --no-index from the bundle's wheels, then the model into the cache.
    "$py" scripts/offline.py install "$bundle" --extra "$want"
    missing=""
    ldconfig -p 2>/dev/null | grep -q "libGL.so.1 " || missing="$missing libgl1（扫描件识别 / OCR）"
    command -v soffice >/dev/null || missing="$missing libreoffice-writer-nogui（.doc/.wps）"
    if [ "$want" = test ]; then
        [ -x /usr/bin/chromium ] || missing="$missing chromium"
        [ -d /usr/share/fonts/opentype/noto ] || missing="$missing fonts-noto-cjk"
    fi
    [ -z "$missing" ] || echo "提示：离线包不含系统软件，缺少:$missing；请用本单位的软件源安装 / Note: system packages" \
        "are not in the bundle; missing:$missing (install them from your own package mirror)" >&2
    echo "安装完成 / installed. 启动 / start: .venv/bin/policy-search serve   提问 / ask: .venv/bin/policy-search ask \"问题\"" >&2
    exit 0
fi

if [ ! -x .venv/bin/python ]; then
    echo "创建虚拟环境 / creating .venv ..."
    "$py" -m venv .venv
fi

extras=""
[ "$want" = test ] && extras="[test]"
[ "$want" = milvus ] && extras="[milvus]"  # the page and command line with Milvus (README: Milvus)
stamp=".venv/.installed-$want"
fingerprint=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$fingerprint" ]; then
    echo "安装依赖 / installing dependencies ($want) ..."
    .venv/bin/pip install -q --upgrade pip
    # The CPU build of torch first: an unpinned torch would pull a multi-GB GPU build.
    .venv/bin/pip install -q "torch==2.13.0"
    .venv/bin/pip install -q -e ".$extras"
    echo "$fingerprint" > "$stamp"
fi

# The tests drive Debian's Chromium, render CJK text (fonts-noto-cjk), convert .doc/.wps (LibreOffice) and run OCR
# (OpenCV needs libGL).
if [ "$want" = test ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    packages=""
    [ -x /usr/bin/chromium ] || packages="$packages chromium"
    [ -d /usr/share/fonts/opentype/noto ] || packages="$packages fonts-noto-cjk"
    command -v soffice >/dev/null || packages="$packages libreoffice-writer-nogui"
    ldconfig -p 2>/dev/null | grep -q "libGL.so.1 " || packages="$packages libgl1"  # OpenCV, under the OCR engine
    if [ -n "$packages" ]; then
        echo "安装测试所需的系统软件 / installing system packages for the tests:$packages ..."
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
    fi
fi
