"""How much the int8 encoder's vectors move between CPUs, and how far from float32 (run by hand).

    .venv/bin/python benchmarks/cpu_paths.py [--index DIR] [--passages 200] [--questions 100] [--emulate Haswell]

int8 ONNX kernels take different instruction paths on different CPUs (AVX-512 VNNI / AMX, AVX2 without VNNI, …):
the integer products are exact on some and saturate on others, so vectors differ slightly. This embeds a sample
of passages (from a built index) and eval questions with

- the int8 encoder on this CPU,
- the float32 encoder (torch), the reference,
- with --emulate CPU: the int8 encoder in `qemu-x86_64 -cpu CPU` (apt-get install qemu-user), which runs the
  same wheel on an emulated CPU without this one's extensions (Haswell: AVX2, no AVX-512, no VNNI). Slow: about
  200x; 40 texts take ~10 minutes.

and prints the cosine between the paths' vectors (min / median) and how often each question's 10 nearest sample
passages agree. Results go to benchmarks/RESULTS.md by hand.
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from _common import PROJECT, machine

from index.embed import Embedder
from index.store import ChunkTable, live_generation
from search.eval import load_questions

SETS = ("questions", "blind3")


def sample(index: Path, passages: int, questions: int) -> dict[str, list[str]]:
    generation = live_generation(index)
    if generation is None:
        sys.exit(f"no index at {index}")
    with ChunkTable(generation / "chunks.sqlite", read_only=True) as table:
        texts = [row[3] for row in table.passages() if len(row[3]) > 50]
    asked = [q.question for name in SETS for q in load_questions(PROJECT / "tests" / "eval" / f"{name}.jsonl")]
    rng = random.Random(7)
    return {"passages": rng.sample(texts, min(passages, len(texts))), "questions": rng.sample(asked, questions)}


def embed(texts: dict[str, list[str]], backend: str) -> np.ndarray:
    encoder = Embedder(backend=backend)
    return np.vstack([encoder.passages(texts["passages"]), *(encoder.query(q)[None] for q in texts["questions"])])


def emulated(texts: dict[str, list[str]], cpu: str) -> np.ndarray:
    """The int8 vectors of the same texts, computed in a child process on an emulated CPU."""
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "texts.json", Path(tmp) / "vectors.npy"
        source.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        code = (f"import json, sys, numpy as np; sys.path.insert(0, {str(PROJECT / 'benchmarks')!r}); "
                f"from cpu_paths import embed; "
                f"np.save({str(out)!r}, embed(json.loads(open({str(source)!r}, encoding='utf-8').read()), 'onnx-int8'))")
        subprocess.run(["qemu-x86_64", "-cpu", cpu, sys.executable, "-c", code], check=True,
                       stderr=subprocess.DEVNULL)
        return np.load(out)


def compare(name: str, a: np.ndarray, b: np.ndarray, n_passages: int) -> str:
    cos = (a * b).sum(axis=1)
    qa, qb = a[n_passages:] @ a[:n_passages].T, b[n_passages:] @ b[:n_passages].T
    top = [len(set(np.argsort(-x)[:10]) & set(np.argsort(-y)[:10])) / 10 for x, y in zip(qa, qb)]
    return (f"| {name} | {cos.min():.4f} | {np.median(cos):.4f} | {np.abs(a - b).max():.4f} | "
            f"{np.mean(top):.2f} | {min(top):.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path,
                        default=Path.home() / ".cache/policy-search/test-indexes/shared-corpus-onnx-int8")
    parser.add_argument("--passages", type=int, default=200)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--emulate", metavar="CPU", help="also run the int8 encoder under qemu-x86_64 -cpu CPU")
    args = parser.parse_args()
    texts = sample(args.index, args.passages, args.questions)
    n = len(texts["passages"])
    native, reference = embed(texts, "onnx-int8"), embed(texts, "torch")
    print(machine())
    print(f"\n{n} passages, {len(texts['questions'])} questions\n")
    print("| compared | cosine min | cosine median | max abs diff | top-10 overlap mean | worst |")
    print("|---|---|---|---|---|---|")
    print(compare("int8 (this CPU) vs float32", native, reference, n))
    if args.emulate:
        other = emulated(texts, args.emulate)
        print(compare(f"int8 ({args.emulate}, emulated) vs int8 (this CPU)", other, native, n))
        print(compare(f"int8 ({args.emulate}, emulated) vs float32", other, reference, n))


if __name__ == "__main__":
    main()
