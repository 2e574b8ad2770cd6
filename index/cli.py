"""How the entry points (`python -m index`, `python -m search`, `python app.py`) end on an expected failure:
one clear line on stderr, Chinese first, and an exit code (2 for a problem, 130 for Ctrl+C)."""
from __future__ import annotations

import sys

INTERRUPTED = "已中断，原索引保持不变 / Interrupted; the previous index is unchanged"


def exit_code(problem: BaseException, interrupted: str = INTERRUPTED) -> int:
    """Print an expected failure (or the interruption note, if any) and return the process exit code."""
    if isinstance(problem, KeyboardInterrupt):
        if interrupted:
            print(interrupted, file=sys.stderr)
        return 130
    print(f"错误 / Error: {problem}", file=sys.stderr)
    return 2
