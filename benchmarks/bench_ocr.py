"""OCR speed and character accuracy on scanned pages made from real report text (run by hand).

    .venv/bin/python benchmarks/bench_ocr.py [--reports 3] [--pages 2] [--points 12 16]

Each report of ../shared/corpus (the default one when the folder is absent) is typeset on A4 pages with Noto CJK
(tests/scan_maker.py, 150 dpi), wrapped as a PDF without a text layer and read back by index/read.py, as a build
reads it (pypdfium2 render at RENDER_SCALE, rapidocr-onnxruntime, layout). The OCR cache is a fresh temporary
folder, so every page is really recognised. Reports medians: seconds per page (wall and this process's CPU) and
character accuracy (1 − edit distance / length, whitespace aside).
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from _common import CORPUS, PROJECT, machine, median

import sys
sys.path.insert(0, str(PROJECT / "tests"))

from scan_maker import accuracy, scan_pages, scanned_pdf  # noqa: E402

from index.ocr import RENDER_SCALE  # noqa: E402
from index.read import read_report  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=3)
    parser.add_argument("--pages", type=int, default=2)
    parser.add_argument("--points", type=float, nargs="+", default=[12, 16])
    args = parser.parse_args()
    sources = sorted(CORPUS.glob("*.txt"))[:: max(1, len(list(CORPUS.glob("*.txt"))) // args.reports)][:args.reports] \
        if CORPUS.is_dir() else [PROJECT / "corpus" / "zhangdian_2023.txt"]
    print(machine())
    print(f"render scale {RENDER_SCALE}; {len(sources)} reports × {args.pages} pages")
    print("| points | pages | s/page wall (median) | s/page CPU (median) | accuracy (median) | accuracy (min) |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["POLICY_SEARCH_CACHE"] = folder
        for points in args.points:
            walls, cpus, accuracies = [], [], []
            for source in sources:
                paragraphs = [line.strip() for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
                images, drawn = scan_pages(paragraphs, args.pages, points)
                pdf = scanned_pdf(Path(folder) / f"{source.stem}-{points}.pdf", images)
                wall, cpu = time.perf_counter(), time.process_time()
                report = read_report(pdf)
                walls.append((time.perf_counter() - wall) / len(images))
                cpus.append((time.process_time() - cpu) / len(images))
                accuracies.append(accuracy("".join(drawn), report.text))
            print(f"| {points:g} | {len(walls) * args.pages} | {median(walls):.1f} | {median(cpus):.1f} | "
                  f"{median(accuracies):.4f} | {min(accuracies):.4f} |")


if __name__ == "__main__":
    main()
