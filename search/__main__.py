"""Command line: `python -m search "问题"`, or one question per line on stdin → JSON lines."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from index.backends import index_location
from index.cli import exit_code
from index.errors import UserError
from search.export import export
from search.compose import Composed, composable, composed_answer
from search.llm import LLMConfig, add_llm_options, llm_config
from search.present import composed_json, composed_text, result_json, result_text
from search.results import Filters, SearchResult
from search.retrieve import Searcher

DEFAULT_INDEX = Path("data/index")


def main(argv: list[str] | None = None, prog: str = "python -m search") -> int:
    args = parser(prog).parse_args(argv)
    try:
        searcher = Searcher(args.index, model=args.model)
        if searcher.index.notice:
            print(f"警告 / Warning: {searcher.index.notice}", file=sys.stderr)
        filters = filters_from_args(args)
        llm = llm_config(args.llm_url, args.llm_model, args.llm_key, args.llm_timeout)
        if not args.question:
            return _answer_stdin(searcher, args, filters, llm)
        result = searcher.search(" ".join(args.question), k=args.k, filters=filters, mode=args.mode)
        if not args.json:
            print(result_text(result), flush=True)
        composed = _composed(llm, result)
        if args.json:
            print(json.dumps(_with_composed(result_json(result), llm, composed), ensure_ascii=False))
        elif composed is not None:
            print("\n" + composed_text(composed))
        if args.export:
            print(f"已导出 / exported: {export(result, args.export)}", file=sys.stderr)
        return 0
    except (UserError, KeyboardInterrupt) as problem:
        return exit_code(problem, interrupted="")  # a search writes nothing, so there is nothing to reassure about
    except BrokenPipeError:  # the reader stopped early (`| head`): end quietly, as other command-line tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _answer_stdin(searcher: Searcher, args: argparse.Namespace, filters: Filters, llm: LLMConfig | None) -> int:
    # One JSON object per input line, in order, flushed at once so a caller can stream.
    for line in sys.stdin:
        result = searcher.search(line.strip(), k=args.k, filters=filters, mode=args.mode)
        print(json.dumps(_with_composed(result_json(result), llm, _composed(llm, result)), ensure_ascii=False),
              flush=True)
    return 0


def _composed(llm: LLMConfig | None, result: SearchResult) -> Composed | None:
    if llm is None or not composable(result):
        return None
    print(f"正在请本地模型归纳… / asking the local model ({llm.model})…", file=sys.stderr, flush=True)
    return composed_answer(llm, result)


def _with_composed(data: dict, llm: LLMConfig | None, composed: Composed | None) -> dict:
    """"composed" only when a model is configured: null for a wording request or no passage."""
    return data if llm is None else {**data, "composed": composed_json(composed) if composed else None}


def filters_from_args(args: argparse.Namespace) -> Filters:
    return Filters.of(args.year, args.body, args.genre, tuple(args.report or ()))


def parser(prog: str = "python -m search") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="检索报告 / Search the reports")
    parser.add_argument("question", nargs="*", help="问题；省略时从标准输入逐行读取 / question; omit to read lines from stdin")
    parser.add_argument("--index", type=index_location, default=DEFAULT_INDEX,
                        help="索引目录或 Milvus 地址 / index directory or Milvus address (default: data/index)")
    parser.add_argument("-k", type=int, default=5, help="返回段落数 / passages to return (default 5)")
    parser.add_argument("--json", action="store_true", help="输出 JSON / print JSON")
    parser.add_argument("--model", help="查询用模型，须与建索引时一致 / model; must match the index")
    parser.add_argument("--mode", choices=["answer", "wording"], help="问答或找表述 / answers or precedent wording")
    parser.add_argument("--year", help="年份或范围，如 2023 或 2020-2023 / year or range")
    parser.add_argument("--body", help="发文机关，如 张店乡 / issuing body")
    parser.add_argument("--genre", help="类型，如 法治政府建设 / genre")
    parser.add_argument("--report", action="append", help="只在这些报告中查找（文件名）/ only these reports (file names)")
    parser.add_argument("--export", type=Path, metavar="FILE",
                        help="把结果连同出处导出为 Word（.docx）或表格（.csv）/ save the results with citations as .docx or .csv")
    add_llm_options(parser)
    return parser


if __name__ == "__main__":
    sys.exit(main())
