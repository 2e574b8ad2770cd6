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
QUOTE_MARKS = "“”\""
CLAUSE_BREAK = re.compile(r"[，,、：:（）()“”\s]")
ITEM_BREAK = re.compile("[，,、；;：:]")  # between the items of a sentence, each a figure and what it is of
LIST_BREAK = re.compile("[，,；;：:]")  # between lists of items ("淘汰落后产能：炼铁120万吨、炼钢80万吨")


def last_break(pattern: re.Pattern[str], text: str, at: int) -> int:
    """Where the stretch of text ending at `at` starts: after the last break before it (0: none)."""
    return max((b.end() for b in pattern.finditer(text, 0, at)), default=0)
_SENTENCE = re.compile(f"[^{SENTENCE_ENDS}\\n]+[{SENTENCE_ENDS}]*")
_WORD = re.compile(f"[\\w{HAN_RANGE}]")


_CLAUSE_END = re.compile("[，,；;]")  # not at a colon: "GDP：5300亿元" is one statement


def clauses(sentence: str) -> list[str]:
    """The sentence's clauses, where a figure and what it is of usually sit together ("地区生产总值增长5.3%，
    一般公共预算收入36.77亿元")."""
    return _CLAUSE_END.split(sentence)


# A sentence shorter than this (a list label "一是", a dangling "等。") carries no idea of its own.
MIN_IDEA_CHARS = 6


def idea_sentences(text: str) -> list[str]:
    """The sentences of a passage that state something, each embedded on its own for wording requests: a short
    text matches a paraphrase of its idea better than the passage around it."""
    return [s for a, b in sentences(text) if len(_WORD.findall(s := text[a:b].strip())) >= MIN_IDEA_CHARS]


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank sentence, its closing punctuation included."""
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group().strip()]


# "存在一些薄弱环节，一是…；二是…；三是…": a list the report spells out over several sentences, its items often
# followed by a sentence or two that explain them ("一是工作开展不平衡。部分机关人员…；二是…").
_ORDINALS = "一二三四五六七八九十"
# An item starts a sentence or clause ("统一是关键" is no item): "一是…", "一要…", "其一，…", "第一，…", "第一是…". The group that matched names the marking style.
# "十一是…十五是…": a list runs past ten (吉林 2026's fifteen 重点任务).
_ORDINAL = f"十[{_ORDINALS[:9]}]|[{_ORDINALS}]"
LIST_ITEM = re.compile(f"(?:^|(?<=[，,；;：:。\\s]))(?:({_ORDINAL})[是要]|其({_ORDINAL})[，,是]|第({_ORDINAL})[，,是])")
_OUTLINE_HEADING = re.compile(f"[（(]?[{_ORDINALS}]+[、）)]")
MAX_LIST_SENTENCES = 12
MAX_EXPLAINING = 2  # sentences between two items


def list_end(text: str, start: int, end: int) -> int:
    """Where the list opened by the sentence text[start:end] ("一是…") ends: past the items that go on with it in
    order ("二是…", "三是…") and what explains each but the last; `end` when the sentence opens none."""
    items = list(LIST_ITEM.finditer(text, start, end))
    if not items:
        return end
    expected, between, base = item_ordinal(items[-1]) + 1, 0, end
    for a, b in sentences(text[base:])[:MAX_LIST_SENTENCES]:
        sentence = text[base + a:base + b].lstrip()
        item = LIST_ITEM.match(sentence)
        if item and item_ordinal(item) == expected:
            last = list(LIST_ITEM.finditer(sentence))[-1]  # "二是抓项目，三是抓民生。" goes on with 四
            end, expected, between = base + b, item_ordinal(last) + 1, 0
        elif item or _OUTLINE_HEADING.match(sentence) or between == MAX_EXPLAINING:
            break
        else:
            between += 1
    return end


def item_ordinal(item: re.Match[str]) -> int:
    numeral = next(g for g in item.groups() if g)
    return sum(_ORDINALS.index(c) + 1 for c in numeral)  # "十一" is 10 + 1


def shingles(text: str, size: int = 4) -> set[str]:
    """The text's runs of `size` characters, whitespace ignored: how much two passages or sentences share."""
    compact = "".join(text.split())
    return {compact[i:i + size] for i in range(max(1, len(compact) - size + 1))}


def has_word(text: str) -> bool:
    """The text holds a letter, digit or hanzi (something to search for), not only punctuation and space."""
    return bool(_WORD.search(text))
