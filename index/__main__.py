"""Command line: `python -m index build`, `python -m index info` and `python -m index check`."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from index.build import BuildOptions, assemble_parts, build_index, build_part
from index.milvus import is_milvus
from index.chunk import DEFAULT_TARGET_CHARS
from index.cli import exit_code, format_summary, terminal_progress
from index.errors import StoreError, UserError
from index.integrity import GenerationDamaged, check, read_manifest
from index.store import LOCAL, current_generation, generations, newest_intact

DEFAULT_CORPUS = Path("corpus")
DEFAULT_INDEX = Path("data/index")


def main(argv: list[str] | None = None, prog: str = "python -m index") -> int:
    args = _parser(prog).parse_args(argv)
    try:
        return args.run(args)
    except (UserError, KeyboardInterrupt) as problem:
        return exit_code(problem)


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="建立和查看报告索引 / Build and inspect the index")
    sub = parser.add_subparsers(required=True, metavar="{build,info,check}")
    build = sub.add_parser("build", help="读取报告并建立或更新索引 / read reports and build or update the index")
    build.add_argument("--corpus", type=Path, action="append",
                       help="报告所在文件夹或文件，可重复 / folder or file of reports (repeatable; default: corpus)")
    build.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="索引目录 / index directory (default: data/index)")
    build.add_argument("--model", help="sentence-transformers 模型名称或路径 / model name or path "
                                       "(default: the index's model, or multilingual-e5-small)")
    build.add_argument("--chunk-chars", type=int, default=DEFAULT_TARGET_CHARS,
                       help=f"段落目标长度（字） / target passage length in characters (default {DEFAULT_TARGET_CHARS})")
    build.add_argument("--rebuild", action="store_true", help="从头重建（换模型时需要）/ rebuild from scratch")
    build.add_argument("--store", metavar="URI",
                       help="向量与关键词存在哪里：local（默认）、milvus:///文件.db（Milvus Lite）或 http://主机:19530（Milvus "
                            "服务器/集群），记入索引，之后检索自动跟随 / where vectors and keywords live: local (default), "
                            "milvus:///file.db or http://host:19530; recorded in the index, searches follow it")
    build.add_argument("--workers", type=_positive, default=1, metavar="N",
                       help="同时向量化的进程数，各用一部分 CPU（多核机器上更快；结果不变）/ processes embedding at once, "
                            "each on its share of the CPUs (faster on many cores; same vectors)")
    build.add_argument("--part", type=_part, metavar="K/N",
                       help="多台机器分担建库：本机处理第 K 部分（共 N 部分），写入 Milvus 暂存 / building on several "
                            "machines: embed part K of N into Milvus's staging collection (needs --store)")
    build.add_argument("--assemble", type=_positive, metavar="N",
                       help="N 部分都完成后，合并为一个版本并发布 / once all N parts are done, make one generation of "
                            "them and publish it (needs --store)")
    build.set_defaults(run=_build)
    info = sub.add_parser("info", help="显示索引概况 / show what the index holds")
    info.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    info.add_argument("--json", action="store_true")
    info.set_defaults(run=_info)
    verify = sub.add_parser("check", help="逐个文件核对校验值，找出损坏的文件 / verify every file of every generation")
    verify.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    verify.set_defaults(run=_check)
    return parser


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"应为正整数 / must be a positive whole number: {text}")
    return int(text)


def _part(text: str) -> tuple[int, int]:
    part, _, parts = text.partition("/")
    if not (part.isdigit() and parts.isdigit() and 1 <= int(part) <= int(parts)):
        raise argparse.ArgumentTypeError(f"应为 K/N，如 1/3 / must be K/N, e.g. 1/3: {text}")
    return int(part), int(parts)


def _build(args: argparse.Namespace) -> int:
    if (args.part or args.assemble) and not is_milvus(args.store):
        raise StoreError("--part 与 --assemble 需要 --store 指向 Milvus / --part and --assemble need --store with a "
                         "Milvus address")
    if args.assemble:  # reads no files: the parts did
        summary = assemble_parts(args.index, args.store, args.assemble, BuildOptions(model=args.model,
                                 target_chars=args.chunk_chars))
        print(format_summary(summary, args.index))
        return 0
    sources = args.corpus or [DEFAULT_CORPUS]
    missing = [s for s in sources if not s.exists()]
    if missing:
        raise StoreError(f"找不到报告目录：{missing[0]} / Corpus not found: {missing[0]}")
    progress, done = terminal_progress()
    options = BuildOptions(model=args.model, target_chars=args.chunk_chars, rebuild=args.rebuild, store=args.store,
                           workers=args.workers)
    try:
        summary = (build_part(sources, args.store, *args.part, options, progress=progress) if args.part
                   else build_index(sources, args.index, options, progress=progress))
    finally:
        done()
    print(format_summary(summary, args.index))
    return 0 if summary.reports else 1


def _info(args: argparse.Namespace) -> int:
    found, damage = newest_intact(args.index)
    if found is None:
        if damage:
            raise StoreError(f"索引已损坏：{damage.describe()}；没有完好的版本，请运行 python -m index build --rebuild / "
                             f"Index damaged ({damage.file}); no intact version: run `python -m index build --rebuild`")
        raise StoreError(f"找不到索引：{args.index}（请先运行 python -m index build）/ No index at {args.index}")
    generation, manifest = found
    if args.json:
        print(json.dumps(manifest, ensure_ascii=False, indent=2))
        return 0
    model = manifest["model"]
    print(f"索引 / index: {args.index} ({generation.name}, built {manifest['built']})")
    if damage:
        print(f"警告：当前版本已损坏（{damage.describe()}），正在使用上一版本 {generation.name}；请运行 python -m index build "
              f"修复 / Warning: the current version is damaged; serving {generation.name}; run `python -m index build`")
    print(f"报告 / reports: {manifest['reports']}  段落 / chunks: {manifest['chunks']}")
    if manifest.get("sources"):  # what a later build must be given again not to drop their reports
        print(f"报告文件夹 / built from: {'、'.join(manifest['sources'])}")
    print(f"模型 / model: {model['name']} (dim {model['dim']}, query prompt {model['query_prompt']!r}, "
          f"passage prompt {model['passage_prompt']!r})")
    print(f"向量索引 / vector index: {manifest['vector_index']}  分段 / chunking: {manifest['chunking']}")
    if manifest.get("store", LOCAL) != LOCAL:
        print(f"存储 / store: {manifest['store']}（集合 / collections {manifest.get('collection')}_*；检索以别名指向的版本为准 / "
              f"searches follow the alias)")
    return 0


def _check(args: argparse.Namespace) -> int:
    """Every file of every generation against its recorded size and SHA-256. Exit 0: the current generation is
    intact; 1: it is damaged (an older intact one is served, or none is)."""
    current = current_generation(args.index)
    if current is None:
        raise StoreError(f"找不到索引：{args.index}（请先运行 python -m index build）/ No index at {args.index}")
    damaged_current = False
    for generation in generations(args.index):
        label = "（当前 / current）" if generation == current else ""
        try:
            manifest = read_manifest(generation)
            damage = check(generation, manifest, full=True)
        except GenerationDamaged as problem:
            manifest, damage = {}, problem.damage
        if damage:
            print(f"{generation.name}{label} 已损坏 / damaged: {damage.file}：{damage.reason}")
        elif not manifest.get("files"):
            print(f"{generation.name}{label} 未记录校验值（旧版索引），无法核对 / no checksums recorded (older build)")
        else:
            print(f"{generation.name}{label} 完好 / intact: {len(manifest['files'])} 个文件 / files")
        damaged_current |= generation == current and damage is not None
    if damaged_current:
        print(f"请运行 python -m index build --index {args.index} 修复（从最新的完好版本和报告文件重建）/ "
              f"run `python -m index build --index {args.index}` to repair")
    return 1 if damaged_current else 0


if __name__ == "__main__":
    sys.exit(main())
