"""Chinese keyword tokens, the same for passages and questions, and the names jieba tags in a text.

Officials ask about numbers, places and exact wording, so numbers keep their units
("26起", "2023年") as tokens of their own besides jieba's words, and question words
("多少", "怎么") are dropped because answers never contain them. Character bigrams are
added too: jieba cuts a question and a passage differently often enough ("执法证" vs
"行政执法证") that words alone miss matches, and bigrams measurably lift hit@1.
"""
from __future__ import annotations

import logging
import re
from functools import cache

import jieba
import jieba.posseg

from text.lexicon import words
from text.numbers import NUMBER_WITH_UNIT
from text.places import NOT_PLACES, strip_suffix
from text.sentences import has_word

# Bump when tokens change: stored tokens are then recomputed (vectors are kept).
TOKENIZER_VERSION = 7
STOPWORDS = frozenset(words("function_words") + words("question_words"))
_RUN = re.compile(r"[^\W_]+")


@cache
def jieba_tokenizer() -> jieba.Tokenizer:
    """One jieba dictionary for the process (loading one costs about a second)."""
    jieba.setLogLevel(logging.WARNING)
    return jieba.Tokenizer()


@cache
def jieba_tagger() -> jieba.posseg.POSTokenizer:
    """Parts of speech over the same dictionary (jieba.posseg.cut would load a second one)."""
    return jieba.posseg.POSTokenizer(jieba_tokenizer())


class KeywordTokenizer:
    """jieba in search mode plus number-unit tokens and bigrams."""

    def __init__(self) -> None:
        self._jieba = jieba_tokenizer()
        self._tagger = jieba_tagger()

    def place_names(self, text: str) -> list[str]:
        """Words jieba tags as place names ("杭州市", "罗湖区", "河南"). A place name right after another is one
        name ("坪山" "中心区": 坪山中心区, part of 坪山), and so is a bare division ending after the word it ends
        ("雄安" "新区": 雄安新区, which jieba does not know)."""
        names: list[str] = []
        before, named_before = None, False
        for pair in self._tagger.cut(text):
            named = pair.flag.startswith("ns") and pair.word not in NOT_PLACES  # "光明新区城市管理": 城市 is no place
            if named:
                stem = strip_suffix(pair.word)
                joins = before is not None and stem != pair.word and (
                    named_before or stem == "" and before.word.isalpha())
                if joins and named_before:
                    names[-1] += pair.word
                elif joins:
                    names.append(before.word + pair.word)
                else:
                    names.append(pair.word)
            before, named_before = pair, named
        return names

    def person_names(self, text: str) -> list[str]:
        """Words jieba tags as personal names ("王宏彬")."""
        return [pair.word for pair in self._tagger.cut(text) if pair.flag.startswith("nr")]

    def words(self, text: str) -> list[str]:
        """jieba's words of the text, in order (they join back into the text)."""
        return list(self._jieba.cut(text))

    def tokens(self, text: str) -> list[str]:
        lowered = text.lower()
        found = [w for w in self._jieba.cut_for_search(lowered) if _keep(w)]
        found.extend(m.group(0) for m in NUMBER_WITH_UNIT.finditer(lowered) if not m.group(0).isdigit())
        found.extend(bigrams(lowered))
        return found


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs within runs of letters and hanzi (never across punctuation).

    Pairs with digits are left out: "2023" → "20", "02", "23" would match any number.
    """
    pairs = (run[i:i + 2] for run in _RUN.findall(text.lower()) for i in range(len(run) - 1))
    return [p for p in pairs if not any(c.isdigit() for c in p)]


def _keep(word: str) -> bool:
    word = word.strip()
    return bool(word) and word not in STOPWORDS and has_word(word)
