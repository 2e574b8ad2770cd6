"""Web page for policy-search: `python app.py`, then open http://127.0.0.1:7860.

Start-up only: check the logins, load the model, bring the index up to date with corpus/ and the uploads,
then serve the page (page/: logins, library, HTML, Gradio wiring).
"""
from __future__ import annotations

import argparse
import contextlib
import logging
import os
import socket
import sys
from pathlib import Path

from index.backends import index_location
from index.cli import exit_code, format_summary, terminal_progress
from index.embed import Embedder
from index.errors import StoreError, UserError
from page.auth import AUTH_ENV, exposure_warning, load_logins
from page.library import Library
from page.rest import DOCS
from page.server import MCP_PATH, serve
from page.wiring import log
from search.llm import add_llm_options, llm_config


def prepare(args: argparse.Namespace) -> Library:
    """Load the model once, bring the index up to date with corpus + uploads, open the searcher."""
    print("正在加载嵌入模型… / Loading the embedding model…", file=sys.stderr, flush=True)
    library = Library(args.corpus, args.data / "uploads", args.index, Embedder(), store=args.store)
    if library.read_only:  # another machine builds; this one only answers
        print(f"只读服务 Milvus 中的索引 / Serving the index in Milvus read-only: {args.index}", file=sys.stderr)
        library.open_existing()
        return library
    if not args.corpus.exists():
        print(f"提示：找不到报告文件夹 {args.corpus}，只使用上传的报告。 / Corpus folder not found.", file=sys.stderr)
    print("正在检查报告并更新索引… / Updating the index…", file=sys.stderr, flush=True)
    progress, done = terminal_progress()
    try:
        summary = library.start(progress)
        done()
        print(format_summary(summary, args.index), file=sys.stderr)
    except StoreError as problem:  # e.g. no reports yet: still serve, so files can be uploaded
        done()
        print(f"提示 / Note: {problem}", file=sys.stderr)
        library.open_existing()
    return library


def main(argv: list[str] | None = None, prog: str = "python app.py") -> int:
    args = _parser(prog).parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    log.setLevel(logging.INFO)  # our timings, not every HTTP request of the libraries
    try:
        logins = load_logins(os.environ.get(AUTH_ENV), args.auth_file)  # before the slow model load: typos show at once
        warning = exposure_warning(args.host, logins)
        if warning:
            print(warning, file=sys.stderr, flush=True)
        elif logins:
            print(f"已开启登录（{len(logins)} 个用户） / Login required ({len(logins)} user(s))", file=sys.stderr)
        llm = llm_config(args.llm_url, args.llm_model, args.llm_key, args.llm_timeout)  # before the model load too
        library = prepare(args)
    except (UserError, KeyboardInterrupt) as problem:
        return exit_code(problem)
    if warning:  # again, so the progress output above does not hide it
        print(warning, file=sys.stderr)
    addresses = "  ".join(f"http://{a}:{args.port}" for a in open_addresses(args.host))
    print(f"已就绪，请在浏览器打开 / Ready: {addresses}", file=sys.stderr, flush=True)
    first = f"http://{open_addresses(args.host)[0]}:{args.port}"
    print(f"REST 接口说明 / REST API docs: {first}{DOCS}", file=sys.stderr)
    print(f"MCP 服务 / MCP server: {first}{MCP_PATH}" if not logins else
          "已开启登录，MCP 服务关闭（REST 接口用 HTTP Basic 登录） / With logins the MCP server is off; "
          "the REST API takes HTTP Basic", file=sys.stderr, flush=True)
    if llm is not None:
        print(f"本地模型归纳已开启 / LLM answers on: {llm.model} @ {llm.endpoint}", file=sys.stderr, flush=True)
    serve(library, args.host, args.port, logins, llm)
    return 0


def open_addresses(host: str) -> list[str]:
    """The addresses a browser can open: for 0.0.0.0 (or ::) this computer's own and the ones colleagues on the
    network can reach, not "0.0.0.0"."""
    if host not in ("0.0.0.0", "::", ""):
        return [host]
    found = ["127.0.0.1"]
    with contextlib.suppress(OSError):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))  # picks the outgoing interface; sends nothing
            found.append(probe.getsockname()[0])
    with contextlib.suppress(OSError):
        found.extend(a for a in socket.gethostbyname_ex(socket.gethostname())[2] if not a.startswith("127."))
    return list(dict.fromkeys(found))


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="政策报告检索网页 / Policy search web page")
    parser.add_argument("--host", default="127.0.0.1",
                        help="监听地址；其他地址（如 0.0.0.0）会让局域网内的电脑也能打开，请同时设置登录 / "
                             "address (default 127.0.0.1, this computer only)")
    parser.add_argument("--auth-file", type=Path, default=None, metavar="PATH",
                        help=f"登录文件：每行一个“用户名:密码”，# 开头为注释；也可用环境变量 {AUTH_ENV}=用户名:密码,… / "
                             "login file, one user:password a line (plain HTTP: use on a trusted network)")
    parser.add_argument("--port", type=int, default=7860, help="端口 / port (default 7860)")
    parser.add_argument("--index", type=index_location, default=Path("data/index"),
                        help="索引目录，启动时与 --corpus 和上传文件保持一致（文件已删除的报告从索引中删除；用别的文件夹建的"
                             "索引保持原样）；或 Milvus 地址，只读服务（由另一台机器建库）/ index directory, kept in step "
                             "with --corpus and the uploads at start (reports whose file was deleted are removed; an index "
                             "built from another folder is left as it is); or a Milvus address, served read-only "
                             "(another machine builds)")
    parser.add_argument("--corpus", type=Path, default=Path("corpus"), help="报告文件夹 / corpus folder")
    parser.add_argument("--store", metavar="URI", default=None,
                        help="把索引移到 Milvus：milvus:///文件.db 或 http://主机:19530（记入索引，之后无需再给）/ move the "
                             "index to Milvus: milvus:///file.db or http://host:19530 (recorded; not needed again)")
    parser.add_argument("--data", type=Path, default=Path("data"), help="数据目录（上传文件在 uploads/）/ data directory")
    add_llm_options(parser)
    return parser


if __name__ == "__main__":
    sys.exit(main())
