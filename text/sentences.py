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


# "存在一些薄弱环节，一是…；二是…；三是…": a list the report spells out over several sentences.
_LIST_OPENS = re.compile("一是|其一[，,是]|第一[，,]")
_LIST_GOES_ON = re.compile("[二三四五六七八九十]+是|其[二三四五六七八九十]+[，,是]|第[二三四五六七八九十]+[，,]")
MAX_LIST_SENTENCES = 10


def list_end(text: str, start: int, end: int) -> int:
    """Where the list opened by the sentence text[start:end] ("一是…") ends: past the sentences that go on with it
    ("二是…", "三是…"); `end` when the sentence opens none."""
    if not _LIST_OPENS.search(text, start, end):
        return end
    base = end
    for a, b in sentences(text[base:])[:MAX_LIST_SENTENCES]:
        if text[end:base + a].strip() or not _LIST_GOES_ON.match(text, base + a):
            break
        end = base + b
    return end


def shingles(text: str, size: int = 4) -> set[str]:
    """The text's runs of `size` characters, whitespace ignored: how much two passages or sentences share."""
    compact = "".join(text.split())
    return {compact[i:i + size] for i in range(max(1, len(compact) - size + 1))}


def has_word(text: str) -> bool:
    """The text holds a letter, digit or hanzi (something to search for), not only punctuation and space."""
    return bool(_WORD.search(text))
