"""Indexing throughput on ../shared/corpus vs the raw encoder on the same texts (run by hand).

    .venv/bin/python benchmarks/bench_index.py [--repeats 3] [--backend onnx-int8|torch]

Prints chunks/s of build_index (embedding stage, model load excluded, as BuildSummary reports it),
the raw encoder throughput on exactly the texts the build embedded, and the overhead ratio.
The machine may be shared: CPU seconds of this process are printed too (chunks per CPU-second is
far less sensitive to other load than wall time).
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from _common import CORPUS, machine, median, table

from index.build import BuildOptions, build_index, read_corpus
from index.chunk import chunk_report
from index.embed import Embedder, default_backend


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--backend", default=None)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    embedder = Embedder(backend=args.backend or default_backend())
    reports, _ = read_corpus([args.corpus])
    options = BuildOptions()
    texts = [c.embed_text for r in reports
             for c in chunk_report(r, options.target_chars, options.overlap_chars, embedder.count_tokens)]
    texts = list(dict.fromkeys(texts))  # the build embeds each distinct text once
    prompted = [embedder.info.passage_prompt + t for t in texts]
    rows = []
    pipeline, raw, pipe_cpu, raw_cpu = [], [], [], []
    for rep in range(args.repeats):
        # Raw encoder: one call over all texts (the encoder sorts by length and batches itself).
        t, c = time.perf_counter(), time.process_time()
        embedder._encoder.encode(prompted)
        raw.append(len(texts) / (time.perf_counter() - t))
        raw_cpu.append(len(texts) / (time.process_time() - c))
        work = Path(tempfile.mkdtemp(prefix="bench-index-"))
        try:
            c = time.process_time()
            summary = build_index([args.corpus], work / "index", embedder=embedder)
            pipe_cpu.append(summary.embedded / max(1e-9, time.process_time() - c) )
            pipeline.append(summary.chunks_per_second)
            total = summary.seconds
        finally:
            shutil.rmtree(work, ignore_errors=True)
        rows.append([rep + 1, summary.embedded, f"{pipeline[-1]:.1f}", f"{raw[-1]:.1f}",
                     f"{(raw[-1] / pipeline[-1] - 1) * 100:+.1f} %", f"{total:.1f}"])
        print(f"repeat {rep + 1}: pipeline {pipeline[-1]:.1f}/s raw {raw[-1]:.1f}/s", flush=True)
    lengths = sorted(len(t) for t in texts)
    print()
    print(machine())
    print(f"backend: {embedder.info.backend}; {len(texts)} distinct chunks, median {lengths[len(lengths)//2]} chars")
    print()
    print(table(["repeat", "chunks", "build_index chunks/s", "raw encode chunks/s", "overhead (raw/pipeline-1)",
                 "whole build s"], rows))
    print()
    print(table(["median", "build_index chunks/s", "raw encode chunks/s", "overhead",
                 "build chunks per CPU-s (whole build)", "raw chunks per CPU-s"],
                [["", f"{median(pipeline):.1f}", f"{median(raw):.1f}", f"{(median(raw) / median(pipeline) - 1) * 100:+.1f} %",
                  f"{median(pipe_cpu):.1f}", f"{median(raw_cpu):.1f}"]]))


if __name__ == "__main__":
    main()
