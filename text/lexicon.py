"""The one loader of the word lists in text/data/.

A list is a UTF-8 file: one entry per line, blank lines and lines starting with "#" skipped.
`.txt` files hold one word (or regular-expression fragment, where the file says so) a line;
`.tsv` files hold tab-separated rows. Entries keep their file order.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data")


@cache
def words(name: str) -> tuple[str, ...]:
    """The entries of text/data/<name>.txt."""
    return tuple(_entries(DATA / f"{name}.txt"))


@cache
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The rows of text/data/<name>.tsv, each split on tabs."""
    return tuple(tuple(entry.split("\t")) for entry in _entries(DATA / f"{name}.tsv"))


def _entries(path: Path) -> list[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def alternation(entries: Iterable[str], escape: bool = True) -> str:
    """A regex group matching any entry, longest first, so "人次" is taken before "人" and "几个" before "几"."""
    ordered = sorted(dict.fromkeys(entries), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(e) if escape else e for e in ordered) + ")"
