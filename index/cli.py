"""What the entry points (`python -m index`, `python -m search`, `python app.py`) share: how they end on an
expected failure (one clear line on stderr, Chinese first, exit code 2; 130 for Ctrl+C), the embedding
progress bar, and the build summary."""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from index.build import BuildSummary, stage_label, stage_unit

INTERRUPTED = "已中断，原索引保持不变 / Interrupted; the previous index is unchanged"


def exit_code(problem: BaseException, interrupted: str = INTERRUPTED) -> int:
    """Print an expected failure (or the interruption note, if any) and return the process exit code."""
    if isinstance(problem, KeyboardInterrupt):
        if interrupted:
            print(interrupted, file=sys.stderr)
        return 130
    print(f"错误 / Error: {problem}", file=sys.stderr)
    return 2


def terminal_progress() -> tuple[Callable[[str, int, int], None], Callable[[], None]]:
    """A build's progress callback drawing a bar on stderr for each stage (OCR of each scanned file, embedding),
    and the function that closes the last one."""
    bar: list[tqdm] = []
    shown: list[str] = []

    def report(stage: str, done: int, total: int) -> None:
        if shown != [stage]:
            close()
            shown[:] = [stage]
            bar.append(tqdm(total=total, unit=stage_unit(stage), desc=stage_label(stage), file=sys.stderr, disable=total == 0))
        bar[-1].n = done
        bar[-1].refresh()

    def close() -> None:
        while bar:
            bar.pop().close()

    return report, close


def format_summary(summary: BuildSummary, index_dir: Path) -> str:
    lines = [
        f"索引 / index: {index_dir} ({summary.generation})",
        f"报告 / reports: {summary.reports}  段落 / chunks: {summary.chunks}",
        f"新增 / added: {len(summary.added)}  更新 / updated: {len(summary.updated)}  "
        f"删除 / removed: {len(summary.removed)}  未变 / unchanged: {summary.unchanged}",
        f"向量化 / embedded: {summary.embedded} 段, {summary.chunks_per_second:.1f} chunks/s; "
        f"用时 / total: {summary.seconds:.1f} s",
    ]
    if summary.repaired:
        lines.append(f"已修复损坏的索引 / repaired a damaged index: {summary.repaired.describe()}")
    if summary.skipped:
        lines.append(f"跳过 / skipped: {len(summary.skipped)}")
        lines.extend(f"  - {s.path}: {s.reason}" for s in summary.skipped)
    return "\n".join(lines)
