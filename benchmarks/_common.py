"""Shared helpers for the hand-run benchmarks: machine description, timing summaries, markdown."""
from __future__ import annotations

import os
import platform
import statistics
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
CORPUS = PROJECT.parent / "shared" / "corpus"
sys.path.insert(0, str(PROJECT))


def machine() -> str:
    import faiss

    from index.system import cpu_threads
    import numpy

    cpu = cpu_model() or "?"
    gib = ram_gib()
    ram = "?" if gib is None else f"{gib:.1f} GiB"
    try:
        import torch
        torch_v = torch.__version__
    except ImportError:
        torch_v = "-"
    try:
        import onnxruntime
        ort_v = onnxruntime.__version__
    except ImportError:
        ort_v = "-"
    load = os.getloadavg()
    return (f"machine: {cpu_threads()} cores ({cpu}), RAM {ram}, load avg {load[0]:.1f}/{load[1]:.1f}; "
            f"python {platform.python_version()}, torch {torch_v}, onnxruntime {ort_v}, faiss {faiss.__version__}, "
            f"numpy {numpy.__version__}")


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo ("" where that cannot say)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def ram_gib() -> float | None:
    """Total memory in GiB from /proc/meminfo (None where that cannot say)."""
    try:
        line = next(row for row in Path("/proc/meminfo").read_text().splitlines() if row.startswith("MemTotal"))
        return int(line.split()[1]) / 2**20
    except (OSError, StopIteration, ValueError):
        return None


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(header: list[str], rows: list[list[object]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def resident_mb() -> dict[str, float]:
    """This process's resident memory, split into anonymous and file-backed (mapped files) on Linux."""
    try:
        fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
        kb = {key: int(fields[key].split()[0]) for key in ("VmRSS", "RssAnon", "RssFile")}
        return {"rss": kb["VmRSS"] / 1024, "anon": kb["RssAnon"] / 1024, "file": kb["RssFile"] / 1024}
    except (OSError, KeyError, ValueError):
        import psutil
        rss = psutil.Process().memory_info().rss / 2**20
        return {"rss": rss, "anon": float("nan"), "file": float("nan")}
