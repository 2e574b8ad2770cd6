"""Sentences and clauses of Chinese report text."""
from __future__ import annotations

import re

from text import HAN_RANGE

SENTENCE_ENDS = "。！？；!?;"
# A line ending in one of these, or with one inside, is a sentence rather than a bare heading label.
LABEL_ENDS = SENTENCE_ENDS + "：:"
# Where a long passage may be cut, best first: paragraphs, lines, sentence ends, then commas.
SPLIT_POINTS = ("\n\n", "\n", "。", "！", "？", "；", "，")
PUNCTUATION = "。，、；：！？,;:!?“”\"《》（）()"
CLAUSE_BREAK = re.compile(r"[，,、：:（）()“”\s]")
_SENTENCE = re.compile(f"[^{SENTENCE_ENDS}\\n]+[{SENTENCE_ENDS}]*")
_WORD = re.compile(f"[\\w{HAN_RANGE}]")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank sentence, its closing punctuation included."""
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group().strip()]


def shingles(text: str, size: int = 4) -> set[str]:
    """The text's runs of `size` characters, whitespace ignored: how much two passages or sentences share."""
    compact = "".join(text.split())
    return {compact[i:i + size] for i in range(max(1, len(compact) - size + 1))}


def has_word(text: str) -> bool:
    """The text holds a letter, digit or hanzi (something to search for), not only punctuation and space."""
    return bool(_WORD.search(text))
