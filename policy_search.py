"""The `policy-search` command installed with the package: one name for the entry points that stay as they were.

    policy-search serve [options]        the page             = python app.py
    policy-search build [options]        build or update      = python -m index build
    policy-search ask "问题" [options]    answer a question    = python -m search
    policy-search check [--index DIR]    verify the index     = python -m index check
    policy-search info  [--index DIR]    what the index holds = python -m index info

`ask` on a machine that has no index yet builds one of corpus/ first, as the page's first start does, so the first
command after an install answers.
"""
from __future__ import annotations

import sys
from pathlib import Path

USAGE = """用法 / usage: policy-search {serve,build,ask,check,info} [选项 / options]
  serve   启动网页 / start the page (python app.py)
  build   建立或更新索引 / build or update the index (python -m index build)
  ask     回答一个问题 / answer a question (python -m search)
  check   核对索引文件 / verify the index files (python -m index check)
  info    索引概况 / what the index holds (python -m index info)
每个命令加 --help 查看选项 / add --help to a command for its options"""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command, rest = (argv[0], argv[1:]) if argv else ("", [])
    if command == "serve":
        import app

        return app.main(rest, prog="policy-search serve")
    if command in ("build", "check", "info"):
        from index.__main__ import main as index_main

        return index_main([command, *rest], prog="policy-search")
    if command == "ask":
        return ask(rest)
    if command in ("-h", "--help"):
        print(USAGE)
        return 0
    if command:
        print(f"未知命令 / unknown command: {command}", file=sys.stderr)
    print(USAGE, file=sys.stderr)
    return 2


def ask(argv: list[str]) -> int:
    from search.__main__ import DEFAULT_INDEX, main as search_main, parser

    args, _ = parser("policy-search ask").parse_known_args(argv)
    if isinstance(args.index, Path) and args.index == DEFAULT_INDEX and args.question:
        code = _first_build(args.index)
        if code:
            return code
    return search_main(argv, prog="policy-search ask")


def _first_build(index_dir: Path) -> int:
    """Build the default index of corpus/ when there is none yet (0 also when there is nothing to build)."""
    from index.__main__ import DEFAULT_CORPUS, main as index_main
    from index.store import current_generation

    if current_generation(index_dir) is not None:
        return 0
    if not DEFAULT_CORPUS.is_dir():
        print(f"提示：当前文件夹 {Path.cwd()} 没有 {DEFAULT_CORPUS}/ 也没有 {index_dir}；请在程序文件夹中运行，或用 --index 指定索引"
              f" / Note: no {DEFAULT_CORPUS}/ and no {index_dir} here ({Path.cwd()}): run from the program's folder, or "
              f"name the index with --index", file=sys.stderr)
        return 0
    print(f"首次使用：正在为 {DEFAULT_CORPUS}/ 建立索引… / First use: building the index of {DEFAULT_CORPUS}/…",
          file=sys.stderr, flush=True)
    stdout, sys.stdout = sys.stdout, sys.stderr  # the build summary is progress; stdout carries only the answer
    try:
        return index_main(["build", "--index", str(index_dir)], prog="policy-search")
    finally:
        sys.stdout = stdout


if __name__ == "__main__":
    sys.exit(main())
